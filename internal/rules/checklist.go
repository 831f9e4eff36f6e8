package rules

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

const (
	njConferences = "CP&P-III-C-5-500, Permanency Case Conferencing"
	txConference  = "CPS 1481, Case Conference and Supportive Supervision"
	p46100Review  = "Policy 46100, Monthly Supervisor Case Reviews"
)

var checklists = map[string][]ChecklistItem{
	"nj-cpp": {
		{"safety_risk", "Safety and risk", "Safety assessed; risk level reviewed; Safety Protection Plan if any.", njConferences},
		{"visits", "Visits completed and documented", "MVRs completed and documented; sibling and parent/child visits; contact sheets reviewed.", njConferences},
		{"services", "Services offered", "Family supports, community resources and individualised services linked.", njConferences},
		{"permanency", "Permanency and concurrent planning", "Case plan goal; concurrent planning; relatives identified; Family Team Meeting.", njConferences},
		{"court", "Upcoming court dates and deadlines", "Court and CPRB dates; placement milestones; documentation to prepare.", njConferences},
		{"obstacles", "Obstacles and solutions", "What stands in the way of the goal, and what will be done about it.", njConferences},
	},
	"tx-dfps": {
		{"safety_risk", "Ongoing assessment of child safety", "Child vulnerability, safety threats, and parents' protective capacity.", txConference},
		{"documentation", "Documentation and case closure", "Investigation documentation; steps toward case closure.", txConference},
		{"progress", "Progress toward the plans' goals", "Family Plan of Service, Child Plan of Service, permanency, case closure.", txConference},
		{"services", "Services offered", "Whether any service should be discontinued or added.", txConference},
		{"court", "Upcoming deadlines and court dates", "Deadlines, court dates and additional steps to achieve the goals.", txConference},
		{"obstacles", "Obstacles and solutions", "Existing or potential obstacles to the goals and closure, and possible solutions.", txConference},
	},
	"policy-46100": {
		{"safety_risk", "Child safety threats", "Safety threats; timeliness of response (CPS only).", p46100Review},
		{"visits", "Monthly health and safety contacts", "Monthly visits with the child, parents and caregiver completed and documented.", p46100Review},
		{"permanency", "Progress toward safety and permanency", "Concurrent planning, relative search, community supports; return home when safe.", p46100Review},
		{"well_being", "Current well-being of the children", "In out-of-home or in-home care.", p46100Review},
		{"services", "Services and the family's cultural needs", "Services provided; the family's cultural and linguistic needs; authorised expenditures.", p46100Review},
		{"closure", "Whether closure is appropriate", "Threats reduced, protective capacities increased, legal action ended, services closed, supports in place.", p46100Review},
	},
}

// Checklist returns the discussion headings of a profile's supervision
// conferences (nj-cpp's for an unknown profile).
func Checklist(profile string) []ChecklistItem {
	items, ok := checklists[profile]
	if !ok {
		items = checklists[DefaultProfile]
	}
	return append([]ChecklistItem(nil), items...)
}

// ProgressRatings are the ratings of a family's progress (NC DSS job aid,
// Evaluating Progress), best first.
var progressRatings = [...]string{"sufficient", "adequate", "lack_of_progress", "no_progress"}

// ProgressRatings returns the ratings, best first.
func ProgressRatings() []string { return append([]string(nil), progressRatings[:]...) }

const njReview = "NJ DCF casework supervisor conferencing, Key Elements of a Routine Conference"

// reviewTopics are the key elements of a routine casework review (seed 001),
// discussed at the level of the unit.
var reviewTopics = []ChecklistItem{
	{"personnel", "Unit personnel issues", "Worker performance, training, discipline.", njReview},
	{"development", "Supervisory skills and development", "Recognition and support of the supervisor's professional development.", njReview},
	{"tracking", "Tracking systems", "What the tracking reports (NJ SPIRIT, Safe Measures) show.", njReview},
	{"hot_issues", "Supervisor's issues", "Crisis situations, new information, hot issues.", njReview},
	{"team", "Team development", "Unit functioning, systems, feedback.", njReview},
	{"litigated", "Litigated cases", "", njReview},
	{"high_risk", "High risk, very high risk and questionable cases", "Each is discussed below.", njReview},
	{"evaluation", "Supervisor evaluation", "", njReview},
	{"policy", "Policy changes and special projects", "", njReview},
	{"compliance", "Compliance issues", "What the dashboard shows overdue.", njReview},
}

// reviewChecklist is what is recorded for each case of a casework review.
var reviewChecklist = []ChecklistItem{
	{"discussion", "Discussion", "Circumstances, safety, and the strategies for services, monitoring and risk reduction.", "CP&P-III-C-5-500, Very High Risk or High Risk Cases"},
	{"decisions", "Decisions", "What was decided, and by whom.", njReview},
}

// ReviewTopics returns the unit-level agenda of a casework review.
func ReviewTopics() []ChecklistItem { return append([]ChecklistItem(nil), reviewTopics...) }

// ReviewChecklist returns the headings recorded for each case of a review.
func ReviewChecklist() []ChecklistItem { return append([]ChecklistItem(nil), reviewChecklist...) }
