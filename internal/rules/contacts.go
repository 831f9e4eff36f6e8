package rules

import "slices"

// ContactKinds are the kinds of event that a contact sheet lists: the visits
// and collateral contacts a supervisor approves. In the facts a contact
// awaits approval when it happened after the case's last contact-sheet
// approval (a contact_sheet_approved fact dated D says every contact of the
// case dated on or before D was approved); the app, which knows each
// contact's own approval, gives the agenda its count
// (Options.ContactsAwaiting), the same as the worker page's list and the
// unit dashboard's.
func ContactKinds() []string {
	out := make([]string, 0, len(contactKinds))
	for k := range contactKinds {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
