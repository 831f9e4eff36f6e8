package rules

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The policy, rule by rule. Each test builds a small unit (casework
// supervisor cws-1, supervisor sup-1, experienced worker w-1 and new
// worker w-new), adds what the policy talks about, and checks the one
// obligation the rule produces for the subject, or that there is none.

func unit() Facts {
	return Facts{
		HolidaysSet: true, Holidays: []Date{},
		Staff: []Staff{
			{ID: "cws-1", Role: RoleCaseworkSupervisor},
			{ID: "cws-2", Role: RoleCaseworkSupervisor},
			{ID: "sup-1", Role: RoleSupervisor, ReportsTo: "cws-1", Since: d("2025-01-06")},
			{ID: "sup-2", Role: RoleSupervisor, ReportsTo: "cws-2", Since: d("2020-01-06")},
			{ID: "w-1", Role: RoleWorker, ReportsTo: "sup-1", Since: d("2020-01-06")},
			{ID: "w-new", Role: RoleWorker, ReportsTo: "sup-1", Since: d("2026-03-02")},
		},
	}
}

// assigned is an open case of w-1 assigned on the date.
func assigned(id, on string) Case { return Case{ID: id, Worker: "w-1", Assigned: d(on)} }

func sup(id, date, worker string, cases ...string) Conference {
	return Conference{ID: id, Kind: KindSupervision, Date: d(date), Supervisor: "sup-1", Worker: worker, Cases: cases}
}

func review(id, date string, cases ...string) Conference {
	return Conference{ID: id, Kind: KindCaseworkReview, Date: d(date), CaseworkSupervisor: "cws-1", Supervisor: "sup-1", Cases: cases}
}

func ev(c, kind, date string) Event { return Event{Case: c, Kind: kind, Date: d(date)} }

// got is the part of an obligation a policy test checks.
type got struct {
	Due   string
	State string
	Last  string
	Met   string
}

type policyTest struct {
	name    string
	profile string
	asOf    string
	facts   func(f *Facts)
	rule    string
	subject string
	want    *got // nil: the rule owes nothing for the subject
}

func runPolicyTests(t *testing.T, tests []policyTest) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := unit()
			f.Profile = tt.profile
			f.AsOf = d(tt.asOf)
			if tt.facts != nil {
				tt.facts(&f)
			}
			if errs := Validate(f); len(errs) > 0 {
				t.Fatalf("invalid test facts: %v", errs)
			}
			res, err := Evaluate(f, Options{})
			if err != nil {
				t.Fatal(err)
			}
			var found []got
			for _, o := range res.Obligations {
				if o.Rule == tt.rule && o.Subject == tt.subject {
					found = append(found, got{o.Due.String(), o.State, o.Last.String(), o.Met.String()})
					if o.Why == "" || o.Source == "" {
						t.Errorf("%s %s: empty why or source: %+v", o.Rule, o.Subject, o)
					}
				}
			}
			var want []got
			if tt.want != nil {
				want = []got{*tt.want}
			}
			if diff := cmp.Diff(want, found); diff != "" {
				t.Errorf("%s for %s as of %s (-want +got):\n%s", tt.rule, tt.subject, tt.asOf, diff)
			}
		})
	}
}

func TestSupervisionWorker(t *testing.T) {
	runPolicyTests(t, []policyTest{
		{
			name: "new worker: weekly, last conference + 7 days",
			asOf: "2026-11-22", rule: "supervision.worker", subject: "w-new",
			facts: func(f *Facts) {
				f.Cases = []Case{{ID: "c-1", Worker: "w-new", Assigned: d("2026-11-03")}}
				f.Conferences = []Conference{sup("k-1", "2026-11-09", "w-new"), sup("k-2", "2026-11-16", "w-new")}
			},
			want: &got{Due: "2026-11-23", State: "open", Last: "2026-11-16"},
		},
		{
			name: "new worker with no conference yet: since + 7 days, overdue",
			asOf: "2026-03-10", rule: "supervision.worker", subject: "w-new",
			facts: func(f *Facts) {
				f.Cases = []Case{{ID: "c-1", Worker: "w-new", Assigned: d("2026-03-03")}}
			},
			want: &got{Due: "2026-03-09", State: "overdue"},
		},
		{
			name: "experienced worker: calendar month after the last conference",
			asOf: "2026-11-22", rule: "supervision.worker", subject: "w-1",
			facts: func(f *Facts) {
				f.Cases = []Case{assigned("c-1", "2026-01-05")}
				f.Conferences = []Conference{sup("k-1", "2026-10-02", "w-1")}
			},
			want: &got{Due: "2026-11-30", State: "open", Last: "2026-10-02"},
		},
		{
			name: "experienced worker: a conference in September leaves October overdue",
			asOf: "2026-11-22", rule: "supervision.worker", subject: "w-1",
			facts: func(f *Facts) {
				f.Cases = []Case{assigned("c-1", "2026-01-05")}
				f.Conferences = []Conference{sup("k-1", "2026-09-30", "w-1")}
			},
			want: &got{Due: "2026-10-31", State: "overdue", Last: "2026-09-30"},
		},
		{
			name: "experienced worker with none: one month after since (contract v2)",
			asOf: "2026-11-22", rule: "supervision.worker", subject: "w-1",
			facts: func(f *Facts) {
				f.Staff[4].Since = d("2026-11-10")
				f.Staff[4].ExperienceStart = d("2019-05-01")
				f.Cases = []Case{assigned("c-1", "2026-11-12")}
			},
			want: &got{Due: "2026-12-10", State: "open"},
		},
		{
			name: "transfer: a conference with the previous supervisor, before since, counts",
			asOf: "2026-11-22", rule: "supervision.worker", subject: "w-new",
			facts: func(f *Facts) {
				f.Staff[5].Since = d("2026-11-16")
				f.Staff[5].ExperienceStart = d("2026-03-02")
				f.Cases = []Case{{ID: "c-1", Worker: "w-new", Assigned: d("2026-11-16")}}
				k := sup("k-1", "2026-11-13", "w-new")
				k.Supervisor = "sup-2"
				f.Conferences = []Conference{k}
			},
			want: &got{Due: "2026-11-20", State: "overdue", Last: "2026-11-13"},
		},
		{
			name: "future-dated conference is ignored",
			asOf: "2026-11-22", rule: "supervision.worker", subject: "w-new",
			facts: func(f *Facts) {
				f.Cases = []Case{{ID: "c-1", Worker: "w-new", Assigned: d("2026-11-03")}}
				f.Conferences = []Conference{sup("k-1", "2026-11-16", "w-new"), sup("k-2", "2026-11-23", "w-new")}
			},
			want: &got{Due: "2026-11-23", State: "open", Last: "2026-11-16"},
		},
		{
			name: "a worker without an open case owes nothing",
			asOf: "2026-11-22", rule: "supervision.worker", subject: "w-1",
			facts: func(f *Facts) {
				c := assigned("c-1", "2026-01-05")
				c.Closed = d("2026-11-20")
				f.Cases = []Case{c, {ID: "c-2", Worker: "w-1", Assigned: d("2026-11-23")}}
			},
		},
		{
			name: "one-year boundary: from 2024-02-29 the first year ends on 2025-02-28 (still new on the 27th)",
			asOf: "2025-02-27", rule: "supervision.worker", subject: "w-new",
			facts: func(f *Facts) {
				f.Staff[5].Since = d("2024-02-29")
				f.Cases = []Case{{ID: "c-1", Worker: "w-new", Assigned: d("2024-03-01")}}
				f.Conferences = []Conference{sup("k-1", "2025-02-20", "w-new")}
			},
			want: &got{Due: "2025-02-27", State: "open", Last: "2025-02-20"},
		},
		{
			name: "one-year boundary: experienced on 2025-02-28",
			asOf: "2025-02-28", rule: "supervision.worker", subject: "w-new",
			facts: func(f *Facts) {
				f.Staff[5].Since = d("2024-02-29")
				f.Cases = []Case{{ID: "c-1", Worker: "w-new", Assigned: d("2024-03-01")}}
				f.Conferences = []Conference{sup("k-1", "2025-02-20", "w-new")}
			},
			want: &got{Due: "2025-03-31", State: "open", Last: "2025-02-20"},
		},
		{
			name: "experience_start before since: a transferred worker is experienced",
			asOf: "2026-11-22", rule: "supervision.worker", subject: "w-new",
			facts: func(f *Facts) {
				f.Staff[5].ExperienceStart = d("2024-06-01")
				f.Cases = []Case{{ID: "c-1", Worker: "w-new", Assigned: d("2026-11-03")}}
				f.Conferences = []Conference{sup("k-1", "2026-11-16", "w-new")}
			},
			want: &got{Due: "2026-12-31", State: "open", Last: "2026-11-16"},
		},
	})
}

