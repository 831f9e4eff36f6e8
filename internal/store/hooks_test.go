package store

// EmergentFactsSQLForTest is emergentFactsSQL for the external tests: the
// per-request reading the state-wide load must agree with.
func EmergentFactsSQLForTest(where string) string { return emergentFactsSQL(where) }

// StaffSQLForTest is staffSQL and agencyStaffSQL for the external tests:
// one reading, written for a few people and for everybody.
func StaffSQLForTest() (perPerson, everybody string) { return staffSQL, agencyStaffSQL }
