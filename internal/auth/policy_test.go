package auth

import "testing"

func TestCheckNewPassword(t *testing.T) {
	cases := []struct {
		password string
		ok       bool
	}{
		{"short", false},
		{"elevenchars", false},
		{"password1234", false},        // on the common list
		{"PASSWORD1234", false},        // case does not help
		{"jordan.lee-2026!", false},    // contains the email's name
		{"aaaaaaaaaaaaaaa", false},     // one character repeated
		{"river-lantern-oak-47", true}, // a passphrase
		{"casework-demo-2026", true},   // the demo password passes its own rules
		{"Ünïcödé-pässwörd-ok", true},  // counted in characters, not bytes
	}
	for _, c := range cases {
		msg := CheckNewPassword(c.password, "jordan.lee@agency.example")
		if (msg == "") != c.ok {
			t.Errorf("CheckNewPassword(%q) = %q, want ok=%v", c.password, msg, c.ok)
		}
	}
	if len(commonPasswords) < 500 {
		t.Fatalf("common password list has %d entries", len(commonPasswords))
	}
}

// The email's name hides in no separator or digit: the outside test's
// elenadelacroix99 for elena.delacroix was accepted.
func TestPasswordMustNotHoldTheEmailsNameWhateverTheSeparators(t *testing.T) {
	for _, pw := range []string{"elenadelacroix99", "Elena_Delacroix-2026", "my-elena.dela.croix", "elena1delacroix2x"} {
		if CheckNewPassword(pw, "elena.delacroix@agency.example") == "" {
			t.Errorf("CheckNewPassword(%q) for elena.delacroix accepted it", pw)
		}
	}
	if msg := CheckNewPassword("river-lantern-oak-47", "elena.delacroix@agency.example"); msg != "" {
		t.Errorf("an unrelated passphrase refused: %s", msg)
	}
}
