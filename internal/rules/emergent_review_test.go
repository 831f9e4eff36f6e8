package rules

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Emergent conferences (seed 001) and the supervisor's monthly review of
// each worker's visit plans (seed 000), nj-cpp from 2026-12-01.

func TestEmergentConference(t *testing.T) {
	// request is one emergent request of sup-1 about c-1, owed by cws-1.
	request := func(made string, afterClosing bool, held string, confs ...Conference) func(f *Facts) {
		return func(f *Facts) {
			f.Cases = []Case{assigned("c-1", "2026-09-01")}
			q := EmergentRequest{ID: "e-1", Case: "c-1", RequestedBy: "sup-1", CaseworkSupervisor: "cws-1", Made: d(made), AfterClosing: afterClosing}
			if held != "" {
				q.Held = d(held)
			}
			f.Emergent = []EmergentRequest{q}
			f.Conferences = confs
		}
	}
	other := Conference{ID: "k-9", Kind: KindCaseworkReview, Date: d("2026-12-08"), CaseworkSupervisor: "cws-2", Supervisor: "sup-2", Cases: []string{"c-1"}}
	runPolicyTests(t, []policyTest{
		{
			name: "made Tuesday before closing: due the same day, open that day",
			asOf: "2026-12-08", rule: "emergent.conference", subject: "cws-1",
			facts: request("2026-12-08", false, ""),
			want:  &got{Due: "2026-12-08", State: "open"},
		},
		{
			name: "not held by the next day: overdue",
			asOf: "2026-12-09", rule: "emergent.conference", subject: "cws-1",
			facts: request("2026-12-08", false, ""),
			want:  &got{Due: "2026-12-08", State: "overdue"},
		},
		{
			name: "made Tuesday after closing: due Wednesday",
			asOf: "2026-12-08", rule: "emergent.conference", subject: "cws-1",
			facts: request("2026-12-08", true, ""),
			want:  &got{Due: "2026-12-09", State: "open"},
		},
		{
			name: "made Friday after closing: due Monday",
			asOf: "2026-12-12", rule: "emergent.conference", subject: "cws-1",
			facts: request("2026-12-11", true, ""),
			want:  &got{Due: "2026-12-14", State: "open"},
		},
		{
			name: "made on a Saturday: due Monday, whatever the hour",
			asOf: "2026-12-12", rule: "emergent.conference", subject: "cws-1",
			facts: request("2026-12-12", false, ""),
			want:  &got{Due: "2026-12-14", State: "open"},
		},
		{
			name: "made Thursday 24 December after closing, Christmas a holiday: due Monday 28",
			asOf: "2026-12-24", rule: "emergent.conference", subject: "cws-1",
			facts: func(f *Facts) {
				request("2026-12-24", true, "")(f)
				f.Holidays = []Date{d("2026-12-25")}
			},
			want: &got{Due: "2026-12-28", State: "open"},
		},
		{
			name: "answer recorded as held the same day: met",
			asOf: "2026-12-10", rule: "emergent.conference", subject: "cws-1",
			facts: request("2026-12-08", false, "2026-12-08"),
			want:  &got{Due: "2026-12-08", State: "met", Met: "2026-12-08"},
		},
		{
			name: "answer recorded as held two days later: met late",
			asOf: "2026-12-10", rule: "emergent.conference", subject: "cws-1",
			facts: request("2026-12-08", false, "2026-12-10"),
			want:  &got{Due: "2026-12-08", State: "met_late", Met: "2026-12-10"},
		},
		{
			name: "an answer dated after as_of has not happened yet",
			asOf: "2026-12-09", rule: "emergent.conference", subject: "cws-1",
			facts: request("2026-12-08", false, "2026-12-10"),
			want:  &got{Due: "2026-12-08", State: "overdue"},
		},
		{
			name: "a casework review by cws-1 listing the case the same day holds it",
			asOf: "2026-12-10", rule: "emergent.conference", subject: "cws-1",
			facts: request("2026-12-08", false, "", review("k-1", "2026-12-08", "c-1")),
			want:  &got{Due: "2026-12-08", State: "met", Met: "2026-12-08"},
		},
		{
			name: "the earlier of the review and the answer",
			asOf: "2026-12-14", rule: "emergent.conference", subject: "cws-1",
			facts: request("2026-12-08", false, "2026-12-11", review("k-1", "2026-12-09", "c-1")),
			want:  &got{Due: "2026-12-08", State: "met_late", Met: "2026-12-09"},
		},
		{
			name: "a review before the request, one not listing the case, one by another casework supervisor: not held",
			asOf: "2026-12-10", rule: "emergent.conference", subject: "cws-1",
			facts: request("2026-12-08", false, "", review("k-1", "2026-12-07", "c-1"), review("k-2", "2026-12-08"), other),
			want:  &got{Due: "2026-12-08", State: "overdue"},
		},
		{
			name: "no case: only a recorded answer holds it",
			asOf: "2026-12-10", rule: "emergent.conference", subject: "cws-1",
			facts: func(f *Facts) {
				request("2026-12-08", false, "", review("k-1", "2026-12-08", "c-1"))(f)
				f.Emergent[0].Case = ""
			},
			want: &got{Due: "2026-12-08", State: "overdue"},
		},
		{
			name: "made after as_of: nothing owed yet",
			asOf: "2026-12-07", rule: "emergent.conference", subject: "cws-1",
			facts: request("2026-12-08", false, ""),
		},
		{
			name: "held more than 12 months ago: no longer listed",
			asOf: "2026-12-10", rule: "emergent.conference", subject: "cws-1",
			facts: request("2025-12-09", false, "2025-12-09"),
		},
		{
			name: "older than 12 months and never held: still overdue",
			asOf: "2026-12-10", rule: "emergent.conference", subject: "cws-1",
			facts: request("2025-11-03", false, ""),
			want:  &got{Due: "2025-11-03", State: "overdue"},
		},
		{
			name: "at every date: before 2026-12-01 (the 2016 version) the same reading",
			asOf: "2026-11-23", rule: "emergent.conference", subject: "cws-1",
			facts: request("2026-11-19", true, ""),
			want:  &got{Due: "2026-11-20", State: "overdue"},
		},
		{
			name: "at every date: the 2012 version too",
			asOf: "2015-03-10", rule: "emergent.conference", subject: "cws-1",
			facts: request("2015-03-10", false, ""),
			want:  &got{Due: "2015-03-10", State: "open"},
		},
	})
}

