package rules

import "slices"

// The discussion checklist of a supervision conference: the headings under
// which each case is discussed, as each policy lists them. It is part of the
// profile's data, so an agency's profile can change it.

// ChecklistItem is one heading of a case's discussion.
type ChecklistItem struct {
	ID     string // stable key of the stored discussion
	Label  string // the heading, in the policy's words
	Hint   string // what to cover, for the supervisor
	Source string // policy citation
}

// njConferences is the citation of nj-cpp's checklist (see
// profiles/nj-cpp.toml).
const njConferences = "CP&P-III-C-5-500, Permanency Case Conferencing"

// Checklist returns the discussion headings of a profile's supervision
// conferences, from its latest version (nj-cpp's for an unknown profile).
func Checklist(profile string) []ChecklistItem {
	p, ok := LookupProfile(profile)
	if !ok {
		p, _ = LookupProfile(DefaultProfile)
	}
	return slices.Clone(p.Latest().Checklist)
}

// ProgressRatings are the ratings of a family's progress (NC DSS job aid,
// Evaluating Progress), best first.
var progressRatings = [...]string{"sufficient", "adequate", "lack_of_progress", "no_progress"}

// ProgressRatings returns the ratings, best first.
func ProgressRatings() []string { return append([]string(nil), progressRatings[:]...) }

// ReviewTopics returns the unit-level agenda of a casework review (the
// default profile's review_topic blocks).
func ReviewTopics() []ChecklistItem {
	p, _ := LookupProfile(DefaultProfile)
	return slices.Clone(p.Latest().ReviewTopics)
}

// ReviewChecklist returns the headings recorded for each case of a review
// (the default profile's review_checklist blocks).
func ReviewChecklist() []ChecklistItem {
	p, _ := LookupProfile(DefaultProfile)
	return slices.Clone(p.Latest().ReviewChecklist)
}
