// Package conference defines a conference record's lifecycle once: the
// states a record goes through, the actions taken on it, who may take each
// in which state, and the state each leads to. Handlers, the store's queries
// and the pages ask it rather than repeating the conditions.
//
// The database is the backstop: whoever writes, its triggers refuse to
// change a signed record's content or to move its status back (migrations
// 000003, 000030, 000040, 000090). The tests of this package and of the
// store check that the two agree.
package conference

// Kind is the kind of a conference: a supervisor's with one of their workers,
// or a casework supervisor's review with a supervisor who reports to them.
type Kind string

const (
	Supervision    Kind = "supervision"
	CaseworkReview Kind = "casework_review"
)

// Status is where a record is in its lifecycle. The values are the
// database's (conferences.status).
type Status string

const (
	Draft        Status = "draft"        // being written: its author may change it, it satisfies nothing
	Signed       Status = "signed"       // final: a conference held, corrections only as dated addenda
	Shared       Status = "shared"       // given to the person it was held with, to read
	Acknowledged Status = "acknowledged" // that person said they read it
)

// Statuses lists the states in the order a record moves through them; it
// never moves back (the order the freeze trigger compares in).
func Statuses() []Status { return []Status{Draft, Signed, Shared, Acknowledged} }

// HeldStatuses are the states of a record that counts as a conference held:
// signed, and every state after.
func HeldStatuses() []Status { return []Status{Signed, Shared, Acknowledged} }

// Held reports whether a record in this state is a conference held: signed
// or later. A held record's content is final.
func (s Status) Held() bool { return s == Signed || s == Shared || s == Acknowledged }

// Words names a record's state for the people who read it, on the record
// and in lists: "shared" says with whom (seed 000: with the worker; seed
// 001: a casework review is shared with the supervisor). A name that is not
// a state reads as itself, not as a state it might be taken for.
func Words(k Kind, s Status) string {
	switch s {
	case Draft:
		return "draft"
	case Signed:
		return "signed"
	case Shared:
		if k == CaseworkReview {
			return "shared with the supervisor"
		}
		return "shared with the worker"
	case Acknowledged:
		return "acknowledged"
	}
	return string(s)
}

// order is the state's place in Statuses; -1 for a name that is not one.
func (s Status) order() int {
	for i, x := range Statuses() {
		if x == s {
			return i
		}
	}
	return -1
}

// Action is something done to a record.
type Action string

const (
	Read        Action = "read"        // open the record's page
	Edit        Action = "edit"        // save the draft: its cases, discussion, next steps, date
	Sign        Action = "sign"        // make the record final
	Share       Action = "share"       // give it to the person it was held with
	Acknowledge Action = "acknowledge" // say it was read
	Addendum    Action = "addendum"    // add a dated correction to the final record
)

// Actions lists every action.
func Actions() []Action { return []Action{Read, Edit, Sign, Share, Acknowledge, Addendum} }

// Relation is a person's part in a record.
type Relation int

const (
	// Reader: no part in the record itself; someone above it in the
	// hierarchy whom the store's reach lets read it (the casework
	// supervisor over its supervisor, the worker's current supervisor).
	Reader Relation = iota
	// Author: who holds and writes it: the supervisor of a supervision
	// conference, the casework supervisor of a casework review.
	Author
	// Recipient: the person it is held with and shared with: the worker of
	// a supervision conference, the supervisor of a casework review.
	Recipient
)

// Relations lists every relation.
func Relations() []Relation { return []Relation{Reader, Author, Recipient} }

func (r Relation) String() string {
	switch r {
	case Author:
		return "author"
	case Recipient:
		return "recipient"
	}
	return "reader"
}

// Party is a person named on a record.
type Party int

const (
	SupervisorParty         Party = iota + 1 // conferences.supervisor_id
	WorkerParty                              // conferences.worker_id (supervision conferences)
	CaseworkSupervisorParty                  // conferences.casework_supervisor_id (casework reviews)
)

// PartyOf names who takes the relation in a record of the kind: the author
// of a supervision conference is its supervisor, of a review its casework
// supervisor; the recipient is the worker, or the supervisor. 0 for a
// reader (anyone else) or an unknown kind.
func PartyOf(k Kind, r Relation) Party {
	switch {
	case k == Supervision && r == Author:
		return SupervisorParty
	case k == Supervision && r == Recipient:
		return WorkerParty
	case k == CaseworkReview && r == Author:
		return CaseworkSupervisorParty
	case k == CaseworkReview && r == Recipient:
		return SupervisorParty
	}
	return 0
}

