package store

import (
	"encoding/binary"
	"fmt"

	"github.com/casework/casework/internal/rules"
)

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

// DecodeConferencePackForTest is eachPackedConference for the external
// tests: each conference of a pack, in its order, in one line of words:
// "id held kind worker casework-supervisor shared source [case@position ...]"
// (a missing date or source id as "-").
func DecodeConferencePackForTest(pack []byte) ([]string, error) {
	var words shortWords
	var out []string
	err := eachPackedConference(pack, &words, func(k packedConference) {
		shared, source := "-", "-"
		if !k.shared.IsZero() {
			shared = k.shared.String()
		}
		if k.sourceID != nil {
			source = string(k.sourceID)
		}
		line := fmt.Sprintf("%d %s %s %d %d %s %s [", k.id, k.held, k.kind, k.worker, k.caseworkSupervisor, shared, source)
		for p := k.discussed; len(p) > 0; p = p[12:] {
			line += fmt.Sprintf(" %d@%d", int64(binary.BigEndian.Uint64(p[:8])), int32(binary.BigEndian.Uint32(p[8:12])))
		}
		out = append(out, line+" ]")
	})
	return out, err
}

// DecodeCaseHistoryPacksForTest is appendPackedRisks and appendPackedPlans
// for the external tests: the entries of a case's packs dated on or before
// asOf, in words ("high@2026-11-02", "2026-10-01:2/1/1").
func DecodeCaseHistoryPacksForTest(risks, plans []byte, asOf rules.Date) ([]string, error) {
	var words shortWords
	rs, err := appendPackedRisks(nil, risks, asOf, &words)
	if err != nil {
		return nil, err
	}
	ps, err := appendPackedPlans(nil, plans, asOf)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, r := range rs {
		out = append(out, r.Level+"@"+r.From.String())
	}
	for _, p := range ps {
		out = append(out, fmt.Sprintf("%s:%d/%d/%d", p.From, p.Child, p.Parents, p.Provider))
	}
	return out, nil
}
