package rules

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDecodeContractInput(t *testing.T) {
	data, err := os.ReadFile("testdata/contract-input.json")
	if err != nil {
		t.Fatal(err)
	}
	f, errs := Decode(data)
	if len(errs) > 0 {
		t.Fatalf("Decode: %v", errs)
	}
	want := Facts{
		AsOf: d("2026-11-22"), Profile: "nj-cpp", HolidaysSet: true, Holidays: []Date{d("2026-11-26")},
		Staff: []Staff{
			{ID: "cws-1", Role: RoleCaseworkSupervisor, Name: "Dana Cole"},
			{ID: "sup-1", Role: RoleSupervisor, ReportsTo: "cws-1", Since: d("2025-01-06")},
			{ID: "w-1", Role: RoleWorker, ReportsTo: "sup-1", Since: d("2026-03-02"), ExperienceStart: d("2026-03-02")},
		},
		Cases: []Case{{
			ID: "c-1", Worker: "w-1", Received: d("2026-11-02"), Assigned: d("2026-11-03"),
			Setting: SettingOutOfHome, PlacementDate: d("2026-10-01"), SCRAssigned: d("2026-09-28"),
			Risk: []RiskEntry{{Level: RiskModerate, From: d("2026-11-03")}, {Level: RiskHigh, From: d("2026-11-16")}},
			Goal: "reunification", CourtNext: d("2026-12-04"),
		}},
		Conferences: []Conference{
			{ID: "k-1", Kind: KindSupervision, Date: d("2026-11-16"), Supervisor: "sup-1", Worker: "w-1", Cases: []string{"c-1"}, Shared: d("2026-11-18")},
			{ID: "k-2", Kind: KindCaseworkReview, Date: d("2026-11-17"), CaseworkSupervisor: "cws-1", Supervisor: "sup-1", Cases: []string{"c-1"}},
		},
		Events: []Event{{Case: "c-1", Kind: EventChildVisit, Date: d("2026-10-03")}},
	}
	if diff := cmp.Diff(want, f); diff != "" {
		t.Errorf("Decode (-want +got):\n%s", diff)
	}
}

func TestDecodeOptionalAndUnknown(t *testing.T) {
	f, errs := Decode([]byte(`{"as_of":"2026-11-22","version":1,"extra":{"x":[1,2]},"holidays":null,
		"staff":[{"id":"w-1","role":"worker","since":"2026-01-05","reports_to":null,"experience_start":null,"shoe_size":44}],
		"cases":[{"id":"c-1","worker":null,"assigned":null,"risk":null,"closing":null}],
		"conferences":null}`))
	if len(errs) > 0 {
		t.Fatalf("Decode: %v", errs)
	}
	if f.HolidaysSet {
		t.Error("holidays: null should mean absent (the profile's calendar)")
	}
	f, errs = Decode([]byte(`{"holidays":[]}`))
	if len(errs) > 0 || !f.HolidaysSet || len(f.Holidays) != 0 {
		t.Errorf("holidays: [] should mean none: %+v %v", f, errs)
	}
}

