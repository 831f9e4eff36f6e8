package rules

import (
	"strconv"
	"strings"
)

// Descriptions of rules in words, for `casework rules list`, the web app
// and docs/rules.md.

var anchorWords = map[Anchor]string{
	AnchorSince:         "since",
	AnchorAssigned:      "assigned",
	AnchorReceived:      "received",
	AnchorPlacement:     "placement_date",
	AnchorSCR:           "scr_assigned",
	AnchorRiskEpisode:   "E (start of the current high/very_high risk episode, not before assigned)",
	AnchorClosing:       "closing",
	AnchorConference:    "the conference date",
	AnchorSafetyPlan:    "safety_plan_start (of the Safety Protection Plan in force)",
	AnchorMVRSet:        "the from of the first minimum visitation requirement (of a worker: the earliest of their assigned open cases')",
	AnchorSiblingsApart: "the later of siblings_apart_start and placement_date (placed out of home apart from siblings)",
	AnchorRequest:       "the day the request was made",
}

func (a Anchor) words() string {
	if w, ok := anchorWords[a]; ok {
		return w
	}
	return string(a)
}

// Applies returns the scope in words: who or what owes the rule.
func (r *Rule) Applies() string {
	var parts []string
	switch r.Subject {
	case SubjectCase:
		parts = append(parts, "each open case")
	case SubjectWorker:
		parts = append(parts, "each worker")
	case SubjectSupervisor:
		parts = append(parts, "each supervisor")
	case SubjectConference:
		return "each supervision conference dated within the 12 months up to as_of, and each older one whose notes are not shared"
	case SubjectCaseworkSupervisor:
		return "each emergent request made on or before as_of within the 12 months up to it, and each older one not yet held, owed by the casework supervisor it is made to"
	}
	s := r.Scope
	add := func(flag Scope, w string) {
		if s&flag != 0 {
			parts = append(parts, w)
		}
	}
	add(ScopeAssigned, "assigned to a worker")
	add(ScopeInHome, "in_home")
	add(ScopeOutOfHome, "out_of_home")
	add(ScopePlaced, "out_of_home with placement_date on or before as_of")
	add(ScopeHighRisk, "whose current risk is high or very_high")
	add(ScopeReceived, "with received on or before as_of")
	add(ScopeClosing, "with a planned closing")
	add(ScopeMVR, "with scr_assigned, or an out_of_home placement_date, on or before as_of")
	add(ScopeWithCases, "with an assigned open case")
	add(ScopeInPost, "in post (since on or before as_of)")
	add(ScopeGoalReunification, "whose goal is reunification")
	add(ScopeGoalOther, "whose goal is not reunification (or not yet set)")
	add(ScopeMVRSet, "with a minimum visitation requirement set (mvr from on or before as_of)")
	add(ScopeSiblingsApart, "whose child has siblings placed apart (siblings_apart_start on or before as_of, siblings_apart_end after it or none)")
	add(ScopeWithVisitPlans, "with an assigned open case under a minimum visitation requirement (mvr from on or before as_of)")
	add(ScopeSafetyPlan, "under a Safety Protection Plan (safety_plan_start on or before as_of, safety_plan_end after it or none)")
	add(ScopeNotPlacedForReunification, "not placed out of home with a goal of reunification (in_home, not yet placed, or whose goal is not reunification or not yet set)")
	return strings.Join(parts, ", ")
}

