package rules

const (
	srcNJ      = "CP&P-III-C-5-500, "
	srcNJCWS   = "NJ DCF Casework Supervisor Conferencing, "
	srcNJHigh  = srcNJ + "Very High Risk or High Risk Cases"
	srcNJOOH   = srcNJ + "Children in an Out-of-Home Placement"
	srcNJClose = srcNJ + "Permanency Case Conferencing, Caseload Conferences"
)

// njCPPRules is profile nj-cpp: New Jersey DCF CP&P-III-C-5-500 (seed 000)
// and casework supervisor conferencing (seed 001). The table follows the
// rules contract row by row.
var njCPPRules = []Rule{
	{
		ID: "supervision.worker", Subject: SubjectWorker, Scope: ScopeWithCases,
		Owed: "monthly conference", Done: "held",
		Counts: Counts{Conference: KindSupervision},
		Due:    Cadence{Kind: CalendarMonth, Anchor: AnchorSince},
		FirstYear: &Variant{
			Owed:   "weekly conference",
			Due:    Cadence{Kind: Interval, Anchor: AnchorSince, Days: 7},
			Source: srcNJ + "Conferences with New Workers on a Weekly Basis",
		},
		Source: srcNJ + "Conferences with Experienced Workers on a Monthly Basis",
	},
	{
		ID: "supervision.case", Subject: SubjectCase, Scope: ScopeAssigned,
		Owed: "case discussed in a supervision conference every calendar month", Done: "discussed",
		Counts: Counts{Conference: KindSupervision, From: AnchorAssigned},
		Due:    Cadence{Kind: CalendarMonth, Anchor: AnchorAssigned},
		Source: srcNJ + "Permanency Case Conferencing, Introduction",
	},
	{
		ID: "casework.supervisor", Subject: SubjectSupervisor, Scope: ScopeInPost,
		Owed: "casework review with the casework supervisor every two weeks", Done: "held",
		Counts: Counts{Conference: KindCaseworkReview},
		Due:    Cadence{Kind: Interval, Anchor: AnchorSince, Days: 14},
		Source: srcNJCWS + "Key Elements of a Routine Conference",
	},
	{
		ID: "risk.report", Subject: SubjectCase, Scope: ScopeAssigned | ScopeHighRisk,
		Owed: "case reported to the casework supervisor within one business day", Done: "reviewed",
		Counts: Counts{Conference: KindCaseworkReview, From: AnchorRiskEpisode},
		Due:    Cadence{Kind: Once, Anchor: AnchorRiskEpisode, BusinessDays: 1},
		Source: srcNJHigh,
	},
	{
		ID: "risk.weekly", Subject: SubjectCase, Scope: ScopeAssigned | ScopeHighRisk,
		Owed: "weekly casework review while the risk stays high", Done: "reviewed",
		Counts: Counts{Conference: KindCaseworkReview, From: AnchorRiskEpisode},
		Due:    Cadence{Kind: Interval, Anchor: AnchorRiskEpisode, Days: 7},
		Source: srcNJHigh,
	},
	{
		ID: "case.assignment", Subject: SubjectCase, Scope: ScopeReceived,
		Owed: "case assigned to a worker within two business days", Done: "assigned",
		Counts: Counts{Assigned: true},
		Due:    Cadence{Kind: Once, Anchor: AnchorReceived, BusinessDays: 2},
		Source: srcNJ + "Case Transfer to Permanency",
	},
	{
		ID: "assignment.family_seen", Subject: SubjectCase, Scope: ScopeAssigned | ScopeInHome,
		Owed: "family members seen within 10 working days of assignment", Done: "seen",
		Counts: Counts{Events: []string{EventChildVisit, EventParentVisit}, From: AnchorAssigned},
		Due:    Cadence{Kind: Once, Anchor: AnchorAssigned, BusinessDays: 10},
		Source: srcNJ + "Children In-Home",
	},
	{
		ID: "placement.child_seen", Subject: SubjectCase, Scope: ScopePlaced,
		Owed: "child seen by the worker within 5 days of placement", Done: "seen",
		Counts: Counts{Events: []string{EventChildVisit}, From: AnchorPlacement},
		Due:    Cadence{Kind: Once, Anchor: AnchorPlacement, Days: 5},
		Source: srcNJOOH,
	},
	{
		ID: "placement.cprb_notice", Subject: SubjectCase, Scope: ScopePlaced,
		Owed: "parties and the CPRB notified of the placement within 5 days", Done: "notified",
		Counts: Counts{Events: []string{EventCPRBNotification}, From: AnchorPlacement},
		Due:    Cadence{Kind: Once, Anchor: AnchorPlacement, Days: 5},
		Source: srcNJOOH,
	},
	{
		ID: "placement.relatives", Subject: SubjectCase, Scope: ScopePlaced,
		Owed: "relatives identified and advised of the placement within 30 days", Done: "notified",
		Counts: Counts{Events: []string{EventRelativeNotification}, From: AnchorPlacement},
		Due:    Cadence{Kind: Once, Anchor: AnchorPlacement, Days: 30},
		Source: srcNJOOH,
	},
	{
		ID: "placement.ftm", Subject: SubjectCase, Scope: ScopePlaced,
		Owed: "Family Team Meeting within 30 days of placement", Done: "held",
		Counts: Counts{Events: []string{EventFamilyTeamMeeting}, From: AnchorPlacement},
		Due:    Cadence{Kind: Once, Anchor: AnchorPlacement, Days: 30},
		Source: srcNJOOH,
	},
	{
		ID: "placement.staffing_90", Subject: SubjectCase, Scope: ScopePlaced,
		Owed: "90-Day Staffing after three months in placement", Done: "held",
		Counts: Counts{Events: []string{EventNinetyDayStaffing}, From: AnchorPlacement},
		Due:    Cadence{Kind: Once, Anchor: AnchorPlacement, Months: 3},
		Source: srcNJOOH,
	},
	{
		ID: "mvr.established", Subject: SubjectCase, Scope: ScopeMVR,
		Owed: "visitation schedule (MVR) established within 60 days of SCR assignment or 30 days of placement, whichever comes first", Done: "established",
		Counts: Counts{Events: []string{EventMVREstablished}},
		Due: Cadence{Kind: Once, Anchor: AnchorSCR, Days: 60,
			Or: &Cadence{Kind: Once, Anchor: AnchorPlacement, Days: 30}},
		Source: srcNJ + "Establishing and Monitoring the Minimum Visitation Requirement",
	},
	{
		ID: "contacts.approval", Subject: SubjectCase, Scope: ScopeAssigned,
		Owed: "contact sheets approved every calendar month, and before the next court date", Done: "approved",
		Counts: Counts{Events: []string{EventContactSheetApproved}},
		Due:    Cadence{Kind: CalendarMonth, Anchor: AnchorAssigned, BeforeCourt: true},
		Source: srcNJ + "Reviewing and Approving Contact Sheets",
	},
	{
		ID: "closure.reassessment", Subject: SubjectCase, Scope: ScopeClosing,
		Owed: "risk reassessment within the 30 days before closing", Done: "reassessed",
		Counts: Counts{Events: []string{EventRiskReassessment}, Window: 30},
		Due:    Cadence{Kind: Once, Anchor: AnchorClosing},
		Source: srcNJClose,
	},
	{
		ID: "closure.family_seen", Subject: SubjectCase, Scope: ScopeClosing,
		Owed: "child seen within the 30 days before closing", Done: "seen",
		Counts: Counts{Events: []string{EventChildVisit}, Window: 30},
		Due:    Cadence{Kind: Once, Anchor: AnchorClosing},
		Source: srcNJClose,
	},
}

var njCPP = &Profile{
	ID:           "nj-cpp",
	Name:         "New Jersey DCF CP&P Permanency Supervision (CP&P-III-C-5-500) and casework supervisor conferencing",
	CalendarName: "US federal holidays (observed) and New Jersey state holidays: Lincoln's Birthday, Good Friday, General Election Day",
	Calendar:     buildCalendar(newJerseyHolidays),
	Versions: []Version{
		{
			Effective: MustDate("2012-05-21"),
			Changes: []string{
				"CP&P-III-C-5-500 and casework supervisor conferencing as issued 5-21-2012: the sixteen core rules of the rules contract.",
			},
			Rules: njCPPRules,
		},
		{
			Effective: MustDate("2016-06-26"),
			Changes: []string{
				"CP&P-III-C-5-500 revised 6-26-2016: section \"Conferencing Child Safety and Safety Protection Plans\" added (cases with a Safety Protection Plan are conferenced on a regular, ongoing basis until the plan is satisfied).",
				"The new section sets no cadence and the facts carry no safety plan, so no rule's due date changes: the sixteen rules are those of 2012-05-21.",
			},
			Rules: njCPPRules,
		},
	},
}