// Parties are the people named on one record.
type Parties struct {
	Kind               Kind
	Supervisor         int64
	Worker             int64 // supervision conferences
	CaseworkSupervisor int64 // casework reviews
}

// RelationOf is the person's part in the record.
func (p Parties) RelationOf(person int64) Relation {
	id := func(x Party) int64 {
		switch x {
		case SupervisorParty:
			return p.Supervisor
		case WorkerParty:
			return p.Worker
		case CaseworkSupervisorParty:
			return p.CaseworkSupervisor
		}
		return 0
	}
	for _, r := range []Relation{Author, Recipient} {
		if x := id(PartyOf(p.Kind, r)); x != 0 && x == person {
			return r
		}
	}
	return Reader
}

// Permit is who may take an action, and in which states.
type Permit struct {
	By Relation
	In []Status
}

// permits is the lifecycle, as the policy reads: the author writes the
// draft, signs it, shares it and adds addenda; the recipient reads it once
// shared and acknowledges it; readers above it read it in any state.
var permits = map[Action][]Permit{
	Read: {
		{By: Author, In: Statuses()},
		{By: Reader, In: Statuses()},
		{By: Recipient, In: []Status{Shared, Acknowledged}},
	},
	Edit:        {{By: Author, In: []Status{Draft}}},
	Sign:        {{By: Author, In: []Status{Draft}}},
	Share:       {{By: Author, In: []Status{Signed}}},
	Acknowledge: {{By: Recipient, In: []Status{Shared}}},
	Addendum:    {{By: Author, In: HeldStatuses()}},
}

// moves are the actions that move a record on, and where to.
var moves = map[Action]Status{Sign: Signed, Share: Shared, Acknowledge: Acknowledged}

// Permits lists who may take the action, and in which states (a copy).
func Permits(a Action) []Permit {
	out := make([]Permit, len(permits[a]))
	for i, p := range permits[a] {
		out[i] = Permit{By: p.By, In: append([]Status(nil), p.In...)}
	}
	return out
}

// Next is the state the action leaves a record in, taken in state s; false
// if nobody may take it in s. Reading, editing and adding an addendum leave
// the state as it is.
func Next(s Status, a Action) (Status, bool) {
	for _, p := range permits[a] {
		for _, in := range p.In {
			if in == s {
				if to, ok := moves[a]; ok {
					return to, true
				}
				return s, true
			}
		}
	}
	return s, false
}

// Reason says why an action is refused. The empty reason: it is not.
type Reason string

const (
	// NotYours: the action is possible in this state, but not for this
	// person (the store answers "not found": no one learns of a record
	// out of their reach).
	NotYours Reason = "This is not yours to do on this record."
	// Final: the record is signed; it no longer changes.
	Final Reason = "The record is signed: it cannot change. Corrections are added as dated addenda."
	// NotYet: the record has not reached the step this action needs.
	NotYet Reason = "The record is not at that step yet."
	// Done: the step was taken already.
	Done Reason = "That step has been taken already."
	// Unknown: a state or an action the lifecycle does not know.
	Unknown Reason = "The record's state is not one the app knows."
)

// Can says whether a person with the relation may take the action on a
// record in state s, and if not, why. What the state forbids to everyone
// is said first (a signed record is Final whoever asks to edit it).
func Can(r Relation, a Action, s Status) (bool, Reason) {
	ps, ok := permits[a]
	if !ok || s.order() < 0 {
		return false, Unknown
	}
	if _, ok := Next(s, a); !ok {
		first := len(Statuses())
		for _, p := range ps {
			for _, in := range p.In {
				first = min(first, in.order())
			}
		}
		switch {
		case s.order() < first:
			return false, NotYet
		case first == Draft.order():
			return false, Final // an action on drafts only, on a held record
		default:
			return false, Done
		}
	}
	for _, p := range ps {
		if p.By != r {
			continue
		}
		for _, in := range p.In {
			if in == s {
				return true, ""
			}
		}
	}
	return false, NotYours
}
