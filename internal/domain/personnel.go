package domain

import "time"

// The personnel side of a worker (seed 002: filed in the caseworker's
// personnel file; seed 003: never in the client's case record). None of
// these is ever joined to a case.

// PerformanceNote is one note on a worker's development and performance.
type PerformanceNote struct {
	ID         int64     `db:"id"`
	WorkerID   int64     `db:"worker_id"`
	AuthorName string    `db:"author_name"`
	WrittenOn  time.Time `db:"written_on"`
	Area       string    `db:"area"`
	Body       string    `db:"body"`
}

// ConferencePersonnel is the personnel part of a supervision conference's
// record, where the profile asks for one: the supervisor's notes, the
// objectives or expectations set for the caseworker, the evaluation of
// each ability the profile lists, and steps with time frames to bring case
// contacts or documentation to standard.
type ConferencePersonnel struct {
	// Full is the supervisor chain's view. The worker's own view (Full
	// false) has the objectives and the steps only: Notes and Abilities
	// are empty, never read for them.
	Full       bool
	Notes      string
	Objectives string
	Abilities  []AbilityRating // as saved, in the profile's order
	Steps      []StandardStep  // in the record's order
}

// AbilityRating is the supervisor's evaluation of one ability: a key of
// the profile's scale ("" not rated) and a note.
type AbilityRating struct {
	Ability string
	Rating  string
	Note    string
}

// StandardStep is a step to bring a standard (a key of the profile's
// standards: case contacts, case documentation) to standard by a date.
type StandardStep struct {
	Standard    string
	Description string
	DueOn       time.Time
}

// PersonnelFiling is one entry of a caseworker's personnel file: a copy of
// a signed conference's personnel part, with the profile's words as signed.
type PersonnelFiling struct {
	ID             int64
	ConferenceID   int64
	SupervisorName string
	HeldOn         time.Time
	FiledAt        time.Time
	Notes          string
	Objectives     string
	Evaluation     []FiledAbility
	Source         string
	Steps          []PersonnelStep
}

// FiledAbility is one ability's evaluation as filed.
type FiledAbility struct {
	Ability     string `json:"ability"`
	Label       string `json:"label"`
	Rating      string `json:"rating"`       // "": not rated at that conference
	RatingLabel string `json:"rating_label"` // the scale's words
	Note        string `json:"note"`
}

// PersonnelStep is a step of the personnel file: open until marked met.
type PersonnelStep struct {
	ID            int64
	FilingID      int64
	StandardLabel string
	Description   string
	DueOn         time.Time
	MetOn         *time.Time
	MetBy         string
}

// Overdue reports whether the step is still open after its due date.
func (s PersonnelStep) Overdue(today time.Time) bool {
	return s.MetOn == nil && today.After(s.DueOn)
}

// PerformanceAreas are the functions of supervision the notes are filed
// under (seed 004: supportive, educational, administrative; seed 002: the
// evaluation of the caseworker).
var PerformanceAreas = []string{"supportive", "educational", "administrative", "evaluation"}
