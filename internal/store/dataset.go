package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
)

// Dataset is a whole agency in memory, with ids chosen by whoever built it (the
// demo and state generators, imports). LoadDataset writes it with COPY, so a
// large agency loads in one pass and memory is the caller's choice.
// Zero time.Time values are written as NULL.
type Dataset struct {
	AgencyName        string
	TimeZone          string
	Profile           string
	ProfileEffective  time.Time
	CreatedAt         time.Time // stamped on every row that records when it was entered
	Offices           []Office
	People            []Person
	Units             []Unit
	UnitSupervisors   []Position // A = unit, B = supervisor
	UnitMembers       []Position // A = unit, B = worker
	SupervisorReports []Position // A = casework supervisor, B = supervisor
	Cases             []Case
	Assignments       []Position // A = case, B = worker
	Risks             []Risk
	Events            []Event
	Conferences       []Conference
	ConferenceCases   []ConferenceCase
	NextSteps         []NextStep
	VisitPlans        []VisitPlan           // case_mvr
	SiblingsApart     []SiblingsApartRecord // case_siblings_apart
	Emergent          []EmergentRecord      // emergent_requests
	MVRReviews        []MVRReviewRecord     // mvr_reviews
}

type Office struct {
	ID     int64
	Name   string
	County string
}

type Person struct {
	ID                 int64
	SourceID           string
	Email              string
	FullName           string
	Role               string
	OfficeID           int64 // 0: none
	ExperienceStart    time.Time
	PasswordHash       string
	MustChangePassword bool
	Inactive           bool // a former employee: kept for the history, cannot sign in
}

type Unit struct {
	ID       int64
	OfficeID int64
	Name     string
}

// Position is one row of a position-over-time table: A holds B from Since
// until Until (exclusive; zero means still).
type Position struct {
	A, B         int64
	Since, Until time.Time
}

type Case struct {
	ID            int64
	CaseNumber    string
	FamilyName    string
	OfficeID      int64
	Setting       string
	PlacementDate time.Time
	Goal          string
	CourtInvolved bool
	CourtNext     time.Time
	SCRAssigned   time.Time
	Received      time.Time
	Closing       time.Time
	Closed        time.Time
}

type Risk struct {
	CaseID     int64
	Level      string
	AssessedOn time.Time
	RecordedBy int64
}

type Event struct {
	CaseID       int64
	Kind         string
	OccurredOn   time.Time
	RecordedBy   int64
	DocumentedOn time.Time
	Approval     string
}

type Conference struct {
	ID                   int64
	Kind                 string
	HeldOn               time.Time
	SupervisorID         int64
	WorkerID             int64 // supervision
	CaseworkSupervisorID int64 // casework_review
	Status               string
	EnteredAt            time.Time
	SignedAt             time.Time
	SharedAt             time.Time
	AcknowledgedAt       time.Time
}

type ConferenceCase struct {
	ConferenceID int64
	CaseID       int64
	Position     int
	Progress     string
	Notes        string
	Discussion   map[string]string // checklist item id -> what was discussed
	Discussed    bool              // every item of the checklist answered (rules.Discussed)
}

type NextStep struct {
	ConferenceID int64
	CaseID       int64
	Description  string
	OwnerID      int64
	DueOn        time.Time
	DoneOn       time.Time
}

// VisitPlan is one row of a case's visit plan (MVR): visits owed a month
// from From until the case's next plan. It is recorded as set at the end of
// From's day.
type VisitPlan struct {
	CaseID                   int64
	From                     time.Time
	Child, Parents, Provider int
	SetBy                    int64 // the supervisor who set it; 0: the system of record
}

// SiblingsApartRecord is the time a case's child has siblings placed apart,
// from Start until End (zero: still apart).
type SiblingsApartRecord struct {
	CaseID     int64
	Start, End time.Time
	SetBy      int64
}

// EmergentRecord is an emergent request to a casework supervisor and, when
// AnsweredAt is set, the casework supervisor's answer and the day the
// conference was held (HeldOn, zero: none recorded).
type EmergentRecord struct {
	CaseID               int64 // 0: no case
	RequestedBy          int64
	CaseworkSupervisorID int64
	Reason               string
	Details              string
	RequestedAt          time.Time
	AnsweredAt           time.Time
	Answer               string
	HeldOn               time.Time
}

// MVRReviewRecord is a supervisor's monthly review of a worker's visit
// plans, recorded at the end of its day.
type MVRReviewRecord struct {
	WorkerID   int64
	ReviewedBy int64
	ReviewedOn time.Time
	Note       string
}

// LoadDataset writes d into an empty database in one transaction. It refuses
// a database that already holds an agency: seeding is for new databases, so
// nothing real is ever overwritten (`make db-reset` starts over).
func (s *Store) LoadDataset(ctx context.Context, d *Dataset) error {
	return s.LoadChunks(ctx, d, func(yield func(*Dataset) bool) { yield(d) }, nil)
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func idIf(id int64, ok bool) any {
	if !ok {
		return nil
	}
	return id
}

func nullDate(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return pgtype.Date{Time: t, Valid: true}
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

// endOfDay stamps a record made on a date at 17:00 UTC of that day: the
// generators have no clock, and a fixed stamp keeps their output deterministic.
func endOfDay(d time.Time) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), 17, 0, 0, 0, time.UTC)
}

func dateRange(since, until time.Time) pgtype.Range[pgtype.Date] {
	r := pgtype.Range[pgtype.Date]{
		Lower:     pgtype.Date{Time: since, Valid: true},
		LowerType: pgtype.Inclusive,
		UpperType: pgtype.Unbounded,
		Valid:     true,
	}
	if !until.IsZero() {
		r.Upper = pgtype.Date{Time: until, Valid: true}
		r.UpperType = pgtype.Exclusive
	}
	return r
}

func conferenceAuthor(k Conference) int64 {
	if k.Kind == "casework_review" {
		return k.CaseworkSupervisorID
	}
	return k.SupervisorID
}