func TestDecodeProblems(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"not JSON", `{"as_of": `, []string{"facts: not valid JSON at byte 10: unexpected end of JSON input"}},
		{"empty", ``, []string{"facts: empty input (want a JSON object)"}},
		{"array", `[1]`, []string{"facts: want a JSON object"}},
		{"null", `null`, []string{"facts: want a JSON object, got null"}},
		{
			"the contract's examples",
			`{"staff":[{"id":"sup-1","role":"supervisor","since":"2025-01-06"}],
			  "cases":[{"id":"c-0"},{"id":"c-1"},{"id":"c-2"},{"id":"c-3","worker":"w-1","assigned":"2026-13-01"}],
			  "conferences":[{"id":"k-1","kind":"supervision","date":"2026-11-16","supervisor":"sup-1","worker":"w-9"}]}`,
			[]string{
				`cases[3].assigned: "2026-13-01" is not a date (want YYYY-MM-DD)`,
				`cases[3].worker: no staff member "w-1"`,
				`conferences[0].worker: no staff member "w-9"`,
			},
		},
		{
			"every problem, in input order",
			`{"as_of":"22/11/2026","profile":7,"holidays":["2026-11-26",null,"x"],
			  "staff":[
			    {"id":"cws-1","role":"casework_supervisor"},
			    {"id":"sup-1","role":"supervisor","reports_to":"w-1"},
			    {"id":"w-1","role":"worker","reports_to":"cws-1","since":"2026-01-05"},
			    {"id":"w-1","role":"boss","since":"2026-01-05"},
			    "nobody",
			    {"role":"worker","since":5}],
			  "cases":[
			    {"id":"c-1","worker":"w-1"},
			    {"id":"c-2","assigned":"2026-11-03","setting":"hospital",
			     "risk":[{"level":"high","from":"2026-11-10"},{"level":"extreme","from":"2026-11-10"},{"from":"2026-11-01"}]},
			    {"id":"c-1","worker":"sup-1","assigned":"2026-11-03"}],
			  "conferences":[
			    {"id":"k-1","kind":"supervision","date":"2026-11-16","supervisor":"cws-1","worker":"w-1","cases":["c-1","c-1","c-9"],"shared":"2026-11-15"},
			    {"id":"k-1","kind":"casework_review","date":"2026-11-17","casework_supervisor":"sup-1"},
			    {"id":"k-3","kind":"huddle"},
			    {"id":"k-4","kind":"supervision","date":"2026-11-17","supervisor":"sup-1","worker":"w-1","casework_supervisor":"cws-1","cases":"c-1"}],
			  "events":[{"case":"c-1","kind":"phone_call","date":"2026-11-01"},{"case":"c-7","kind":"child_visit"}]}`,
			[]string{
				`as_of: "22/11/2026" is not a date (want YYYY-MM-DD)`,
				`profile: want a string, got a number`,
				`holidays[1]: want a date (YYYY-MM-DD), got null`,
				`holidays[2]: "x" is not a date (want YYYY-MM-DD)`,
				`staff[1].since: required for a supervisor`,
				`staff[1].reports_to: "w-1" is a worker, not a casework_supervisor`,
				`staff[2].reports_to: "cws-1" is a casework_supervisor, not a supervisor`,
				`staff[3].id: duplicate id "w-1" (also staff[2])`,
				`staff[3].role: "boss" is not a role (want worker, supervisor or casework_supervisor)`,
				`staff[4]: want an object, got a string`,
				`staff[5].since: want a date string (YYYY-MM-DD), got a number`,
				`staff[5].id: required`,
				`cases[0].assigned: required with worker (worker and assigned go together)`,
				`cases[1].worker: required with assigned (worker and assigned go together)`,
				`cases[1].setting: "hospital" is not a setting (want in_home or out_of_home)`,
				`cases[1].risk[1].level: "extreme" is not a risk level (want low, moderate, high or very_high)`,
				`cases[1].risk[1].from: 2026-11-10 is not after risk[0].from 2026-11-10 (entries must be chronological)`,
				`cases[1].risk[2].level: required (low, moderate, high or very_high)`,
				`cases[1].risk[2].from: 2026-11-01 is not after risk[1].from 2026-11-10 (entries must be chronological)`,
				`cases[2].id: duplicate id "c-1" (also cases[0])`,
				`cases[2].worker: "sup-1" is a supervisor, not a worker`,
				`conferences[0].supervisor: "cws-1" is a casework_supervisor, not a supervisor`,
				`conferences[0].cases[1]: case "c-1" listed twice`,
				`conferences[0].cases[2]: no case "c-9"`,
				`conferences[0].shared: 2026-11-15 is before the conference date 2026-11-16`,
				`conferences[1].id: duplicate id "k-1" (also conferences[0])`,
				`conferences[1].casework_supervisor: "sup-1" is a supervisor, not a casework_supervisor`,
				`conferences[1].supervisor: required for a casework_review`,
				`conferences[2].date: required`,
				`conferences[2].kind: "huddle" is not a conference kind (want supervision or casework_review)`,
				`conferences[3].cases: want an array, got a string`,
				`conferences[3].casework_supervisor: only a casework_review has a casework supervisor`,
				`events[0].kind: "phone_call" is not an event kind`,
				`events[1].case: no case "c-7"`,
				`events[1].date: required`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errs := Decode([]byte(tt.in))
			var got []string
			for _, e := range errs {
				got = append(got, e.Error())
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodeLongValueShortened(t *testing.T) {
	_, errs := Decode([]byte(`{"as_of":"` + strings.Repeat("9", 500) + `"}`))
	if len(errs) != 1 || len(errs[0].Error()) > 120 {
		t.Errorf("got %v", errs)
	}
}
