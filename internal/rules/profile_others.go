package rules

const srcTX = "DFPS CPS Policy 1481, Case Conference and Supportive Supervision"

// txDFPS is profile tx-dfps: Texas DFPS CPS policy 1481 (seed 002).
var txDFPS = &Profile{
	ID:           "tx-dfps",
	Name:         "Texas DFPS CPS 1481 Case Conference and Supportive Supervision",
	CalendarName: "US federal holidays (observed) and Texas state office closures: day after Thanksgiving, December 24, December 26 (not moved off weekends)",
	Calendar:     buildCalendar(texasHolidays),
	Versions: []Version{{
		Effective: MustDate("2011-03-01"),
		Changes:   []string{"CPS policy 1481 as issued March 2011."},
		Rules: []Rule{
			{
				ID: "supervision.yearly", Subject: SubjectWorker, Scope: ScopeInPost,
				Owed: "workload management or case conference with the supervisor at least 10 times a year", Done: "held",
				Counts: Counts{Conference: KindSupervision},
				Due:    Cadence{Kind: YearlyCount, Anchor: AnchorSince, Count: 10},
				Source: srcTX,
			},
			{
				ID: "notes.shared", Subject: SubjectConference,
				Owed: "conference notes documented, dated and shared with the caseworker within two weeks", Done: "shared",
				Counts: Counts{Shared: true},
				Due:    Cadence{Kind: Once, Anchor: AnchorConference, Days: 14},
				Source: srcTX,
			},
		},
	}},
}

const src46100 = "Policy 46100, Monthly Supervisor Case Reviews"

// policy46100 is profile policy-46100: monthly supervisor case reviews
// (seed 003).
var policy46100 = &Profile{
	ID:           "policy-46100",
	Name:         "Policy 46100, Monthly Supervisor Case Reviews",
	CalendarName: "US federal holidays (observed)",
	Calendar:     buildCalendar(),
	Versions: []Version{{
		Changes: []string{"Policy 46100 (the seed carries no effective date: in force for any date)."},
		Rules: []Rule{
			{
				ID: "supervision.worker", Subject: SubjectWorker, Scope: ScopeWithCases,
				Owed: "monthly supervisor case review with the social worker", Done: "held",
				Counts: Counts{Conference: KindSupervision},
				Due:    Cadence{Kind: CalendarMonth, Anchor: AnchorSince},
				Source: src46100,
			},
			{
				ID: "supervision.case", Subject: SubjectCase, Scope: ScopeAssigned,
				Owed: "case reviewed every calendar month (100% case reviews monthly)", Done: "reviewed",
				Counts: Counts{Conference: KindSupervision, From: AnchorAssigned},
				Due:    Cadence{Kind: CalendarMonth, Anchor: AnchorAssigned},
				Source: src46100,
			},
		},
	}},
}