// Describe returns what satisfies the rule, in words.
func (c Counts) Describe(subject Subject) string {
	var b strings.Builder
	switch {
	case c.Assigned:
		return "the case's assigned date (met on assigned)"
	case c.Shared:
		return "the conference's shared date (met on shared)"
	case c.Answered && c.Conference != "":
		return "the day the request's answer records the conference held, or a " + c.Conference + " conference by the casework supervisor the request is made to listing its case, dated on or after the day it was made, whichever is earlier (and on or before as_of)"
	case c.Answered:
		return "the day the request's answer records the conference held (and on or before as_of)"
	case c.MVRReview:
		return "a review of the worker's visit plans recorded by the supervisor (mvr_reviews), any date (and on or before as_of)"
	case c.Conference != "" && !c.Each:
		b.WriteString("a " + c.Conference + " conference ")
		switch subject {
		case SubjectCase:
			b.WriteString("listing the case")
		case SubjectWorker:
			b.WriteString("with the worker, whoever the supervisor")
		case SubjectSupervisor:
			b.WriteString("with the supervisor, whoever the casework supervisor")
		}
	case len(c.Events) > 0:
		if c.Each {
			all := strings.Join(c.Events, " and ")
			if c.Conference != "" {
				all += " and a " + c.Conference + " conference listing the case"
			}
			b.WriteString("events of the case, one of each: " + all + " (met on the later of the first of each)")
		} else {
			b.WriteString("an event of the case: " + strings.Join(c.Events, " or "))
		}
	}
	switch {
	case c.Window > 0:
		b.WriteString(", dated from the due anchor - " + strconv.Itoa(c.Window) + " days through the due anchor")
	case c.From != AnchorNone && c.BeforeDue > 0:
		b.WriteString(", dated on or after " + c.From.words() + " and on or after the due date - " + strconv.Itoa(c.BeforeDue) + " days")
	case c.From != AnchorNone:
		b.WriteString(", dated on or after " + c.From.words())
	case c.BeforeDue > 0:
		b.WriteString(", dated on or after the due date - " + strconv.Itoa(c.BeforeDue) + " days")
	default:
		b.WriteString(", any date")
	}
	b.WriteString(" (and on or before as_of)")
	return b.String()
}

func (c *Cadence) offsetWords() string {
	var parts []string
	if c.Days != 0 {
		parts = append(parts, plural(c.Days, "day"))
	}
	if c.BusinessDays != 0 {
		parts = append(parts, plural(c.BusinessDays, "business day"))
	}
	if c.Months != 0 {
		parts = append(parts, plural(c.Months, "month"))
	}
	if len(parts) == 0 {
		return c.Anchor.words()
	}
	return c.Anchor.words() + " + " + strings.Join(parts, " + ")
}

func plural(n int, w string) string {
	s := strconv.Itoa(n) + " " + w
	if n != 1 {
		s += "s"
	}
	return s
}

// Describe returns how the due date is computed, in words.
func (c *Cadence) Describe() string {
	switch c.Kind {
	case Once:
		s := "once: due " + c.offsetWords()
		if c.Or != nil {
			s = "once: due the earlier of " + c.offsetWords() + " and " + c.Or.offsetWords()
		}
		return s
	case Interval:
		return "recurring: due the last counting fact + " + plural(c.Days, "day") +
			", or " + c.Anchor.words() + " + " + plural(c.Days, "day") + " with none"
	case CalendarMonth:
		s := "recurring, calendar month: after a counting fact in month M, due the last day of M+1; with none, " + c.Anchor.words() + " + 1 month"
		if c.BeforeCourt {
			s += "; when court_next is later than the last counting fact (or there is none), due no later than court_next - 1 day"
		}
		return s
	case SameBusinessDay:
		return "once: due " + c.Anchor.words() + " when it is a business day and the request was made before the closing hour, else the next business day"
	case MonthlyCount:
		return "monthly count: every calendar month, the " + c.CountOf + " visits the minimum visitation requirement in force on the month's first day sets; a month that ended short is overdue (due its last day) until a month is met"
	case YearlyCount:
		return "yearly count: at least " + strconv.Itoa(c.Count) +
			" per year (the profile's year: the calendar year, or a fiscal year from its start month; prorated by calendar months in post when since falls in the year); with R still to hold, due the last day of the year's month 13 - R (one a month); when the year's count is met, due the last day of month 13 - " +
			strconv.Itoa(c.Count) + " of the next year"
	}
	return string(c.Kind)
}
