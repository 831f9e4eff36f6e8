package notify

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/casework/casework/internal/store"
)

func TestEffectiveChoice(t *testing.T) {
	for _, tc := range []struct {
		kind, choice string
		mandatory    bool
		want         string
	}{
		{"digest", "", false, Digest},
		{"digest", Off, false, Off},
		{"digest", Off, true, Digest},        // mandatory: an earlier "off" is the default
		{"digest", AtOnce, false, Digest},    // not a digest's choice
		{"high_risk", "", true, AtOnce},      // the default
		{"high_risk", Off, true, AtOnce},     // mandatory
		{"high_risk", Digest, true, Digest},  // how, within the mandatory
		{"shared_record", Off, false, Off},   // not mandatory
		{"no_such_kind", AtOnce, false, Off}, // never sent
	} {
		if got := Effective(tc.kind, tc.choice, tc.mandatory); got != tc.want {
			t.Errorf("Effective(%s, %q, mandatory %v) = %q, want %q", tc.kind, tc.choice, tc.mandatory, got, tc.want)
		}
	}
}

// An immediate message says what, on which case, by when, and links to the
// page; it names the requester by role and carries no typed text.
func TestImmediateMessages(t *testing.T) {
	reasons := map[string]string{"critical_incident": "A report of a critical incident"}
	for _, tc := range []struct {
		kind, params string
		subject      string
		text, link   string
	}{
		{"emergent_request", `{"request": 7, "case": "2026-000123", "reason": "critical_incident", "by_role": "supervisor", "requested_on": "2026-11-23"}`,
			"Emergent conference requested: case 2026-000123", "A supervisor asks you for an emergent conference on case 2026-000123 (A report of a critical incident), asked Mon 23 Nov 2026", "/area#q-h"},
		{"high_risk", `{"case": "2026-000123", "case_id": 42, "level": "very_high", "assessed_on": "2026-11-23"}`,
			"Case 2026-000123 is now at very high risk", "Case 2026-000123 was assessed very high risk on Mon 23 Nov 2026", "/cases/42"},
		{"shared_record", `{"conference": 9, "conference_kind": "supervision", "held_on": "2026-11-20", "cases": ["2026-000123", "2026-000124"]}`,
			"A conference record is shared with you", "The record of your supervision conference of Fri 20 Nov 2026 (cases 2026-000123, 2026-000124)", "/conferences/9"},
	} {
		r, err := Render(tc.kind, json.RawMessage(tc.params), store.Recipient{Name: "Ada Lovelace"}, "https://casework.example", reasons)
		if err != nil {
			t.Fatalf("%s: %v", tc.kind, err)
		}
		if r.Subject != tc.subject || !strings.Contains(r.Text, tc.text) || !strings.Contains(r.Text, "https://casework.example"+tc.link) ||
			!strings.Contains(r.HTML, `href="https://casework.example`+strings.ReplaceAll(tc.link, "#", "#")) {
			t.Errorf("%s: subject %q\n%s", tc.kind, r.Subject, r.Text)
		}
		if r.Unsubscribe != "" {
			t.Errorf("%s: an unsubscribe link on a message that is not the digest", tc.kind)
		}
	}
}
