package workspace

import (
	"context"
	"sort"
	"time"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/fault"
	"github.com/casework/casework/internal/rules"
	"github.com/casework/casework/internal/store"
)

// ConferenceStart is what the start of a supervisor's next conference with
// a worker proposes: the engine's agenda for the caseload, the rest of the
// caseload to add, the month's coverage so far, and what is carried into it.
type ConferenceStart struct {
	Worker    store.WorkerSummary
	Agenda    []ProposedCase  // most urgent first: the engine's agenda, cases of the caseload only
	Others    []store.CaseRef // the rest of the caseload, by family name and number
	Coverage  rules.MonthCoverage
	FirstYear bool
	Target    int // cases the conference should discuss (rules.Agenda.Target)
	Points    []store.TalkingPoint
	OpenSteps []store.OpenStep
}

// ProposedCase is a case of the agenda with why it is proposed; Checked:
// chosen at first.
type ProposedCase struct {
	Case     store.CaseRef
	Priority int
	Reasons  []string
	Checked  bool
}

// ConferenceStart composes the start of a conference with the worker on the
// date. Only the worker's own supervisor logs their conferences: anyone
// else is answered not found. Checked at first: every case whose discussion
// is overdue, at high risk or facing a deadline, then the next most urgent
// up to the engine's target; the rest of the agenda stays listed.
func (s *Service) ConferenceStart(ctx context.Context, v access.Viewer, workerID int64, today time.Time) (*ConferenceStart, error) {
	ws, err := s.store.Worker(ctx, v, workerID, today)
	if err == nil && ws.SupervisorID != v.PersonID {
		err = fault.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	ev, err := s.Worker(ctx, v, workerID, today, ws.Stamp)
	if err != nil {
		return nil, err
	}
	refs, err := s.store.WorkerCases(ctx, v, workerID, today)
	if err != nil {
		return nil, err
	}
	st := &ConferenceStart{Worker: ws, Coverage: rules.Coverage(ev.Facts, ev.FactID, ev.Facts.AsOf),
		FirstYear: ev.Agenda.FirstYear, Target: ev.Agenda.Target}
	if st.Points, st.OpenSteps, err = s.Carried(ctx, v, workerID, today); err != nil {
		return nil, err
	}
	proposed := map[string]bool{}
	for i, it := range ev.Agenda.Items {
		ref, ok := refs[it.Case]
		if !ok {
			continue
		}
		proposed[it.Case] = true
		st.Agenda = append(st.Agenda, ProposedCase{Case: ref, Priority: it.Priority, Reasons: it.Reasons,
			Checked: it.Priority <= rules.PriorityDeadline || i < ev.Agenda.Target})
	}
	for number, ref := range refs {
		if !proposed[number] {
			st.Others = append(st.Others, ref)
		}
	}
	sort.Slice(st.Others, func(i, j int) bool {
		return st.Others[i].FamilyName+st.Others[i].Number < st.Others[j].FamilyName+st.Others[j].Number
	})
	return st, nil
}

// Carried is what a worker's next conference carries from before it: their
// own talking points and the open next steps of earlier conferences.
func (s *Service) Carried(ctx context.Context, v access.Viewer, workerID int64, today time.Time) ([]store.TalkingPoint, []store.OpenStep, error) {
	points, err := s.store.TalkingPoints(ctx, v, workerID, today)
	if err != nil {
		return nil, nil, err
	}
	steps, err := s.store.OpenSteps(ctx, v, workerID, today)
	return points, steps, err
}

// CheckConference checks a supervision conference with the worker, held or
// being written (k: its id, date and the numbers of the cases it discusses),
// against the worker's facts as they stand on today: whether it discusses
// enough of the caseload (the first-year floor included) and the month's
// coverage with it.
func (s *Service) CheckConference(ctx context.Context, v access.Viewer, workerID int64, k rules.Conference, today time.Time) (rules.ConferenceCheck, error) {
	f, ids, err := s.store.WorkerFacts(ctx, v, workerID, today)
	if err != nil {
		return rules.ConferenceCheck{}, err
	}
	k.Kind, k.Worker = rules.KindSupervision, FactIDOf(ids, workerID)
	return rules.CheckConference(f, k), nil
}

// Feed is what a worker's calendar feed is chosen from: their facts
// evaluated on the date, and their next steps.
type Feed struct {
	Facts  rules.Facts
	IDs    store.FactIDs
	Result rules.Result
	FactID string // the worker's own fact id
	Steps  []store.MyStep
}

// Feed evaluates the viewer's own facts (a worker's) on the date for their
// calendar feed.
func (s *Service) Feed(ctx context.Context, v access.Viewer, today time.Time) (*Feed, error) {
	f, ids, err := s.store.WorkerFacts(ctx, v, v.PersonID, today)
	if err != nil {
		return nil, err
	}
	steps, err := s.store.MyNextSteps(ctx, v, today)
	if err != nil {
		return nil, err
	}
	res, err := rules.Evaluate(f, rules.Options{})
	if err != nil {
		return nil, err
	}
	return &Feed{Facts: f, IDs: ids, Result: res, FactID: FactIDOf(ids, v.PersonID), Steps: steps}, nil
}
