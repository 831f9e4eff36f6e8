package store

import (
	"fmt"
	"strings"

	"github.com/casework/casework/internal/conference"
)

// The conference lifecycle (internal/conference) in SQL: who may take an
// action on a record in which state, written from the lifecycle's own
// permits so that no query repeats the conditions. The triggers of the
// schema stay the backstop (freeze_test.go checks they agree).

// partyColumns name, for each party of a record, its column of conferences.
var partyColumns = map[conference.Party]string{
	conference.SupervisorParty:         "supervisor_id",
	conference.WorkerParty:             "worker_id",
	conference.CaseworkSupervisorParty: "casework_supervisor_id",
}

// The lifecycle's states as the queries spell them, so that no query writes
// a state's name itself (TestNoQuerySpellsAConferenceState keeps it so).
var (
	draftSQL  = statusWord(conference.Draft)
	signedSQL = statusWord(conference.Signed)
	sharedSQL = statusWord(conference.Shared)
	// recipientReadsSQL: the states in which the person a record was held
	// with reads it, ('shared', 'acknowledged').
	recipientReadsSQL = statusList(readableBy(conference.Recipient))
)

// statusWord is a state as an SQL literal: 'draft'.
func statusWord(s conference.Status) string { return "'" + string(s) + "'" }

// readableBy lists the states in which the relation reads a record.
func readableBy(r conference.Relation) []conference.Status {
	for _, p := range conference.Permits(conference.Read) {
		if p.By == r {
			return p.In
		}
	}
	return nil
}

// statusList is states as an SQL list: ('signed', 'shared').
func statusList(ss []conference.Status) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = statusWord(s)
	}
	return "(" + strings.Join(q, ", ") + ")"
}

// partySQL: the person viewer (a parameter, "$2") takes the relation in the
// record of alias k ("k." or "" for the table itself).
func partySQL(r conference.Relation, k, viewer string) string {
	var or []string
	for _, kind := range []conference.Kind{conference.Supervision, conference.CaseworkReview} {
		if col, ok := partyColumns[conference.PartyOf(kind, r)]; ok {
			or = append(or, fmt.Sprintf("(%[1]skind = '%[2]s' AND %[1]s%[3]s = %[4]s)", k, kind, col, viewer))
		}
	}
	if len(or) == 0 {
		return "false"
	}
	return "(" + strings.Join(or, " OR ") + ")"
}

// maySQL: the viewer may take the action on the record, by one of the
// action's permits. Readers are left out: whom the hierarchy lets read a
// record is conferenceReachSQL's own business, and no other action is
// theirs.
func maySQL(a conference.Action, k, viewer string) string {
	var or []string
	for _, p := range conference.Permits(a) {
		if p.By == conference.Reader {
			continue
		}
		cond := partySQL(p.By, k, viewer)
		if len(p.In) < len(conference.Statuses()) {
			cond = k + "status IN " + statusList(p.In) + " AND " + cond
		}
		or = append(or, "("+cond+")")
	}
	if len(or) == 0 {
		return "false"
	}
	return "(" + strings.Join(or, " OR ") + ")"
}

// movesTo is the state a step of the lifecycle (sign, share, acknowledge)
// moves a record to.
func movesTo(a conference.Action) conference.Status {
	for _, p := range conference.Permits(a) {
		for _, s := range p.In {
			if to, ok := conference.Next(s, a); ok {
				return to
			}
		}
	}
	panic("conference: " + string(a) + " is not a step of the lifecycle")
}
