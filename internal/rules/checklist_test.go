package rules

import "testing"

func TestEveryProfileHasAChecklist(t *testing.T) {
	for _, id := range ProfileIDs() {
		items := Checklist(id)
		if len(items) < 5 {
			t.Errorf("%s: %d checklist items", id, len(items))
		}
		seen := map[string]bool{}
		for _, it := range items {
			if it.ID == "" || it.Label == "" || it.Source == "" || seen[it.ID] {
				t.Errorf("%s: bad or repeated item %+v", id, it)
			}
			seen[it.ID] = true
		}
		if !seen["safety_risk"] {
			t.Errorf("%s: no safety item", id)
		}
	}
	if Checklist("no-such-profile")[0].Source != njConferences {
		t.Error("unknown profile does not fall back to nj-cpp")
	}
	// Callers may change their copy without changing the profile.
	c := Checklist("nj-cpp")
	c[0].Label = "changed"
	if Checklist("nj-cpp")[0].Label == "changed" {
		t.Error("Checklist returns the profile's own slice")
	}
}
