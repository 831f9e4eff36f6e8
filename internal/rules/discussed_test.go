package rules

import "testing"

func TestDiscussedNeedsEveryTopicWrittenOrNotApplying(t *testing.T) {
	checklist := Checklist("nj-cpp")
	all := map[string]string{}
	for _, it := range checklist {
		all[it.ID] = "Discussed with the worker."
	}
	allButCourt := map[string]string{}
	for k, v := range all {
		if k != "court" {
			allButCourt[k] = v
		}
	}
	tests := []struct {
		name    string
		written map[string]string
		na      map[string]bool
		want    bool
	}{
		{"blank", nil, nil, false},
		{"spaces only", map[string]string{"safety_risk": "   \n"}, nil, false},
		{"every topic written", all, nil, true},
		{"one topic left blank", allButCourt, nil, false},
		{"the blank topic marked does not apply", allButCourt, map[string]bool{"court": true}, true},
		{"every topic marked does not apply", nil, map[string]bool{"safety_risk": true, "visits": true, "services": true, "permanency": true, "court": true, "obstacles": true}, true},
	}
	for _, tt := range tests {
		if got := Discussed(checklist, tt.written, tt.na); got != tt.want {
			t.Errorf("%s: Discussed = %v, want %v (unanswered %v)", tt.name, got, tt.want, Unanswered(checklist, tt.written, tt.na))
		}
	}
	if Discussed(nil, all, nil) {
		t.Error("an empty checklist counts as discussed")
	}
}
