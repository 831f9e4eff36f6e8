// Package notify tells people before the date passes (docs/notifications.md):
// it composes the daily digests from the same facts, rules and dashboards
// the pages show, escalates high-risk reports overdue, and sends the
// outbox's messages over SMTP. Messages name cases by number and carry no
// family's name, note text or conference content.
package notify

// Choices a person has for a kind.
const (
	Digest = "digest"  // in the daily digest (for the digest itself: sent)
	AtOnce = "at_once" // as it happens
	Off    = "off"     // not at all
)

// Kind is one kind of message, as the settings page offers it.
type Kind struct {
	ID      string
	Title   string   // for people
	About   string   // who receives it and when
	Choices []string // what a person may choose
	Default string
}

// Kinds lists every kind, in the settings page's order.
var Kinds = []Kind{
	{ID: "digest", Title: "Daily digest", About: "Once a day, when something is owed: what is overdue and due within a week, in your part of the agency.",
		Choices: []string{Digest, Off}, Default: Digest},
	{ID: "emergent_request", Title: "Emergent conference requests", About: "Casework supervisors: a supervisor or worker asks for an emergent conference.",
		Choices: []string{AtOnce, Digest, Off}, Default: AtOnce},
	{ID: "high_risk", Title: "Cases newly at high risk", About: "Casework supervisors: a case in your area is assessed high or very high risk.",
		Choices: []string{AtOnce, Digest, Off}, Default: AtOnce},
	{ID: "shared_record", Title: "Conference records shared with you", About: "A signed record is shared with you to read and acknowledge.",
		Choices: []string{AtOnce, Digest, Off}, Default: AtOnce},
	{ID: "escalation", Title: "High-risk reports overdue", About: "Casework supervisors: a high-risk report is a business day past its deadline.",
		Choices: []string{AtOnce, Digest, Off}, Default: AtOnce},
	// A reset lets the administrator sign in as the person: they are told
	// at once, whatever they choose (docs/security.md).
	{ID: "password_reset", Title: "Your password reset by an administrator", About: "An administrator sets a temporary password for your account.",
		Choices: []string{AtOnce}, Default: AtOnce},
}

// KindOf returns the kind with the id.
func KindOf(id string) (Kind, bool) {
	for _, k := range Kinds {
		if k.ID == id {
			return k, true
		}
	}
	return Kind{}, false
}

// ChoiceWords names a choice for people.
func ChoiceWords(c string) string {
	switch c {
	case Digest:
		return "In the daily digest"
	case AtOnce:
		return "At once"
	case Off:
		return "Off"
	}
	return c
}

// Effective is the choice in force for a person: theirs if it is one the
// kind offers, else the kind's default; never off for a kind the
// administrator made mandatory. For the digest kind, "digest" means sent.
func Effective(kind, choice string, mandatory bool) string {
	k, ok := KindOf(kind)
	if !ok {
		return Off
	}
	valid := false
	for _, c := range k.Choices {
		valid = valid || c == choice
	}
	if !valid {
		choice = k.Default
	}
	if choice == Off && mandatory {
		choice = k.Default
	}
	return choice
}
