package rules

import "slices"

// ContactKinds are the kinds of event that a contact sheet lists: the visits
// and collateral contacts a supervisor approves. A contact awaits approval
// when it happened after the case's last contact-sheet approval (the same
// count everywhere: the agenda's reason, the worker page's list, the unit
// dashboard).
func ContactKinds() []string {
	out := make([]string, 0, len(contactKinds))
	for k := range contactKinds {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