func TestSupervisionCase(t *testing.T) {
	runPolicyTests(t, []policyTest{
		{
			name: "discussed in November: due the last day of December",
			asOf: "2026-11-22", rule: "supervision.case", subject: "c-1",
			facts: func(f *Facts) {
				f.Cases = []Case{assigned("c-1", "2026-11-03")}
				f.Conferences = []Conference{sup("k-1", "2026-11-16", "w-1", "c-1")}
			},
			want: &got{Due: "2026-12-31", State: "open", Last: "2026-11-16"},
		},
		{
			name: "not yet discussed: one month after assigned (contract v2)",
			asOf: "2026-12-04", rule: "supervision.case", subject: "c-1",
			facts: func(f *Facts) {
				f.Cases = []Case{assigned("c-1", "2026-11-03")}
				f.Conferences = []Conference{sup("k-1", "2026-11-16", "w-1")} // case not listed
			},
			want: &got{Due: "2026-12-03", State: "overdue"},
		},
		{
			name: "assigned on the 31st is not overdue the next day: first due the 30th of the next month",
			asOf: "2026-11-01", rule: "supervision.case", subject: "c-1",
			facts: func(f *Facts) {
				f.Cases = []Case{assigned("c-1", "2026-10-31")}
			},
			want: &got{Due: "2026-11-30", State: "open"},
		},
		{
			name: "assigned 2026-10-05: first due 2026-11-05 (contract example)",
			asOf: "2026-11-06", rule: "supervision.case", subject: "c-1",
			facts: func(f *Facts) {
				f.Cases = []Case{assigned("c-1", "2026-10-05")}
			},
			want: &got{Due: "2026-11-05", State: "overdue"},
		},
		{
			name: "assigned 2027-01-31: first due 2027-02-28 (clamped)",
			asOf: "2027-02-10", rule: "supervision.case", subject: "c-1",
			facts: func(f *Facts) {
				f.Cases = []Case{assigned("c-1", "2027-01-31")}
			},
			want: &got{Due: "2027-02-28", State: "open"},
		},
		{
			name: "a discussion before assigned (previous assignment) does not count",
			asOf: "2026-11-22", rule: "supervision.case", subject: "c-1",
			facts: func(f *Facts) {
				f.Cases = []Case{assigned("c-1", "2026-11-10")}
				f.Conferences = []Conference{sup("k-1", "2026-10-20", "w-new", "c-1")}
			},
			want: &got{Due: "2026-12-10", State: "open"},
		},
		{
			name: "a discussion with another worker after assigned counts",
			asOf: "2026-11-22", rule: "supervision.case", subject: "c-1",
			facts: func(f *Facts) {
				f.Cases = []Case{assigned("c-1", "2026-10-01")}
				f.Conferences = []Conference{sup("k-1", "2026-10-20", "w-new", "c-1")}
			},
			want: &got{Due: "2026-11-30", State: "open", Last: "2026-10-20"},
		},
		{
			name: "a case discussed on 2026-12-31 is next due 2027-01-31",
			asOf: "2027-01-02", rule: "supervision.case", subject: "c-1",
			facts: func(f *Facts) {
				f.Cases = []Case{assigned("c-1", "2026-10-01")}
				f.Conferences = []Conference{sup("k-1", "2026-12-31", "w-1", "c-1")}
			},
			want: &got{Due: "2027-01-31", State: "open", Last: "2026-12-31"},
		},
		{
			name: "an unassigned case owes no discussion",
			asOf: "2026-11-22", rule: "supervision.case", subject: "c-1",
			facts: func(f *Facts) {
				f.Cases = []Case{{ID: "c-1", Received: d("2026-11-20")}}
			},
		},
		{
			name: "a case assigned after as_of is not yet assigned",
			asOf: "2026-11-22", rule: "supervision.case", subject: "c-1",
			facts: func(f *Facts) {
				f.Cases = []Case{assigned("c-1", "2026-11-23")}
			},
		},
		{
			name: "a closed case owes nothing",
			asOf: "2026-11-22", rule: "supervision.case", subject: "c-1",
			facts: func(f *Facts) {
				c := assigned("c-1", "2026-01-05")
				c.Closed = d("2026-11-22")
				f.Cases = []Case{c}
			},
		},
		{
			name: "a case closed after as_of is still open",
			asOf: "2026-11-22", rule: "supervision.case", subject: "c-1",
			facts: func(f *Facts) {
				c := assigned("c-1", "2026-11-05")
				c.Closed = d("2026-11-23")
				f.Cases = []Case{c}
			},
			want: &got{Due: "2026-12-05", State: "open"},
		},
	})
}

func TestCaseworkSupervisor(t *testing.T) {
	runPolicyTests(t, []policyTest{
		{
			name: "every two weeks: last review + 14 days",
			asOf: "2026-11-22", rule: "casework.supervisor", subject: "sup-1",
			facts: func(f *Facts) { f.Conferences = []Conference{review("k-1", "2026-11-05")} },
			want:  &got{Due: "2026-11-19", State: "overdue", Last: "2026-11-05"},
		},
		{
			name: "none yet: since + 14 days",
			asOf: "2025-01-10", rule: "casework.supervisor", subject: "sup-1",
			want: &got{Due: "2025-01-20", State: "open"},
		},
		{
			name: "a review with another casework supervisor counts",
			asOf: "2026-11-22", rule: "casework.supervisor", subject: "sup-1",
			facts: func(f *Facts) {
				k := review("k-1", "2026-11-20")
				k.CaseworkSupervisor = "cws-2"
				f.Conferences = []Conference{k}
			},
			want: &got{Due: "2026-12-04", State: "open", Last: "2026-11-20"},
		},
		{
			name: "a supervisor not yet in post owes nothing",
			asOf: "2025-01-05", rule: "casework.supervisor", subject: "sup-1",
		},
	})
}

// highCase is an open case of w-1 with the given risk history.
func highCase(assignedOn string, risk ...string) Case {
	c := assigned("c-1", assignedOn)
	for i := 0; i+1 < len(risk); i += 2 {
		c.Risk = append(c.Risk, RiskEntry{Level: risk[i], From: d(risk[i+1])})
	}
	return c
}

func TestRisk(t *testing.T) {
	runPolicyTests(t, []policyTest{
		{
			name: "report within one business day: Friday's high risk is due Monday",
			asOf: "2026-11-22", rule: "risk.report", subject: "c-1",
			facts: func(f *Facts) {
				f.Cases = []Case{highCase("2026-11-03", "moderate", "2026-11-03", "high", "2026-11-20")}
			},
			want: &got{Due: "2026-11-23", State: "open"},
		},
		{
			name: "holiday: high on Wed 2026-11-25, Thanksgiving 26th, due Fri 27th",
			asOf: "2026-11-25", rule: "risk.report", subject: "c-1",
			facts: func(f *Facts) {
				f.Holidays = []Date{d("2026-11-26")}
				f.Cases = []Case{highCase("2026-11-03", "high", "2026-11-25")}
			},
			want: &got{Due: "2026-11-27", State: "open"},
		},
		{
			name: "profile calendar (no holidays key): nj-cpp knows Thanksgiving",
			asOf: "2026-11-25", rule: "risk.report", subject: "c-1",
			facts: func(f *Facts) {
				f.HolidaysSet, f.Holidays = false, nil
				f.Cases = []Case{highCase("2026-11-03", "high", "2026-11-25")}
			},
			want: &got{Due: "2026-11-27", State: "open"},
		},
		{
			name: "reported the next day: met",
			asOf: "2026-11-22", rule: "risk.report", subject: "c-1",
			facts: func(f *Facts) {
				f.Cases = []Case{highCase("2026-11-03", "high", "2026-11-16")}
				f.Conferences = []Conference{review("k-1", "2026-11-17", "c-1")}
			},
			want: &got{Due: "2026-11-17", State: "met", Met: "2026-11-17"},
		},
		{
			name: "assigned after the risk began: E is assigned",
			asOf: "2026-11-22", rule: "risk.report", subject: "c-1",
			facts: func(f *Facts) { f.Cases = []Case{highCase("2026-11-18", "very_high", "2026-10-01")} },
			want:  &got{Due: "2026-11-19", State: "overdue"},
		},
		{
			name: "high to very high is one episode: E is the first high",
			asOf: "2026-11-22", rule: "risk.report", subject: "c-1",
			facts: func(f *Facts) {
				f.Cases = []Case{highCase("2026-11-02", "low", "2026-11-02", "high", "2026-11-09", "very_high", "2026-11-16")}
				f.Conferences = []Conference{review("k-1", "2026-11-10", "c-1")}
			},
			want: &got{Due: "2026-11-10", State: "met", Met: "2026-11-10"},
		},
		{
			name: "high, down, high again: a new episode; the first episode's review does not count",
			asOf: "2026-11-22", rule: "risk.report", subject: "c-1",
			facts: func(f *Facts) {
				f.Cases = []Case{highCase("2026-10-01", "high", "2026-10-01", "moderate", "2026-10-20", "high", "2026-11-18")}
				f.Conferences = []Conference{review("k-1", "2026-10-02", "c-1"), review("k-2", "2026-11-20", "c-1")}
			},
			want: &got{Due: "2026-11-19", State: "met_late", Met: "2026-11-20"},
		},
		{
			name: "risk down to moderate: no report owed",
			asOf: "2026-11-22", rule: "risk.report", subject: "c-1",
			facts: func(f *Facts) {
				f.Cases = []Case{highCase("2026-10-01", "high", "2026-10-01", "moderate", "2026-11-20")}
			},
		},
		{
			name: "a future-dated high entry is ignored",
			asOf: "2026-11-22", rule: "risk.report", subject: "c-1",
			facts: func(f *Facts) { f.Cases = []Case{highCase("2026-10-01", "low", "2026-10-01", "high", "2026-11-23")} },
		},
		{
			name: "an unassigned high-risk case: the rule starts when assigned",
			asOf: "2026-11-22", rule: "risk.report", subject: "c-1",
			facts: func(f *Facts) {
				f.Cases = []Case{{ID: "c-1", Risk: []RiskEntry{{Level: RiskHigh, From: d("2026-11-10")}}}}
			},
		},
		{
			name: "weekly while high: none yet, E + 7",
			asOf: "2026-11-22", rule: "risk.weekly", subject: "c-1",
			facts: func(f *Facts) { f.Cases = []Case{highCase("2026-11-03", "high", "2026-11-16")} },
			want:  &got{Due: "2026-11-23", State: "open"},
		},
		{
			name: "weekly while high: last review + 7",
			asOf: "2026-11-22", rule: "risk.weekly", subject: "c-1",
			facts: func(f *Facts) {
				f.Cases = []Case{highCase("2026-11-03", "high", "2026-11-03")}
				f.Conferences = []Conference{review("k-1", "2026-11-04", "c-1"), review("k-2", "2026-11-12", "c-1")}
			},
			want: &got{Due: "2026-11-19", State: "overdue", Last: "2026-11-12"},
		},
		{
			name: "weekly, high again: counted from the new episode",
			asOf: "2026-11-22", rule: "risk.weekly", subject: "c-1",
			facts: func(f *Facts) {
				f.Cases = []Case{highCase("2026-10-01", "high", "2026-10-01", "low", "2026-10-20", "very_high", "2026-11-18")}
				f.Conferences = []Conference{review("k-1", "2026-10-15", "c-1")}
			},
			want: &got{Due: "2026-11-25", State: "open"},
		},
		{
			name: "a future-dated review is ignored",
			asOf: "2026-11-22", rule: "risk.weekly", subject: "c-1",
			facts: func(f *Facts) {
				f.Cases = []Case{highCase("2026-11-03", "high", "2026-11-16")}
				f.Conferences = []Conference{review("k-1", "2026-11-24", "c-1")}
			},
			want: &got{Due: "2026-11-23", State: "open"},
		},
	})
}