func TestEmergentConferenceWhyAndOrder(t *testing.T) {
	f := unit()
	f.AsOf = d("2026-12-10")
	f.Cases = []Case{assigned("c-1", "2026-09-01"), assigned("c-2", "2026-09-01")}
	f.Emergent = []EmergentRequest{
		{ID: "e-2", Case: "c-2", RequestedBy: "w-1", CaseworkSupervisor: "cws-1", Made: d("2026-12-08")},
		{ID: "e-1", Case: "c-1", RequestedBy: "sup-1", CaseworkSupervisor: "cws-1", Made: d("2026-12-08"), AfterClosing: true, Held: d("2026-12-09")},
		{ID: "e-3", RequestedBy: "sup-2", CaseworkSupervisor: "cws-2", Made: d("2026-12-08")},
	}
	if errs := Validate(f); len(errs) > 0 {
		t.Fatal(errs)
	}
	res, err := Evaluate(f, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var seen []string
	for _, o := range res.Obligations {
		if !res.Is(o, TagEmergent) {
			if o.Request != "" {
				t.Errorf("%s names a request: %+v", o.Rule, o)
			}
			continue
		}
		seen = append(seen, o.Subject+" "+o.Request+" "+o.Due.String()+" "+o.State)
		if res.Label(o) != "Emergent conference" || !strings.Contains(o.Source, "Emergent Reasons") {
			t.Errorf("label %q, source %q", res.Label(o), o.Source)
		}
	}
	want := []string{"cws-1 e-2 2026-12-08 overdue", "cws-2 e-3 2026-12-08 overdue", "cws-1 e-1 2026-12-09 met"}
	if diff := cmp.Diff(want, seen); diff != "" {
		t.Errorf("emergent obligations (-want +got):\n%s", diff)
	}
	for _, o := range res.Obligations {
		switch o.Request {
		case "e-1":
			if w := "Emergent request made 2026-12-08 after closing, case c-1: conference with the casework supervisor at once: the same business day, the next business day when asked after closing, due 2026-12-09; held 2026-12-09."; o.Why != w {
				t.Errorf("why:\n got %s\nwant %s", o.Why, w)
			}
		case "e-2":
			if !strings.Contains(o.Why, "due 2026-12-08; not yet held, overdue since 2026-12-09.") {
				t.Errorf("why: %s", o.Why)
			}
		}
	}
	// The JSON names the request; a facts file written and read back
	// gives the same obligations.
	var e2 Obligation
	for _, o := range res.Obligations {
		if o.Request == "e-2" {
			e2 = o
		}
	}
	out, _ := json.Marshal(e2)
	if !strings.Contains(string(out), `"subject":"cws-1"`) || !strings.Contains(string(out), `"request":"e-2"`) {
		t.Errorf("JSON: %s", out)
	}
	data, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	back, errs := Decode(data)
	if len(errs) > 0 {
		t.Fatalf("read back: %v\n%s", errs, data)
	}
	back.HolidaysSet = true
	res2, _ := Evaluate(back, Options{})
	if diff := cmp.Diff(res.Obligations, res2.Obligations); diff != "" {
		t.Errorf("after a round trip (-before +after):\n%s", diff)
	}
}

func TestMVRReview(t *testing.T) {
	// plan gives w-1 case c-1 (assigned 2026-09-01) under a visit plan from
	// 2026-10-01 with every visit made, and the reviews recorded.
	plan := func(reviews ...MVRReview) func(f *Facts) {
		return func(f *Facts) {
			c := assigned("c-1", "2026-09-01")
			c.MVR = []MVREntry{{From: d("2026-10-01"), Child: 1}}
			f.Cases = []Case{c}
			f.Events = []Event{ev("c-1", EventChildVisit, "2026-10-05"), ev("c-1", EventChildVisit, "2026-11-05"), ev("c-1", EventChildVisit, "2026-12-03")}
			f.MVRReviews = reviews
		}
	}
	rv := func(worker, date string) MVRReview {
		return MVRReview{Worker: worker, Supervisor: "sup-1", Date: d(date)}
	}
	runPolicyTests(t, []policyTest{
		{
			name: "never reviewed, every visit made: overdue since one month after the first plan (never met without the record)",
			asOf: "2026-12-10", rule: "mvr.review_monthly", subject: "w-1",
			facts: plan(),
			want:  &got{Due: "2026-11-01", State: "overdue"},
		},
		{
			name: "reviewed in November: December's is due at its end",
			asOf: "2026-12-10", rule: "mvr.review_monthly", subject: "w-1",
			facts: plan(rv("w-1", "2026-11-20")),
			want:  &got{Due: "2026-12-31", State: "open", Last: "2026-11-20"},
		},
		{
			name: "November ended without one: stays overdue, due 2026-11-30",
			asOf: "2026-12-10", rule: "mvr.review_monthly", subject: "w-1",
			facts: plan(rv("w-1", "2026-10-15")),
			want:  &got{Due: "2026-11-30", State: "overdue", Last: "2026-10-15"},
		},
		{
			name: "reviewed in December: the next by the end of January",
			asOf: "2026-12-10", rule: "mvr.review_monthly", subject: "w-1",
			facts: plan(rv("w-1", "2026-10-15"), rv("w-1", "2026-12-02")),
			want:  &got{Due: "2027-01-31", State: "open", Last: "2026-12-02"},
		},
		{
			name: "a review dated after as_of does not count yet",
			asOf: "2026-12-10", rule: "mvr.review_monthly", subject: "w-1",
			facts: plan(rv("w-1", "2026-11-20"), rv("w-1", "2026-12-15")),
			want:  &got{Due: "2026-12-31", State: "open", Last: "2026-11-20"},
		},
		{
			name: "another worker's review does not count",
			asOf: "2026-12-10", rule: "mvr.review_monthly", subject: "w-1",
			facts: plan(rv("w-new", "2026-11-20")),
			want:  &got{Due: "2026-11-01", State: "overdue"},
		},
		{
			name: "a worker without a case under a visit plan owes nothing",
			asOf: "2026-12-10", rule: "mvr.review_monthly", subject: "w-new",
			facts: plan(),
		},
		{
			name: "a plan from after as_of: nothing yet",
			asOf: "2026-12-10", rule: "mvr.review_monthly", subject: "w-1",
			facts: func(f *Facts) {
				plan()(f)
				f.Cases[0].MVR[0].From = d("2026-12-15")
			},
		},
		{
			name: "the plan's case closed: nothing owed",
			asOf: "2026-12-10", rule: "mvr.review_monthly", subject: "w-1",
			facts: func(f *Facts) {
				plan()(f)
				f.Cases[0].Closed = d("2026-12-01")
			},
		},
		{
			name: "the earliest plan of the worker's cases anchors it",
			asOf: "2026-12-10", rule: "mvr.review_monthly", subject: "w-1",
			facts: func(f *Facts) {
				plan()(f)
				c := assigned("c-2", "2026-08-01")
				c.MVR = []MVREntry{{From: d("2026-11-10"), Parents: 1}}
				f.Cases = append(f.Cases, c)
				f.Cases[0].MVR[0].From = d("2026-11-20")
			},
			want: &got{Due: "2026-12-10", State: "open"},
		},
		{
			name: "before 2026-12-01 (earlier versions): not computed",
			asOf: "2026-11-30", rule: "mvr.review_monthly", subject: "w-1",
			facts: plan(),
		},
	})
}

func TestMVRReviewWhy(t *testing.T) {
	f := unit()
	f.AsOf = d("2026-12-10")
	c := assigned("c-1", "2026-09-01")
	c.MVR = []MVREntry{{From: d("2026-10-01"), Child: 1}}
	f.Cases = []Case{c}
	f.MVRReviews = []MVRReview{{Worker: "w-1", Supervisor: "sup-1", Date: d("2026-10-15")}}
	res, err := Evaluate(f, Options{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, o := range res.Obligations {
		if res.Is(o, TagVisitReview) {
			n++
			want := "Cases under a visit plan (MVR) since 2026-10-01: the supervisor's review of the worker's MVR compliance (visits against the visit plans) every calendar month; last reviewed 2026-10-15."
			if o.Why != want || o.Subject != "w-1" || !strings.Contains(o.Source, "Minimum Visitation Requirement") {
				t.Errorf("got %+v\nwant why %s", o, want)
			}
		}
	}
	if n != 1 {
		t.Errorf("%d visit review obligations", n)
	}
}

func TestDecodeEmergentAndReviews(t *testing.T) {
	base := `"staff":[{"id":"cws-1","role":"casework_supervisor"},{"id":"sup-1","role":"supervisor","since":"2025-01-06","reports_to":"cws-1"},
		{"id":"w-1","role":"worker","since":"2025-01-06","reports_to":"sup-1"}],"cases":[{"id":"c-1"}]`
	f, errs := Decode([]byte(`{"as_of":"2026-12-10",` + base + `,
		"emergent":[{"id":"e-1","case":"c-1","requested_by":"sup-1","casework_supervisor":"cws-1","made":"2026-12-08","after_closing":true,"held":"2026-12-09"}],
		"mvr_reviews":[{"worker":"w-1","supervisor":"sup-1","date":"2026-11-20"}]}`))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	want := []EmergentRequest{{ID: "e-1", Case: "c-1", RequestedBy: "sup-1", CaseworkSupervisor: "cws-1", Made: d("2026-12-08"), AfterClosing: true, Held: d("2026-12-09")}}
	if diff := cmp.Diff(want, f.Emergent); diff != "" {
		t.Errorf("emergent (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]MVRReview{{Worker: "w-1", Supervisor: "sup-1", Date: d("2026-11-20")}}, f.MVRReviews); diff != "" {
		t.Errorf("mvr_reviews (-want +got):\n%s", diff)
	}
	_, errs = Decode([]byte(`{` + base + `,
		"emergent":[{"case":"c-9","requested_by":"cws-1","casework_supervisor":"sup-1","after_closing":"yes"},
		            {"id":"e-2","casework_supervisor":"cws-1","made":"2026-12-08","held":"2026-12-07"}],
		"mvr_reviews":[{"worker":"sup-1","supervisor":"w-1"},{"date":"2026-13-01"}]}`))
	var got []string
	for _, e := range errs {
		got = append(got, e.Error())
	}
	wantErrs := []string{
		`emergent[0].after_closing: want true or false, got a string`,
		`emergent[0].id: required`,
		`emergent[0].casework_supervisor: "sup-1" is a supervisor, not a casework_supervisor`,
		`emergent[0].requested_by: "cws-1" is a casework_supervisor, not a supervisor or a worker`,
		`emergent[0].case: no case "c-9"`,
		`emergent[0].made: required`,
		`emergent[1].held: 2026-12-07 is before the day the request was made 2026-12-08`,
		`mvr_reviews[0].worker: "sup-1" is a supervisor, not a worker`,
		`mvr_reviews[0].supervisor: "w-1" is a worker, not a supervisor`,
		`mvr_reviews[0].date: required`,
		`mvr_reviews[1].date: "2026-13-01" is not a date (want YYYY-MM-DD)`,
		`mvr_reviews[1].worker: required`,
	}
	if diff := cmp.Diff(wantErrs, got); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

func TestProfileFileEmergentAndReviewKeys(t *testing.T) {
	for _, tt := range []struct{ id, old, new, problem string }{
		{"emergent.conference", `met_on = "answered"`, `met_on = "shared"`, `met_on = "shared" satisfies conference rules only`},
		{"emergent.conference", `cadence = "same_business_day"`, `cadence = "once"`, "once serves case and conference rules"},
		{"mvr.review_monthly", `met_on = "mvr_review"`, `met_on = "answered"`, `met_on = "answered" satisfies casework_supervisor rules only`},
		{"mvr.review_monthly", `applies_to = ["with_visit_plans"]`, `applies_to = ["mvr_set"]`, `"mvr_set" does not apply to a worker rule`},
	} {
		_, problems := ParseProfile(withChange(t, tt.id, tt.old, tt.new))
		found := false
		for _, p := range problems {
			found = found || strings.Contains(p.Error(), tt.problem)
		}
		if !found {
			t.Errorf("%s: %s -> %s: want a problem %q, got %v", tt.id, tt.old, tt.new, tt.problem, problems)
		}
	}
}
