package store

import "github.com/casework/casework/internal/rules"

// EmergentFactsSQLForTest is emergentFactsSQL for the external tests: the
// per-request reading the state-wide load must agree with.
func EmergentFactsSQLForTest(where string) string { return emergentFactsSQL(where) }

// StaffSQLForTest is staffSQL and agencyStaffSQL for the external tests:
// one reading, written for a few people and for everybody.
func StaffSQLForTest() (perPerson, everybody string) { return staffSQL, agencyStaffSQL }

// DecodeEventPackForTest is eachPackedEvent for the external tests: the
// kinds and dates of a pack, in its order.
func DecodeEventPackForTest(pack []byte) (kinds []string, dates []string, err error) {
	var words shortWords
	err = eachPackedEvent(pack, &words, func(d rules.Date, kind string) error {
		kinds, dates = append(kinds, kind), append(dates, d.String())
		return nil
	})
	return kinds, dates, err
}