func TestAssignment(t *testing.T) {
	received := func(recv, on string) func(f *Facts) {
		return func(f *Facts) {
			c := Case{ID: "c-1", Received: d(recv)}
			if on != "" {
				c.Worker, c.Assigned = "w-1", d(on)
			}
			f.Cases = []Case{c}
		}
	}
	runPolicyTests(t, []policyTest{
		{
			name: "received Friday: two business days, due Tuesday",
			asOf: "2026-11-22", rule: "case.assignment", subject: "c-1",
			facts: received("2026-11-20", ""),
			want:  &got{Due: "2026-11-24", State: "open"},
		},
		{
			name: "assigned Monday: met",
			asOf: "2026-11-24", rule: "case.assignment", subject: "c-1",
			facts: received("2026-11-20", "2026-11-23"),
			want:  &got{Due: "2026-11-24", State: "met", Met: "2026-11-23"},
		},
		{
			name: "assigned Wednesday: met late",
			asOf: "2026-11-30", rule: "case.assignment", subject: "c-1",
			facts: received("2026-11-20", "2026-11-25"),
			want:  &got{Due: "2026-11-24", State: "met_late", Met: "2026-11-25"},
		},
		{
			name: "assigned before received (data order): met on assigned",
			asOf: "2026-11-30", rule: "case.assignment", subject: "c-1",
			facts: received("2026-11-20", "2026-11-19"),
			want:  &got{Due: "2026-11-24", State: "met", Met: "2026-11-19"},
		},
		{
			name: "assignment dated after as_of: not yet met, overdue",
			asOf: "2026-11-25", rule: "case.assignment", subject: "c-1",
			facts: received("2026-11-20", "2026-11-26"),
			want:  &got{Due: "2026-11-24", State: "overdue"},
		},
		{
			name: "received after as_of: not yet owed",
			asOf: "2026-11-19", rule: "case.assignment", subject: "c-1",
			facts: received("2026-11-20", ""),
		},
		{
			name: "contract v2: reassigned later, met on first_assigned (not a late assignment)",
			asOf: "2026-12-20", rule: "case.assignment", subject: "c-1",
			facts: func(f *Facts) {
				received("2026-11-20", "2026-12-14")(f)
				f.Cases[0].FirstAssigned = d("2026-11-23")
			},
			want: &got{Due: "2026-11-24", State: "met", Met: "2026-11-23"},
		},
		{
			name: "contract v2: a late first assignment stays late after a reassignment",
			asOf: "2026-12-20", rule: "case.assignment", subject: "c-1",
			facts: func(f *Facts) {
				received("2026-11-20", "2026-12-14")(f)
				f.Cases[0].FirstAssigned = d("2026-11-26")
			},
			want: &got{Due: "2026-11-24", State: "met_late", Met: "2026-11-26"},
		},
		{
			name: "contract v2: first assigned, now awaiting reassignment: met on first_assigned",
			asOf: "2026-12-20", rule: "case.assignment", subject: "c-1",
			facts: func(f *Facts) {
				received("2026-11-20", "")(f)
				f.Cases[0].FirstAssigned = d("2026-11-23")
			},
			want: &got{Due: "2026-11-24", State: "met", Met: "2026-11-23"},
		},
		{
			name: "contract v2: first_assigned after as_of has not happened",
			asOf: "2026-11-22", rule: "case.assignment", subject: "c-1",
			facts: func(f *Facts) {
				received("2026-11-20", "")(f)
				f.Cases[0].FirstAssigned = d("2026-11-25")
			},
			want: &got{Due: "2026-11-24", State: "open"},
		},
		{
			name: "in-home family seen within 10 working days of assignment",
			asOf: "2026-11-22", rule: "assignment.family_seen", subject: "c-1",
			facts: func(f *Facts) {
				c := assigned("c-1", "2026-11-03")
				c.Setting = SettingInHome
				f.Cases = []Case{c}
				f.Events = []Event{ev("c-1", EventChildVisit, "2026-11-01"), ev("c-1", EventParentVisit, "2026-11-12")}
			},
			want: &got{Due: "2026-11-17", State: "met", Met: "2026-11-12"},
		},
		{
			name: "in-home, Veterans Day in the facts' holidays moves the due date",
			asOf: "2026-11-22", rule: "assignment.family_seen", subject: "c-1",
			facts: func(f *Facts) {
				f.Holidays = []Date{d("2026-11-11")}
				c := assigned("c-1", "2026-11-03")
				c.Setting = SettingInHome
				f.Cases = []Case{c}
			},
			want: &got{Due: "2026-11-18", State: "overdue"},
		},
		{
			name: "out-of-home cases do not owe the in-home rule",
			asOf: "2026-11-22", rule: "assignment.family_seen", subject: "c-1",
			facts: func(f *Facts) {
				c := assigned("c-1", "2026-11-03")
				c.Setting = SettingOutOfHome
				f.Cases = []Case{c}
			},
		},
	})
}

