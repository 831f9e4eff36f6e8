package dashboard

import (
	"fmt"
	"sort"
	"strings"

	"github.com/casework/casework/internal/rules"
)

// prepareWindow is how far ahead a deadline goes on the preparation list.
const prepareWindow = 21

// Preparation lists what a worker prepares for a case before the conference
// (CPS 1481: update the case documentation; be ready with the case's status,
// the significant changes since the last conference, and the upcoming
// deadlines and court dates), from the facts and the engine's answer.
func Preparation(f rules.Facts, res rules.Result, caseID string) []string {
	var c *rules.Case
	for i := range f.Cases {
		if f.Cases[i].ID == caseID {
			c = &f.Cases[i]
		}
	}
	if c == nil {
		return nil
	}
	asOf := res.AsOf
	// The last conference that discussed the case since it was assigned.
	var last rules.Date
	for _, k := range f.Conferences {
		if k.Kind != rules.KindSupervision || k.Date.After(asOf) || k.Date.Before(c.Assigned) {
			continue
		}
		for _, id := range k.Cases {
			if id == caseID && k.Date.After(last) {
				last = k.Date
			}
		}
	}
	since := c.Assigned
	sinceWords := "since the assignment on " + c.Assigned.String()
	if !last.IsZero() {
		since, sinceWords = last, "since the last conference on "+last.String()
	}
	var out []string
	// Documentation: contacts since then.
	counts := map[string]int{}
	for _, e := range f.Events {
		if e.Case == caseID && e.Date.After(since) && !e.Date.After(asOf) {
			counts[e.Kind]++
		}
	}
	contacts := counts[rules.EventChildVisit] + counts[rules.EventParentVisit] + counts[rules.EventSiblingVisit] +
		counts[rules.EventProviderVisit] + counts[rules.EventCollateralContact]
	if contacts > 0 {
		out = append(out, fmt.Sprintf("Update the documentation of the %d contacts %s.", contacts, sinceWords))
	} else {
		out = append(out, "No contact recorded "+sinceWords+": bring the visits up to date.")
	}
	// Significant changes.
	for _, r := range c.Risk {
		if r.From.After(since) && !r.From.After(asOf) {
			out = append(out, fmt.Sprintf("Risk changed to %s on %s.", strings.ReplaceAll(r.Level, "_", " "), r.From))
		}
	}
	if c.Setting == rules.SettingOutOfHome && c.PlacementDate.After(since) && !c.PlacementDate.After(asOf) {
		out = append(out, "Placed out of home on "+c.PlacementDate.String()+".")
	}
	var kinds []string
	for k := range counts {
		if k == rules.EventFamilyTeamMeeting || k == rules.EventNinetyDayStaffing || k == rules.EventRiskReassessment || k == rules.EventRelativeNotification {
			kinds = append(kinds, strings.ReplaceAll(k, "_", " "))
		}
	}
	sort.Strings(kinds)
	if len(kinds) > 0 {
		out = append(out, "Since then: "+strings.Join(kinds, ", ")+".")
	}
	// Upcoming deadlines and court dates.
	horizon := asOf.AddDays(prepareWindow)
	if !c.CourtNext.IsZero() && !c.CourtNext.Before(asOf) && !c.CourtNext.After(horizon) {
		out = append(out, "Court date "+c.CourtNext.String()+": prepare the court report and have the contact sheets approved before it.")
	}
	if !c.Closing.IsZero() && !c.Closing.After(horizon) {
		out = append(out, "Planned closing "+c.Closing.String()+closureWords(res.Version()))
	}
	for _, o := range res.Obligations {
		if o.Subject != caseID || res.Is(o, rules.TagCaseDiscussion) {
			continue
		}
		switch {
		case o.State == rules.StateOverdue:
			out = append(out, fmt.Sprintf("%s: overdue since %s.", res.Label(o), o.Due))
		case o.State == rules.StateOpen && !o.Due.After(horizon):
			out = append(out, fmt.Sprintf("%s: due %s.", res.Label(o), o.Due))
		}
	}
	return out
}

// closureWords says what the version's rules tagged closure owe before a
// planned closing, in their own words (nj-cpp from 2026-12-01: the risk
// reassessment, and a child visit and a parent visit); a profile with no
// closure rule says nothing more.
func closureWords(v *rules.Version) string {
	var owed []string
	for _, id := range v.Tagged(rules.TagClosure) {
		if r, ok := v.Rule(id); ok {
			owed = append(owed, r.Owed)
		}
	}
	if len(owed) == 0 {
		return "."
	}
	return ": " + strings.Join(owed, "; ") + "."
}
