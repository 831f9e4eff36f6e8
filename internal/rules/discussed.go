package rules

import "strings"

// What counts as discussed. A case listed in a conference counts as discussed
// only when its discussion records something for each topic of the
// checklist: written, or marked as not applying to the case ("as it applies
// to the caseworker's stage of service", CP&P-III-C-5-500). A case left blank
// was listed, not discussed; it satisfies nothing and the record cannot be
// signed with it (docs/workspace.md).

// Unanswered returns the items of the checklist that a case's discussion
// leaves blank: no text (spaces do not count) and not marked as not
// applying. None means the case counts as discussed.
func Unanswered(checklist []ChecklistItem, written map[string]string, notApplicable map[string]bool) []ChecklistItem {
	var out []ChecklistItem
	for _, it := range checklist {
		if strings.TrimSpace(written[it.ID]) == "" && !notApplicable[it.ID] {
			out = append(out, it)
		}
	}
	return out
}

// Discussed says whether a case's discussion answers every item of the
// checklist. An empty checklist discusses nothing.
func Discussed(checklist []ChecklistItem, written map[string]string, notApplicable map[string]bool) bool {
	return len(checklist) > 0 && len(Unanswered(checklist, written, notApplicable)) == 0
}