// The 90-day staffing's why names the day from which a staffing counts.
func TestStaffingWhy(t *testing.T) {
	f := unit()
	f.AsOf = d("2027-03-10")
	placed("2026-11-30")(&f)
	f.Events = []Event{ev("c-1", EventNinetyDayStaffing, "2026-12-02")}
	f.Conferences = []Conference{review("k-1", "2027-02-10", "c-1")}
	res, err := Evaluate(f, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := "Placed 2026-11-30: 90-Day Staffing at three months in placement, with a conference with the casework supervisor, both held from 30 days before the due date (from 2027-01-29), due 2027-02-28; not yet held (no ninety day staffing yet)."
	for _, o := range res.Obligations {
		if o.Rule == "placement.staffing_90" && o.Why != want {
			t.Errorf("why:\n got %s\nwant %s", o.Why, want)
		}
	}
}

func placed(on string) func(f *Facts) {
	return func(f *Facts) {
		c := assigned("c-1", "2026-09-01")
		c.Setting, c.PlacementDate = SettingOutOfHome, d(on)
		f.Cases = []Case{c}
	}
}

func withEvents(base func(f *Facts), evs ...Event) func(f *Facts) {
	return func(f *Facts) { base(f); f.Events = append(f.Events, evs...) }
}

func TestPlacement(t *testing.T) {
	runPolicyTests(t, []policyTest{
		{
			name: "child seen within 5 days of placement",
			asOf: "2026-11-22", rule: "placement.child_seen", subject: "c-1",
			facts: withEvents(placed("2026-10-01"), ev("c-1", EventChildVisit, "2026-09-29"), ev("c-1", EventChildVisit, "2026-10-06")),
			want:  &got{Due: "2026-10-06", State: "met", Met: "2026-10-06"},
		},
		{
			name: "a visit before the placement does not count",
			asOf: "2026-10-20", rule: "placement.child_seen", subject: "c-1",
			facts: withEvents(placed("2026-10-01"), ev("c-1", EventChildVisit, "2026-09-30")),
			want:  &got{Due: "2026-10-06", State: "overdue"},
		},
		{
			name: "CPRB notified within 5 days, late",
			asOf: "2026-11-22", rule: "placement.cprb_notice", subject: "c-1",
			facts: withEvents(placed("2026-10-01"), ev("c-1", EventCPRBNotification, "2026-10-08")),
			want:  &got{Due: "2026-10-06", State: "met_late", Met: "2026-10-08"},
		},
		{
			name: "relatives notified within 30 days",
			asOf: "2026-10-15", rule: "placement.relatives", subject: "c-1",
			facts: placed("2026-10-01"),
			want:  &got{Due: "2026-10-31", State: "open"},
		},
		{
			name: "contract v2: a placement dated after as_of owes no placement rule yet",
			asOf: "2026-09-28", rule: "placement.child_seen", subject: "c-1",
			facts: placed("2026-10-01"),
		},
		{
			name: "Family Team Meeting within 30 days",
			asOf: "2026-11-22", rule: "placement.ftm", subject: "c-1",
			facts: withEvents(placed("2026-10-01"), ev("c-1", EventFamilyTeamMeeting, "2026-10-30")),
			want:  &got{Due: "2026-10-31", State: "met", Met: "2026-10-30"},
		},
		{
			name: "90-day staffing: 3 months, clamped to the month end (2026-11-30 + 3 months = 2027-02-28)",
			asOf: "2026-12-01", rule: "placement.staffing_90", subject: "c-1",
			facts: placed("2026-11-30"),
			want:  &got{Due: "2027-02-28", State: "open"},
		},
		{
			name: "from 2026-12-01: the 90-day staffing alone is not enough, the casework supervisor conference is part of it",
			asOf: "2027-03-10", rule: "placement.staffing_90", subject: "c-1",
			facts: withEvents(placed("2026-11-30"), ev("c-1", EventNinetyDayStaffing, "2027-02-20")),
			want:  &got{Due: "2027-02-28", State: "overdue"},
		},
		{
			name: "90-day staffing and a casework review of the case: met on the later",
			asOf: "2027-03-10", rule: "placement.staffing_90", subject: "c-1",
			facts: func(f *Facts) {
				withEvents(placed("2026-11-30"), ev("c-1", EventNinetyDayStaffing, "2027-02-20"))(f)
				f.Conferences = []Conference{review("k-0", "2026-11-20", "c-1"), review("k-1", "2027-02-24", "c-1"), review("k-2", "2027-03-03", "c-1")}
			},
			want: &got{Due: "2027-02-28", State: "met", Met: "2027-02-24"},
		},
		{
			name: "a casework review before the placement does not count",
			asOf: "2027-03-10", rule: "placement.staffing_90", subject: "c-1",
			facts: func(f *Facts) {
				withEvents(placed("2026-11-30"), ev("c-1", EventNinetyDayStaffing, "2027-02-20"))(f)
				f.Conferences = []Conference{review("k-0", "2026-11-20", "c-1"), review("k-2", "2027-03-03", "c-1")}
			},
			want: &got{Due: "2027-02-28", State: "met_late", Met: "2027-03-03"},
		},
		{
			name: "from 2026-12-01: a staffing and a casework review at the start of the placement are not the 90-day staffing",
			asOf: "2027-03-10", rule: "placement.staffing_90", subject: "c-1",
			facts: func(f *Facts) {
				withEvents(placed("2026-11-30"), ev("c-1", EventNinetyDayStaffing, "2026-12-02"))(f)
				f.Conferences = []Conference{review("k-1", "2026-12-02", "c-1")}
			},
			want: &got{Due: "2027-02-28", State: "overdue"},
		},
		{
			name: "staffing window: counted from 30 days before the due date (2027-02-28 - 30 = 2027-01-29), both days of the bound",
			asOf: "2027-03-10", rule: "placement.staffing_90", subject: "c-1",
			facts: func(f *Facts) {
				withEvents(placed("2026-11-30"), ev("c-1", EventNinetyDayStaffing, "2027-01-29"))(f)
				f.Conferences = []Conference{review("k-1", "2027-02-10", "c-1")}
			},
			want: &got{Due: "2027-02-28", State: "met", Met: "2027-02-10"},
		},
		{
			name: "staffing window: a staffing the day before the window does not count",
			asOf: "2027-03-10", rule: "placement.staffing_90", subject: "c-1",
			facts: func(f *Facts) {
				withEvents(placed("2026-11-30"), ev("c-1", EventNinetyDayStaffing, "2027-01-28"))(f)
				f.Conferences = []Conference{review("k-1", "2027-02-10", "c-1")}
			},
			want: &got{Due: "2027-02-28", State: "overdue"},
		},
		{
			name: "staffing window: a casework review early in the placement does not count, a later one does",
			asOf: "2027-03-10", rule: "placement.staffing_90", subject: "c-1",
			facts: func(f *Facts) {
				withEvents(placed("2026-11-30"), ev("c-1", EventNinetyDayStaffing, "2026-12-03"), ev("c-1", EventNinetyDayStaffing, "2027-02-15"))(f)
				f.Conferences = []Conference{review("k-1", "2026-12-10", "c-1"), review("k-2", "2027-02-20", "c-1")}
			},
			want: &got{Due: "2027-02-28", State: "met", Met: "2027-02-20"},
		},
		{
			name: "staffing window: a staffing after the due date still counts, late",
			asOf: "2027-04-10", rule: "placement.staffing_90", subject: "c-1",
			facts: func(f *Facts) {
				withEvents(placed("2026-11-30"), ev("c-1", EventNinetyDayStaffing, "2027-03-25"))(f)
				f.Conferences = []Conference{review("k-1", "2027-02-20", "c-1")}
			},
			want: &got{Due: "2027-02-28", State: "met_late", Met: "2027-03-25"},
		},
		{
			name: "staffing window: placed 2026-10-15 (due 2027-01-15, counted from 2026-12-16), a staffing and a review in the placement's first weeks",
			asOf: "2027-01-20", rule: "placement.staffing_90", subject: "c-1",
			facts: func(f *Facts) {
				withEvents(placed("2026-10-15"), ev("c-1", EventNinetyDayStaffing, "2026-10-17"), ev("c-1", EventNinetyDayStaffing, "2027-01-08"))(f)
				f.Conferences = []Conference{review("k-1", "2026-10-20", "c-1"), review("k-2", "2026-12-16", "c-1")}
			},
			want: &got{Due: "2027-01-15", State: "met", Met: "2027-01-08"},
		},
		{
			name: "before 2026-12-01 (the rules contract's reading): a staffing on the placement's second day met it",
			asOf: "2026-11-30", rule: "placement.staffing_90", subject: "c-1",
			facts: withEvents(placed("2026-08-15"), ev("c-1", EventNinetyDayStaffing, "2026-08-17")),
			want:  &got{Due: "2026-11-15", State: "met", Met: "2026-08-17"},
		},
		{
			name: "before 2026-12-01: the 90-day staffing alone sufficed",
			asOf: "2026-11-30", rule: "placement.staffing_90", subject: "c-1",
			facts: withEvents(placed("2026-08-15"), ev("c-1", EventNinetyDayStaffing, "2026-11-10")),
			want:  &got{Due: "2026-11-15", State: "met", Met: "2026-11-10"},
		},
		{
			name: "relatives: the start of a diligent search meets it",
			asOf: "2026-12-20", rule: "placement.relatives", subject: "c-1",
			facts: withEvents(placed("2026-12-01"), ev("c-1", EventDiligentSearch, "2026-12-12")),
			want:  &got{Due: "2026-12-31", State: "met", Met: "2026-12-12"},
		},
		{
			name: "relatives: the earlier of a notification and a diligent search",
			asOf: "2027-01-20", rule: "placement.relatives", subject: "c-1",
			facts: withEvents(placed("2026-12-01"), ev("c-1", EventRelativeNotification, "2027-01-05"), ev("c-1", EventDiligentSearch, "2026-12-28")),
			want:  &got{Due: "2026-12-31", State: "met", Met: "2026-12-28"},
		},
		{
			name: "a placement dated after as_of is ignored",
			asOf: "2026-11-22", rule: "placement.child_seen", subject: "c-1",
			facts: placed("2026-11-23"),
		},
		{
			name: "an in-home case's placement_date is history",
			asOf: "2026-11-22", rule: "placement.ftm", subject: "c-1",
			facts: func(f *Facts) {
				placed("2026-10-01")(f)
				f.Cases[0].Setting = SettingInHome
			},
		},
		{
			name: "an unassigned placed case still owes the placement rules",
			asOf: "2026-10-03", rule: "placement.child_seen", subject: "c-1",
			facts: func(f *Facts) {
				f.Cases = []Case{{ID: "c-1", Setting: SettingOutOfHome, PlacementDate: d("2026-10-01")}}
			},
			want: &got{Due: "2026-10-06", State: "open"},
		},
	})
}

func TestMVR(t *testing.T) {
	runPolicyTests(t, []policyTest{
		{
			name: "the earlier of SCR + 60 days and placement + 30 days",
			asOf: "2026-10-15", rule: "mvr.established", subject: "c-1",
			facts: func(f *Facts) {
				placed("2026-10-01")(f)
				f.Cases[0].SCRAssigned = d("2026-08-20")
			},
			want: &got{Due: "2026-10-19", State: "open"},
		},
		{
			name: "placement first",
			asOf: "2026-10-15", rule: "mvr.established", subject: "c-1",
			facts: func(f *Facts) {
				placed("2026-10-01")(f)
				f.Cases[0].SCRAssigned = d("2026-09-28")
			},
			want: &got{Due: "2026-10-31", State: "open"},
		},
		{
			name: "SCR only, and any mvr_established event counts",
			asOf: "2026-11-22", rule: "mvr.established", subject: "c-1",
			facts: func(f *Facts) {
				f.Cases = []Case{{ID: "c-1", Setting: SettingInHome, SCRAssigned: d("2026-09-01"), PlacementDate: d("2026-09-15")}}
				f.Events = []Event{ev("c-1", EventMVREstablished, "2026-08-30")}
			},
			want: &got{Due: "2026-10-31", State: "met", Met: "2026-08-30"},
		},
		{
			name: "contract v2: scr_assigned after as_of has not happened: placement alone sets the date",
			asOf: "2026-10-15", rule: "mvr.established", subject: "c-1",
			facts: func(f *Facts) {
				placed("2026-10-01")(f)
				f.Cases[0].SCRAssigned = d("2026-10-20")
			},
			want: &got{Due: "2026-10-31", State: "open"},
		},
		{
			name: "contract v2: scr_assigned after as_of and no placement: no MVR obligation yet",
			asOf: "2026-10-15", rule: "mvr.established", subject: "c-1",
			facts: func(f *Facts) {
				f.Cases = []Case{{ID: "c-1", Setting: SettingInHome, SCRAssigned: d("2026-10-20")}}
			},
		},
		{
			name: "neither date: no MVR obligation",
			asOf: "2026-11-22", rule: "mvr.established", subject: "c-1",
			facts: func(f *Facts) { f.Cases = []Case{assigned("c-1", "2026-11-02")} },
		},
	})
}

func TestContactsApproval(t *testing.T) {
	court := func(next string, approvals ...string) func(f *Facts) {
		return func(f *Facts) {
			c := assigned("c-1", "2026-09-01")
			if next != "" {
				c.CourtNext = d(next)
			}
			f.Cases = []Case{c}
			for _, a := range approvals {
				f.Events = append(f.Events, ev("c-1", EventContactSheetApproved, a))
			}
		}
	}
	runPolicyTests(t, []policyTest{
		{
			name: "monthly: approved in October, due the end of November",
			asOf: "2026-11-22", rule: "contacts.approval", subject: "c-1",
			facts: court("", "2026-09-20", "2026-10-14"),
			want:  &got{Due: "2026-11-30", State: "open", Last: "2026-10-14"},
		},
		{
			name: "court-involved: no later than the day before court_next",
			asOf: "2026-11-22", rule: "contacts.approval", subject: "c-1",
			facts: court("2026-11-25", "2026-11-02"),
			want:  &got{Due: "2026-11-24", State: "open", Last: "2026-11-02"},
		},
		{
			name: "court date passed without approval: overdue",
			asOf: "2026-11-22", rule: "contacts.approval", subject: "c-1",
			facts: court("2026-11-10", "2026-11-02"),
			want:  &got{Due: "2026-11-09", State: "overdue", Last: "2026-11-02"},
		},
		{
			name: "approved after the court date was set but before it: the monthly cadence applies",
			asOf: "2026-11-22", rule: "contacts.approval", subject: "c-1",
			facts: court("2026-11-10", "2026-11-12"),
			want:  &got{Due: "2026-12-31", State: "open", Last: "2026-11-12"},
		},
		{
			name: "no approval yet: the end of the month of assigned, or before court",
			asOf: "2026-09-05", rule: "contacts.approval", subject: "c-1",
			facts: court("2026-09-15"),
			want:  &got{Due: "2026-09-14", State: "open"},
		},
	})
}

func TestClosure(t *testing.T) {
	closing := func(on string, evs ...Event) func(f *Facts) {
		return func(f *Facts) {
			c := assigned("c-1", "2026-01-05")
			c.Closing = d(on)
			f.Cases = []Case{c}
			f.Events = evs
		}
	}
	runPolicyTests(t, []policyTest{
		{
			name: "risk reassessment within the 30 days before closing: the first day counts",
			asOf: "2026-11-22", rule: "closure.reassessment", subject: "c-1",
			facts: closing("2026-12-15", ev("c-1", EventRiskReassessment, "2026-11-15")),
			want:  &got{Due: "2026-12-15", State: "met", Met: "2026-11-15"},
		},
		{
			name: "31 days before closing is too early",
			asOf: "2026-11-22", rule: "closure.reassessment", subject: "c-1",
			facts: closing("2026-12-15", ev("c-1", EventRiskReassessment, "2026-11-14")),
			want:  &got{Due: "2026-12-15", State: "open"},
		},
		{
			name: "the closing day itself counts",
			asOf: "2026-12-20", rule: "closure.family_seen", subject: "c-1",
			facts: closing("2026-12-15", ev("c-1", EventParentVisit, "2026-11-20"), ev("c-1", EventChildVisit, "2026-12-15")),
			want:  &got{Due: "2026-12-15", State: "met", Met: "2026-12-15"},
		},
		{
			name: "contract v2: a child visit alone does not see the family",
			asOf: "2026-12-20", rule: "closure.family_seen", subject: "c-1",
			facts: closing("2026-12-15", ev("c-1", EventChildVisit, "2026-12-10")),
			want:  &got{Due: "2026-12-15", State: "overdue"},
		},
		{
			name: "contract v2: a parent visit alone does not see the children",
			asOf: "2026-12-10", rule: "closure.family_seen", subject: "c-1",
			facts: closing("2026-12-15", ev("c-1", EventParentVisit, "2026-12-01")),
			want:  &got{Due: "2026-12-15", State: "open"},
		},
		{
			name: "contract v2: met on the later of the first child visit and the first parent visit",
			asOf: "2026-12-20", rule: "closure.family_seen", subject: "c-1",
			facts: closing("2026-12-15", ev("c-1", EventChildVisit, "2026-11-16"), ev("c-1", EventParentVisit, "2026-12-03"),
				ev("c-1", EventParentVisit, "2026-12-14"), ev("c-1", EventChildVisit, "2026-11-10")),
			want: &got{Due: "2026-12-15", State: "met", Met: "2026-12-03"},
		},
		{
			name: "before version 2 took effect (2026-12-01) a child visit sufficed",
			asOf: "2026-11-30", rule: "closure.family_seen", subject: "c-1",
			facts: closing("2026-11-28", ev("c-1", EventChildVisit, "2026-11-20")),
			want:  &got{Due: "2026-11-28", State: "met", Met: "2026-11-20"},
		},
		{
			name: "planned closing passed, child not seen: overdue",
			asOf: "2026-12-20", rule: "closure.family_seen", subject: "c-1",
			facts: closing("2026-12-15", ev("c-1", EventChildVisit, "2026-12-16"), ev("c-1", EventParentVisit, "2026-12-01")),
			want:  &got{Due: "2026-12-15", State: "overdue"},
		},
		{
			name: "a case closed on its planned date owes nothing",
			asOf: "2026-12-20", rule: "closure.family_seen", subject: "c-1",
			facts: func(f *Facts) {
				closing("2026-12-15")(f)
				f.Cases[0].Closed = d("2026-12-15")
			},
		},
	})
}

// Seed 000, 6-26-2016: a case under a Safety Protection Plan is conferenced
// between worker and supervisor at least weekly until the plan is
// satisfied (nj-cpp from its 2016 version).
func TestSafetyPlan(t *testing.T) {
	plan := func(start, end string, confs ...string) func(f *Facts) {
		return func(f *Facts) {
			c := assigned("c-1", "2026-10-01")
			c.SafetyPlanStart = d(start)
			if end != "" {
				c.SafetyPlanEnd = d(end)
			}
			f.Cases = []Case{c}
			for i, k := range confs {
				f.Conferences = append(f.Conferences, sup("k-"+string(rune('a'+i)), k, "w-1", "c-1"))
			}
		}
	}
	runPolicyTests(t, []policyTest{
		{
			name: "plan started 2026-12-02, no conference yet: due a week after the start",
			asOf: "2026-12-07", rule: "safety.weekly", subject: "c-1",
			facts: plan("2026-12-02", ""),
			want:  &got{Due: "2026-12-09", State: "open"},
		},
		{
			name: "a conference before the plan does not count; overdue a week after the start",
			asOf: "2026-12-10", rule: "safety.weekly", subject: "c-1",
			facts: plan("2026-12-02", "", "2026-12-01"),
			want:  &got{Due: "2026-12-09", State: "overdue"},
		},
		{
			name: "weekly from the last conference listing the case",
			asOf: "2026-12-20", rule: "safety.weekly", subject: "c-1",
			facts: plan("2026-12-02", "", "2026-12-08", "2026-12-15"),
			want:  &got{Due: "2026-12-22", State: "open", Last: "2026-12-15"},
		},
		{
			name: "satisfied on its end date: owed no more",
			asOf: "2026-12-20", rule: "safety.weekly", subject: "c-1",
			facts: plan("2026-12-02", "2026-12-20"),
		},
		{
			name: "the day before its end it is still owed",
			asOf: "2026-12-19", rule: "safety.weekly", subject: "c-1",
			facts: plan("2026-12-02", "2026-12-20", "2026-12-08"),
			want:  &got{Due: "2026-12-15", State: "overdue", Last: "2026-12-08"},
		},
		{
			name: "a plan starting after as_of is not in force",
			asOf: "2026-12-01", rule: "safety.weekly", subject: "c-1",
			facts: plan("2026-12-02", ""),
		},
		{
			name: "the 2016 version has it (its section added the plans)",
			asOf: "2026-11-30", rule: "safety.weekly", subject: "c-1",
			facts: plan("2026-11-02", "", "2026-11-27"),
			want:  &got{Due: "2026-12-04", State: "open", Last: "2026-11-27"},
		},
		{
			name: "before 6-26-2016 (the 2012 version) no weekly rule",
			asOf: "2016-06-25", rule: "safety.weekly", subject: "c-1",
			facts: func(f *Facts) {
				plan("2016-06-01", "")(f)
				f.Cases[0].Assigned = d("2016-05-01")
			},
		},
	})
}

// Weekly sibling visits (nj-cpp from 2026-12-01): a child placed out of
// home with siblings placed apart visits them weekly, from the later of the
// placement and the day they were placed apart, until they are together.
func TestSiblingVisits(t *testing.T) {
	kase := func(setting, placed, apartFrom, apartUntil string, evs ...Event) func(f *Facts) {
		return func(f *Facts) {
			c := assigned("c-1", "2026-10-20")
			c.Setting, c.Goal = setting, "adoption"
			if placed != "" {
				c.PlacementDate = d(placed)
			}
			if apartFrom != "" {
				c.SiblingsApartStart = d(apartFrom)
			}
			if apartUntil != "" {
				c.SiblingsApartEnd = d(apartUntil)
			}
			f.Cases = []Case{c}
			f.Events = evs
		}
	}
	runPolicyTests(t, []policyTest{
		{
			name: "placed 2026-11-02, apart since then, no visit yet: due a week after",
			asOf: "2026-12-01", rule: "visits.sibling_weekly", subject: "c-1",
			facts: kase(SettingOutOfHome, "2026-11-02", "2026-11-02", ""),
			want:  &got{Due: "2026-11-09", State: "overdue"},
		},
		{
			name: "weekly from the last sibling visit",
			asOf: "2026-12-10", rule: "visits.sibling_weekly", subject: "c-1",
			facts: kase(SettingOutOfHome, "2026-11-02", "2026-11-02", "",
				ev("c-1", EventSiblingVisit, "2026-12-01"), ev("c-1", EventSiblingVisit, "2026-12-08")),
			want: &got{Due: "2026-12-15", State: "open", Last: "2026-12-08"},
		},
		{
			name: "apart before the placement: counted from the placement; a visit before it does not count",
			asOf: "2026-12-10", rule: "visits.sibling_weekly", subject: "c-1",
			facts: kase(SettingOutOfHome, "2026-12-04", "2026-09-01", "", ev("c-1", EventSiblingVisit, "2026-12-02")),
			want:  &got{Due: "2026-12-11", State: "open"},
		},
		{
			name: "placed apart after the placement: counted from the day they were placed apart",
			asOf: "2026-12-10", rule: "visits.sibling_weekly", subject: "c-1",
			facts: kase(SettingOutOfHome, "2026-10-01", "2026-12-01", "", ev("c-1", EventSiblingVisit, "2026-11-20")),
			want:  &got{Due: "2026-12-08", State: "overdue"},
		},
		{
			name: "other visits do not count",
			asOf: "2026-12-10", rule: "visits.sibling_weekly", subject: "c-1",
			facts: kase(SettingOutOfHome, "2026-12-01", "2026-12-01", "",
				ev("c-1", EventParentVisit, "2026-12-05"), ev("c-1", EventChildVisit, "2026-12-06")),
			want: &got{Due: "2026-12-08", State: "overdue"},
		},
		{
			name: "together again on its end date: owed no more",
			asOf: "2026-12-10", rule: "visits.sibling_weekly", subject: "c-1",
			facts: kase(SettingOutOfHome, "2026-11-02", "2026-11-02", "2026-12-10"),
		},
		{
			name: "the day before the end it is still owed",
			asOf: "2026-12-09", rule: "visits.sibling_weekly", subject: "c-1",
			facts: kase(SettingOutOfHome, "2026-11-02", "2026-11-02", "2026-12-10", ev("c-1", EventSiblingVisit, "2026-12-01")),
			want:  &got{Due: "2026-12-08", State: "overdue", Last: "2026-12-01"},
		},
		{
			name: "apart from a date after as_of: not yet",
			asOf: "2026-12-10", rule: "visits.sibling_weekly", subject: "c-1",
			facts: kase(SettingOutOfHome, "2026-11-02", "2026-12-11", ""),
		},
		{
			name: "no siblings placed apart: nothing owed",
			asOf: "2026-12-10", rule: "visits.sibling_weekly", subject: "c-1",
			facts: kase(SettingOutOfHome, "2026-11-02", "", ""),
		},
		{
			name: "in home (the child is not placed): nothing owed",
			asOf: "2026-12-10", rule: "visits.sibling_weekly", subject: "c-1",
			facts: kase(SettingInHome, "", "2026-11-02", ""),
		},
		{
			name: "placement planned after as_of: nothing owed yet",
			asOf: "2026-12-10", rule: "visits.sibling_weekly", subject: "c-1",
			facts: kase(SettingOutOfHome, "2026-12-12", "2026-11-02", ""),
		},
		{
			name: "unassigned: nothing owed until assigned",
			asOf: "2026-12-10", rule: "visits.sibling_weekly", subject: "c-1",
			facts: func(f *Facts) {
				kase(SettingOutOfHome, "2026-11-02", "2026-11-02", "")(f)
				f.Cases[0].Worker, f.Cases[0].Assigned = "", Date{}
			},
		},
		{
			name: "before 2026-12-01 (the 2016 version) not computed",
			asOf: "2026-11-30", rule: "visits.sibling_weekly", subject: "c-1",
			facts: kase(SettingOutOfHome, "2026-11-02", "2026-11-02", ""),
		},
	})
}

func TestSiblingVisitWhy(t *testing.T) {
	f := unit()
	f.AsOf = d("2026-12-10")
	c := assigned("c-1", "2026-10-20")
	c.Setting, c.PlacementDate, c.SiblingsApartStart = SettingOutOfHome, d("2026-12-04"), d("2026-09-01")
	f.Cases = []Case{c}
	res, err := Evaluate(f, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range res.Obligations {
		if o.Rule == "visits.sibling_weekly" {
			want := "Siblings placed apart since 2026-09-01, placed 2026-12-04: weekly visit of the child with the siblings placed apart (sibling visits while the child is placed out of home); not yet visited."
			if o.Why != want {
				t.Errorf("why:\n got %s\nwant %s", o.Why, want)
			}
			return
		}
	}
	t.Fatal("no sibling visit obligation")
}

// Visits and contacts (nj-cpp from 2026-12-01, policy-46100): a month that
// ends without the visit stays overdue until one is made.
func TestVisits(t *testing.T) {
	kase := func(goal, setting, placed, assignedOn string, evs ...Event) func(f *Facts) {
		return func(f *Facts) {
			c := assigned("c-1", assignedOn)
			c.Goal, c.Setting = goal, setting
			if placed != "" {
				c.PlacementDate = d(placed)
			}
			f.Cases = []Case{c}
			f.Events = evs
		}
	}
	runPolicyTests(t, []policyTest{
		{
			name: "goal reunification, placed: weekly parent/child visit from the placement",
			asOf: "2026-12-10", rule: "visits.parent_child_weekly", subject: "c-1",
			facts: kase("reunification", SettingOutOfHome, "2026-12-01", "2026-11-20", ev("c-1", EventParentVisit, "2026-11-28")),
			want:  &got{Due: "2026-12-08", State: "overdue"},
		},
		{
			name: "weekly parent/child visit: the last + 7 days",
			asOf: "2026-12-10", rule: "visits.parent_child_weekly", subject: "c-1",
			facts: kase("reunification", SettingOutOfHome, "2026-12-01", "2026-11-20", ev("c-1", EventParentVisit, "2026-12-06")),
			want:  &got{Due: "2026-12-13", State: "open", Last: "2026-12-06"},
		},
		{
			name: "another goal owes no weekly parent/child visit",
			asOf: "2026-12-10", rule: "visits.parent_child_weekly", subject: "c-1",
			facts: kase("adoption", SettingOutOfHome, "2026-12-01", "2026-11-20"),
		},
		{
			name: "before 2026-12-01 the visit rules are not computed",
			asOf: "2026-11-30", rule: "visits.parent_child_weekly", subject: "c-1",
			facts: kase("reunification", SettingOutOfHome, "2026-11-01", "2026-10-20"),
		},
		{
			name: "goal not reunification: monthly parent contact; November ended without one: overdue in December",
			asOf: "2026-12-10", rule: "visits.parent_monthly", subject: "c-1",
			facts: kase("adoption", SettingOutOfHome, "2026-09-01", "2026-09-05", ev("c-1", EventParentVisit, "2026-10-14")),
			want:  &got{Due: "2026-11-30", State: "overdue", Last: "2026-10-14"},
		},
		{
			name: "the short month stays overdue until a contact is made, then the next month's is due",
			asOf: "2026-12-20", rule: "visits.parent_monthly", subject: "c-1",
			facts: kase("adoption", SettingOutOfHome, "2026-09-01", "2026-09-05", ev("c-1", EventParentVisit, "2026-10-14"), ev("c-1", EventParentVisit, "2026-12-15")),
			want:  &got{Due: "2027-01-31", State: "open", Last: "2026-12-15"},
		},
		{
			name: "goal not yet set: the monthly parent contact applies",
			asOf: "2026-12-10", rule: "visits.parent_monthly", subject: "c-1",
			facts: kase("", SettingInHome, "", "2026-11-20"),
			want:  &got{Due: "2026-12-20", State: "open"},
		},
		{
			name: "placed out of home, goal reunification: no monthly parent contact (the weekly visits instead)",
			asOf: "2026-12-10", rule: "visits.parent_monthly", subject: "c-1",
			facts: kase("reunification", SettingOutOfHome, "2026-09-01", "2026-09-05"),
		},
		// The worked example (docs/rules.md): a child at home whose goal is
		// reunification owes no weekly parent/child visits, so the monthly
		// contact with the parents is owed: every case owes one or the other.
		{
			name: "at home, goal reunification, no parent visit: the monthly parent contact is owed, overdue",
			asOf: "2026-12-10", rule: "visits.parent_monthly", subject: "c-1",
			facts: kase("reunification", SettingInHome, "", "2026-09-05"),
			want:  &got{Due: "2026-10-05", State: "overdue"},
		},
		{
			name: "at home, goal reunification, a parent visit in December: met for the month, the next due at January's end",
			asOf: "2026-12-10", rule: "visits.parent_monthly", subject: "c-1",
			facts: kase("reunification", SettingInHome, "", "2026-09-05", ev("c-1", EventParentVisit, "2026-12-03")),
			want:  &got{Due: "2027-01-31", State: "open", Last: "2026-12-03"},
		},
		{
			name: "at home, goal reunification: no weekly parent/child visits",
			asOf: "2026-12-10", rule: "visits.parent_child_weekly", subject: "c-1",
			facts: kase("reunification", SettingInHome, "", "2026-09-05"),
		},
		{
			name: "out of home, goal reunification, placement after as_of: the monthly parent contact until placed",
			asOf: "2026-12-10", rule: "visits.parent_monthly", subject: "c-1",
			facts: kase("reunification", SettingOutOfHome, "2026-12-15", "2026-11-20"),
			want:  &got{Due: "2026-12-20", State: "open"},
		},
		{
			name: "out of home, goal reunification, placement after as_of: no weekly parent/child visits yet",
			asOf: "2026-12-10", rule: "visits.parent_child_weekly", subject: "c-1",
			facts: kase("reunification", SettingOutOfHome, "2026-12-15", "2026-11-20"),
		},
		{
			name: "at home, goal reunification, before 2026-12-01: not computed",
			asOf: "2026-11-30", rule: "visits.parent_monthly", subject: "c-1",
			facts: kase("reunification", SettingInHome, "", "2026-09-05"),
		},
		{
			name: "monthly collateral contact: first due a month after assignment",
			asOf: "2026-12-10", rule: "visits.collateral_monthly", subject: "c-1",
			facts: kase("", SettingInHome, "", "2026-11-20", ev("c-1", EventCollateralContact, "2026-11-10")),
			want:  &got{Due: "2026-12-20", State: "open"},
		},
		{
			name: "monthly collateral contact in November: due the end of December",
			asOf: "2026-12-10", rule: "visits.collateral_monthly", subject: "c-1",
			facts: kase("", SettingInHome, "", "2026-10-20", ev("c-1", EventCollateralContact, "2026-11-10")),
			want:  &got{Due: "2026-12-31", State: "open", Last: "2026-11-10"},
		},
		{
			name:    "policy-46100: monthly child visit",
			profile: "policy-46100", asOf: "2026-12-10", rule: "visits.child_monthly", subject: "c-1",
			facts: kase("", SettingInHome, "", "2026-09-05", ev("c-1", EventChildVisit, "2026-10-30")),
			want:  &got{Due: "2026-11-30", State: "overdue", Last: "2026-10-30"},
		},
		{
			name:    "policy-46100: monthly parent or guardian visit",
			profile: "policy-46100", asOf: "2026-12-10", rule: "visits.parent_monthly", subject: "c-1",
			facts: kase("reunification", SettingOutOfHome, "2026-09-01", "2026-09-05", ev("c-1", EventParentVisit, "2026-11-03")),
			want:  &got{Due: "2026-12-31", State: "open", Last: "2026-11-03"},
		},
		{
			name:    "policy-46100: monthly caregiver visit for a child placed out of home",
			profile: "policy-46100", asOf: "2026-12-10", rule: "visits.caregiver_monthly", subject: "c-1",
			facts: kase("reunification", SettingOutOfHome, "2026-09-01", "2026-09-05", ev("c-1", EventProviderVisit, "2026-09-20")),
			want:  &got{Due: "2026-10-31", State: "overdue", Last: "2026-09-20"},
		},
		{
			name:    "policy-46100: no caregiver visit for a child at home",
			profile: "policy-46100", asOf: "2026-12-10", rule: "visits.caregiver_monthly", subject: "c-1",
			facts: kase("", SettingInHome, "", "2026-09-05"),
		},
	})
}

// The minimum visitation requirement the supervisor sets: each kind's count
// owed every calendar month; a month that ended short stays overdue until a
// month is met.
func TestMVRMonthly(t *testing.T) {
	mvr := func(entries []MVREntry, evs ...Event) func(f *Facts) {
		return func(f *Facts) {
			c := assigned("c-1", "2026-09-01")
			c.Setting, c.PlacementDate = SettingOutOfHome, d("2026-09-01")
			c.MVR = entries
			f.Cases = []Case{c}
			f.Events = evs
		}
	}
	two := []MVREntry{{From: d("2026-10-01"), Child: 2, Parents: 1, Provider: 1}}
	runPolicyTests(t, []policyTest{
		{
			name: "two child visits a month: one so far in December, November met: due the end of December",
			asOf: "2026-12-10", rule: "mvr.child_monthly", subject: "c-1",
			facts: mvr(two, ev("c-1", EventChildVisit, "2026-11-03"), ev("c-1", EventChildVisit, "2026-11-20"), ev("c-1", EventChildVisit, "2026-12-02")),
			want:  &got{Due: "2026-12-31", State: "open", Last: "2026-12-02"},
		},
		{
			name: "November ended short (1 of 2): overdue since 2026-11-30 while December is not met",
			asOf: "2026-12-10", rule: "mvr.child_monthly", subject: "c-1",
			facts: mvr(two, ev("c-1", EventChildVisit, "2026-10-03"), ev("c-1", EventChildVisit, "2026-10-20"), ev("c-1", EventChildVisit, "2026-11-20"), ev("c-1", EventChildVisit, "2026-12-02")),
			want:  &got{Due: "2026-11-30", State: "overdue", Last: "2026-12-02"},
		},
		{
			name: "October and November both short: overdue since the end of October",
			asOf: "2026-12-10", rule: "mvr.child_monthly", subject: "c-1",
			facts: mvr(two, ev("c-1", EventChildVisit, "2026-10-03"), ev("c-1", EventChildVisit, "2026-11-20")),
			want:  &got{Due: "2026-10-31", State: "overdue", Last: "2026-11-20"},
		},
		{
			name: "the short month is cleared when December is met: next due the end of January",
			asOf: "2026-12-20", rule: "mvr.child_monthly", subject: "c-1",
			facts: mvr(two, ev("c-1", EventChildVisit, "2026-11-20"), ev("c-1", EventChildVisit, "2026-12-02"), ev("c-1", EventChildVisit, "2026-12-15")),
			want:  &got{Due: "2027-01-31", State: "open", Last: "2026-12-15"},
		},
		{
			name: "set mid-month: owed from the next month",
			asOf: "2026-12-10", rule: "mvr.parents_monthly", subject: "c-1",
			facts: mvr([]MVREntry{{From: d("2026-12-05"), Parents: 2}}),
			want:  &got{Due: "2027-01-31", State: "open"},
		},
		{
			name: "dated so it can change: December's requirement is the entry in force on 1 December",
			asOf: "2026-12-10", rule: "mvr.parents_monthly", subject: "c-1",
			facts: mvr([]MVREntry{{From: d("2026-10-01"), Parents: 1}, {From: d("2026-12-01"), Parents: 4}},
				ev("c-1", EventParentVisit, "2026-11-10"), ev("c-1", EventParentVisit, "2026-12-03")),
			want: &got{Due: "2026-12-31", State: "open", Last: "2026-12-03"},
		},
		{
			name: "a kind the plan does not require (0 a month) owes nothing",
			asOf: "2026-12-10", rule: "mvr.provider_monthly", subject: "c-1",
			facts: mvr([]MVREntry{{From: d("2026-10-01"), Child: 1}}),
		},
		{
			name: "provider visits: one a month, November without one",
			asOf: "2026-12-10", rule: "mvr.provider_monthly", subject: "c-1",
			facts: mvr(two, ev("c-1", EventProviderVisit, "2026-10-12")),
			want:  &got{Due: "2026-11-30", State: "overdue", Last: "2026-10-12"},
		},
		{
			name: "no visit plan set: nothing owed (mvr.established is owed instead)",
			asOf: "2026-12-10", rule: "mvr.child_monthly", subject: "c-1",
			facts: mvr(nil),
		},
		{
			name: "before 2026-12-01 not computed",
			asOf: "2026-11-30", rule: "mvr.child_monthly", subject: "c-1",
			facts: mvr(two),
		},
	})
}

func TestTexas(t *testing.T) {
	held := func(worker string, dates ...string) func(f *Facts) {
		return func(f *Facts) {
			for i, dt := range dates {
				k := sup("k-"+dt+"-"+worker, dt, worker)
				k.Shared = k.Date.AddDays(3)
				_ = i
				f.Conferences = append(f.Conferences, k)
			}
		}
	}
	runPolicyTests(t, []policyTest{
		// tx-dfps counts DFPS's fiscal year, 1 September to 31 August
		// (profile year = "fiscal", year_start_month = 9); the calendar
		// year's pacing is tested in TestYearlyPace.
		{
			name:    "fiscal year: 2 of 10 by 2026-11-22 (September, October): on track, the next by the end of January",
			profile: "tx-dfps", asOf: "2026-11-22", rule: "supervision.yearly", subject: "w-1",
			facts: held("w-1", "2026-08-20", "2026-09-10", "2026-10-15"),
			want:  &got{Due: "2027-01-31", State: "open", Last: "2026-10-15"},
		},
		{
			name:    "seven in the calendar year would be behind; one in the fiscal year is on track",
			profile: "tx-dfps", asOf: "2026-11-22", rule: "supervision.yearly", subject: "w-1",
			facts: held("w-1", "2026-01-10", "2026-02-10", "2026-03-10", "2026-04-10", "2026-05-10", "2026-06-10", "2026-09-02"),
			want:  &got{Due: "2026-12-31", State: "open", Last: "2026-09-02"},
		},
		{
			name:    "7 of 10 by 2027-07-15: behind (3 more, 2 months left), overdue since the end of June",
			profile: "tx-dfps", asOf: "2027-07-15", rule: "supervision.yearly", subject: "w-1",
			facts: held("w-1", "2026-09-10", "2026-10-10", "2026-11-10", "2026-12-10", "2027-01-10", "2027-02-10", "2027-03-10"),
			want:  &got{Due: "2027-06-30", State: "overdue", Last: "2027-03-10"},
		},
		{
			name:    "none yet on 2026-09-02 (the year began yesterday): the first by the end of November",
			profile: "tx-dfps", asOf: "2026-09-02", rule: "supervision.yearly", subject: "w-1",
			facts: held("w-1", "2026-08-20"),
			want:  &got{Due: "2026-11-30", State: "open", Last: "2026-08-20"},
		},
		{
			name:    "10 of 10: met for the year, the next fiscal year's pace (its third month)",
			profile: "tx-dfps", asOf: "2027-06-15", rule: "supervision.yearly", subject: "w-1",
			facts: held("w-1", "2026-09-10", "2026-10-10", "2026-11-10", "2026-12-10", "2027-01-10", "2027-02-10", "2027-03-10", "2027-04-10", "2027-05-10", "2027-06-10"),
			want:  &got{Due: "2027-11-30", State: "open", Last: "2027-06-10"},
		},
		{
			name:    "joined in March, the year's seventh month: ceil(10 x 6/12) = 5 owed, 0 held: the first by the end of April",
			profile: "tx-dfps", asOf: "2026-03-20", rule: "supervision.yearly", subject: "w-new",
			want: &got{Due: "2026-04-30", State: "open"},
		},
		{
			name:    "the last day of the year with one still owed: due today, open",
			profile: "tx-dfps", asOf: "2026-08-31", rule: "supervision.yearly", subject: "w-1",
			facts: held("w-1", "2025-09-10", "2025-10-10", "2025-11-10", "2025-12-10", "2026-01-10", "2026-02-10", "2026-03-10", "2026-04-10", "2026-05-10"),
			want:  &got{Due: "2026-08-31", State: "open", Last: "2026-05-10"},
		},
		{
			name:    "a worker not yet in post owes nothing",
			profile: "tx-dfps", asOf: "2026-03-01", rule: "supervision.yearly", subject: "w-new",
		},
		{
			name:    "notes shared within two weeks: met",
			profile: "tx-dfps", asOf: "2026-11-22", rule: "notes.shared", subject: "k-1",
			facts: func(f *Facts) {
				k := sup("k-1", "2026-11-02", "w-1")
				k.Shared = d("2026-11-16")
				f.Conferences = []Conference{k}
			},
			want: &got{Due: "2026-11-16", State: "met", Met: "2026-11-16"},
		},
		{
			name:    "notes shared a day late",
			profile: "tx-dfps", asOf: "2026-11-22", rule: "notes.shared", subject: "k-1",
			facts: func(f *Facts) {
				k := sup("k-1", "2026-11-02", "w-1")
				k.Shared = d("2026-11-17")
				f.Conferences = []Conference{k}
			},
			want: &got{Due: "2026-11-16", State: "met_late", Met: "2026-11-17"},
		},
		{
			name:    "notes not shared yet; a shared date after as_of is ignored",
			profile: "tx-dfps", asOf: "2026-11-22", rule: "notes.shared", subject: "k-1",
			facts: func(f *Facts) {
				k := sup("k-1", "2026-11-12", "w-1")
				k.Shared = d("2026-11-23")
				f.Conferences = []Conference{k}
			},
			want: &got{Due: "2026-11-26", State: "open"},
		},
		{
			name:    "older than 12 months and shared: no longer listed",
			profile: "tx-dfps", asOf: "2026-11-22", rule: "notes.shared", subject: "k-1",
			facts: func(f *Facts) {
				k := sup("k-1", "2025-11-22", "w-1")
				k.Shared = d("2025-11-23")
				f.Conferences = []Conference{k}
			},
		},
		{
			name:    "older than 12 months and never shared: still overdue",
			profile: "tx-dfps", asOf: "2026-11-22", rule: "notes.shared", subject: "k-1",
			facts: func(f *Facts) { f.Conferences = []Conference{sup("k-1", "2025-06-02", "w-1")} },
			want:  &got{Due: "2025-06-16", State: "overdue"},
		},
		{
			name:    "tx-dfps has no nj-cpp rules",
			profile: "tx-dfps", asOf: "2026-11-22", rule: "supervision.case", subject: "c-1",
			facts: func(f *Facts) { f.Cases = []Case{assigned("c-1", "2026-11-03")} },
		},
	})
}

func TestPolicy46100(t *testing.T) {
	runPolicyTests(t, []policyTest{
		{
			name:    "monthly review with each worker, new or not",
			profile: "policy-46100", asOf: "2026-11-22", rule: "supervision.worker", subject: "w-new",
			facts: func(f *Facts) {
				f.Cases = []Case{{ID: "c-1", Worker: "w-new", Assigned: d("2026-11-03")}}
				f.Conferences = []Conference{sup("k-1", "2026-11-16", "w-new")}
			},
			want: &got{Due: "2026-12-31", State: "open", Last: "2026-11-16"},
		},
		{
			name:    "100% of cases reviewed monthly",
			profile: "policy-46100", asOf: "2026-11-22", rule: "supervision.case", subject: "c-1",
			facts: func(f *Facts) {
				f.Cases = []Case{assigned("c-1", "2026-08-03")}
				f.Conferences = []Conference{sup("k-1", "2026-09-16", "w-1", "c-1")}
			},
			want: &got{Due: "2026-10-31", State: "overdue", Last: "2026-09-16"},
		},
		{
			name:    "no risk escalation rule in policy-46100",
			profile: "policy-46100", asOf: "2026-11-22", rule: "risk.report", subject: "c-1",
			facts: func(f *Facts) { f.Cases = []Case{highCase("2026-11-03", "high", "2026-11-16")} },
		},
	})
}

func TestVersions(t *testing.T) {
	p, _ := LookupProfile("nj-cpp")
	if v, ok := p.VersionAt(d("2016-06-25")); !ok || v.Effective != d("2012-05-21") {
		t.Errorf("VersionAt(2016-06-25) = %v, %v; want the 2012-05-21 version", v, ok)
	}
	if v, ok := p.VersionAt(d("2016-06-26")); !ok || v.Effective != d("2016-06-26") {
		t.Errorf("VersionAt(2016-06-26) = %v, %v; want the 2016-06-26 version", v, ok)
	}
	f := unit()
	_, err := Evaluate(f, Options{AsOf: d("2012-05-20")})
	if err == nil || err.Error() != "as_of: 2012-05-20 is before profile nj-cpp took effect (2012-05-21)" {
		t.Errorf("Evaluate before the first version: %v", err)
	}
	if _, err := Evaluate(f, Options{AsOf: d("2012-05-20"), Profile: "policy-46100"}); err != nil {
		t.Errorf("policy-46100 has no effective date, want no error: %v", err)
	}
	if _, err := Evaluate(f, Options{AsOf: d("2026-11-22"), Profile: "ca-cdss"}); err == nil ||
		err.Error() != `profile: unknown profile "ca-cdss" (known: nj-cpp, policy-46100, tx-dfps)` {
		t.Errorf("unknown profile: %v", err)
	}
	if _, err := Evaluate(f, Options{}); err == nil || err.Error() != "as_of: required (in the facts or with --as-of)" {
		t.Errorf("no as_of: %v", err)
	}
}

// Every rule of every profile is exercised by the tests above.
func TestEveryRuleTested(t *testing.T) {
	tested := map[string]bool{
		"nj-cpp supervision.worker": true, "nj-cpp supervision.case": true, "nj-cpp casework.supervisor": true,
		"nj-cpp risk.report": true, "nj-cpp risk.weekly": true, "nj-cpp case.assignment": true,
		"nj-cpp assignment.family_seen": true, "nj-cpp placement.child_seen": true, "nj-cpp placement.cprb_notice": true,
		"nj-cpp placement.relatives": true, "nj-cpp placement.ftm": true, "nj-cpp placement.staffing_90": true,
		"nj-cpp mvr.established": true, "nj-cpp contacts.approval": true, "nj-cpp closure.reassessment": true,
		"nj-cpp closure.family_seen": true, "nj-cpp safety.weekly": true,
		"nj-cpp mvr.child_monthly": true, "nj-cpp mvr.parents_monthly": true, "nj-cpp mvr.provider_monthly": true,
		"nj-cpp visits.parent_child_weekly": true, "nj-cpp visits.sibling_weekly": true, "nj-cpp visits.parent_monthly": true, "nj-cpp visits.collateral_monthly": true,
		"nj-cpp emergent.conference": true, "nj-cpp mvr.review_monthly": true,
		"policy-46100 visits.child_monthly": true, "policy-46100 visits.parent_monthly": true, "policy-46100 visits.caregiver_monthly": true,
		"tx-dfps supervision.yearly": true, "tx-dfps notes.shared": true,
		"policy-46100 supervision.worker": true, "policy-46100 supervision.case": true,
	}
	for _, p := range Profiles() {
		for _, v := range p.Versions {
			for _, r := range v.Rules {
				if !tested[p.ID+" "+r.ID] {
					t.Errorf("rule %s of %s has no policy test", r.ID, p.ID)
				}
			}
		}
	}
}

func TestSorted(t *testing.T) {
	f := stateFacts(0.01)
	res, err := Evaluate(f, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(res.Obligations); i++ {
		a, b := res.Obligations[i-1], res.Obligations[i]
		if a.Due.After(b.Due) || (a.Due == b.Due && (a.Rule > b.Rule || (a.Rule == b.Rule && a.Subject >= b.Subject))) {
			t.Fatalf("not sorted at %d: %+v then %+v", i, a, b)
		}
	}
	if len(res.Obligations) < 100 {
		t.Fatalf("only %d obligations", len(res.Obligations))
	}
}

// The pacing of a yearly count, in the calendar year and in a fiscal year
// (docs/rules.md, "Pacing").
func TestYearlyPace(t *testing.T) {
	old := d("2020-01-06")
	tests := []struct {
		name         string
		start, count int
		since, asOf  string
		held         int
		due          string
		onTrack      bool
		target       int
		first, last  string
	}{
		{"calendar: 7 of 10 by September: on track", 1, 10, "", "2026-09-15", 7, "2026-10-31", true, 10, "2026-01-01", "2026-12-31"},
		{"calendar: 7 of 10 by 2026-11-22: behind", 1, 10, "", "2026-11-22", 7, "2026-10-31", false, 10, "2026-01-01", "2026-12-31"},
		{"calendar: none on January 2: the first by the end of March", 1, 10, "", "2027-01-02", 0, "2027-03-31", true, 10, "2027-01-01", "2027-12-31"},
		{"calendar: met, next year's pace", 1, 10, "", "2026-11-22", 10, "2027-03-31", true, 10, "2026-01-01", "2026-12-31"},
		{"calendar: joined in March, 9 owed", 1, 10, "2026-03-02", "2026-03-20", 0, "2026-04-30", true, 9, "2026-01-01", "2026-12-31"},
		{"fiscal: 2 of 10 by November", 9, 10, "", "2026-11-22", 2, "2027-01-31", true, 10, "2026-09-01", "2027-08-31"},
		{"fiscal: 7 of 10 by mid-July: behind", 9, 10, "", "2027-07-15", 7, "2027-06-30", false, 10, "2026-09-01", "2027-08-31"},
		{"fiscal: met, the next year's third month", 9, 10, "", "2027-05-01", 10, "2027-11-30", true, 10, "2026-09-01", "2027-08-31"},
		{"fiscal: joined in March 2027, the year's seventh month: 5 owed", 9, 10, "2027-03-10", "2027-03-20", 0, "2027-04-30", true, 5, "2026-09-01", "2027-08-31"},
		{"fiscal: joined before the year: the whole count", 9, 10, "2026-08-31", "2026-09-20", 0, "2026-11-30", true, 10, "2026-09-01", "2027-08-31"},
		{"fiscal: the year's last day, one owed: due that day", 9, 10, "", "2026-08-31", 9, "2026-08-31", true, 10, "2025-09-01", "2026-08-31"},
		{"fiscal: the year's first day", 9, 10, "", "2026-09-01", 0, "2026-11-30", true, 10, "2026-09-01", "2027-08-31"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			since := old
			if tt.since != "" {
				since = d(tt.since)
			}
			p := YearlyPaceFrom(tt.start, tt.count, since, d(tt.asOf), tt.held)
			if p.Due.String() != tt.due || p.OnTrack != tt.onTrack || p.Target != tt.target || p.Start.String() != tt.first || p.End.String() != tt.last {
				t.Errorf("got due %s, on track %v, target %d, year %s to %s", p.Due, p.OnTrack, p.Target, p.Start, p.End)
			}
			if tt.start == 1 {
				if c := YearlyPace(tt.count, since, d(tt.asOf), tt.held); c != p {
					t.Errorf("YearlyPace %+v differs from YearlyPaceFrom(1) %+v", c, p)
				}
			}
		})
	}
}

// The why of a yearly count names the year and, when behind, both what can
// no longer be reached and the conference that was missed.
func TestYearlyWhy(t *testing.T) {
	f := unit()
	f.Profile = "tx-dfps"
	f.AsOf = d("2027-07-15")
	for _, dt := range []string{"2026-09-10", "2026-10-10", "2026-11-10", "2026-12-10", "2027-01-10", "2027-02-10", "2027-03-10"} {
		f.Conferences = append(f.Conferences, sup("k-"+dt, dt, "w-1"))
	}
	res, err := Evaluate(f, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := "7 of 10 conferences in the year 2026-09-01 to 2027-08-31 by 2027-07-15, behind: 3 more needed, 2 calendar months left, so the year's 10 can no longer be reached at one a month: the conference due by 2027-06-30 was missed; last held 2027-03-10."
	for _, o := range res.Obligations {
		if o.Rule == "supervision.yearly" && o.Subject == "w-1" {
			if o.Why != want {
				t.Errorf("why:\n got %q\nwant %q", o.Why, want)
			}
			return
		}
	}
	t.Fatal("no supervision.yearly for w-1")
}
