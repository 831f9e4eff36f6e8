package store

// EmergentFactsSQLForTest is emergentFactsSQL for the external tests: the
// per-request reading the state-wide load must agree with.
func EmergentFactsSQLForTest(where string) string { return emergentFactsSQL(where) }
