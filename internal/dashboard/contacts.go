package dashboard

import "github.com/casework/casework/internal/rules"

// ContactRule is a monthly visit or contact rule the trends count, as the
// profile labels it. Key is the rule's id: it matches the rows to their
// column and is never shown.
type ContactRule struct {
	Key   string
	Label string
}

// ContactRead is a rule read for a month: the profile version in force on
// the day after the month holds it (only then are its months counted).
type ContactRead struct {
	Month rules.Date // first day
	Key   string
}

// ContactMonth is a unit's month under one rule, as the store counts it:
// the cases that owed the rule for the month and those whose month ended
// short.
type ContactMonth struct {
	Month        rules.Date
	UnitID       int64
	Key          string
	Owing, Short int
}

// ContactFigures are a unit's figures under one rule for one month of the
// trends. Ended is false for a month not yet over (nothing counted: its
// contacts can still be made); Read is false for a month the rule was not
// in force for (nothing owed under it, not a zero that reads as met).
type ContactFigures struct {
	Ended, Read  bool
	Owing, Short int
}

// Owed says whether a case owed the rule in the month counted: false for a
// month not ended, not read under the rule, or with no case owing.
func (f ContactFigures) Owed() bool { return f.Ended && f.Read && f.Owing > 0 }

// AddContactShortfalls gives each unit the rules' columns and each month of
// the trends its figures under each: the rows of the ended months that read
// the rule (an ended month read without a row: no case of the unit owed
// it).
func AddContactShortfalls(trends []UnitTrend, cols []ContactRule, read []ContactRead, rows []ContactMonth, today rules.Date) {
	type key struct {
		unit  int64
		month rules.Date
		rule  string
	}
	byKey := make(map[key]ContactMonth, len(rows))
	for _, r := range rows {
		byKey[key{r.UnitID, r.Month, r.Key}] = r
	}
	isRead := make(map[ContactRead]bool, len(read))
	for _, r := range read {
		isRead[r] = true
	}
	for i := range trends {
		u := &trends[i]
		u.Contacts = cols
		for j := range u.Months {
			m := &u.Months[j]
			ended := !m.Month.AddMonths(1).After(today)
			m.Contacts = make([]ContactFigures, len(cols))
			for k, c := range cols {
				f := ContactFigures{Ended: ended, Read: ended && isRead[ContactRead{m.Month, c.Key}]}
				if f.Read {
					row := byKey[key{u.UnitID, m.Month, c.Key}]
					f.Owing, f.Short = row.Owing, row.Short
				}
				m.Contacts[k] = f
			}
		}
	}
}
