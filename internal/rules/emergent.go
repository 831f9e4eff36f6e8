package rules

// An emergent request (seed 001, "Emergent Reasons to Conference with a
// Casework Supervisor") is an obligation to conference immediately: due the
// business day it was made, or the next business day when it was made after
// the agency's closing hour or on a day the agency is closed; overdue after.
// It is met by holding the conference: a signed casework review that
// discusses the case, or an answer recorded with the day it was held.

// DefaultClosingHour is the hour (0-23, the agency's zone) after which a
// request made that day is due the next business day.
const DefaultClosingHour = 17

// EmergentDue is the day an emergent request made on a day at an hour (the
// agency's zone) is due answered, with the profile's calendar.
func EmergentDue(cal Calendar, made Date, hour, closingHour int) Date {
	if cal.IsBusinessDay(made) && hour < closingHour {
		return made
	}
	return cal.AddBusinessDays(made, 1)
}

// EmergentState is an emergent request's state on a day: met (or met late)
// once the conference is held, else open until its due day, overdue after.
// held is the zero Date while no conference is held.
func EmergentState(due, held, today Date) string {
	switch {
	case !held.IsZero() && held.After(due):
		return StateMetLate
	case !held.IsZero():
		return StateMet
	case today.After(due):
		return StateOverdue
	}
	return StateOpen
}

// emergentRule lists an obligation of a casework_supervisor rule for every
// emergent request made on or before as_of within the 12 months up to it,
// and for every older one not yet held: due as EmergentDue says (the
// request's AfterClosing standing for "made at or after the closing
// hour"), met on the earlier of the day its answer records the conference
// held and the first casework review by the casework supervisor it is
// owed by that lists its case, dated on or after the day it was made.
func (e *evaluator) emergentRule(r *Rule) {
	f := e.x.f
	if r.Due.Kind != SameBusinessDay || len(f.Emergent) == 0 {
		return
	}
	window := e.asOf.AddMonths(-12)
	// The first review of each request's case by its casework supervisor:
	// one pass over the conferences, looking only at reviews by a casework
	// supervisor some request is owed by, listing a case some request
	// names.
	reviewed := make([]Date, len(f.Emergent))
	if r.Counts.Conference == KindCaseworkReview {
		byCase := map[string][]int32{}
		owed := map[string]bool{}
		var earliestMade Date
		for i := range f.Emergent {
			q := &f.Emergent[i]
			if q.Case == "" || q.Made.IsZero() || q.Made.After(e.asOf) {
				continue
			}
			byCase[q.Case] = append(byCase[q.Case], int32(i))
			owed[q.CaseworkSupervisor] = true
			if earliestMade.IsZero() || q.Made.Before(earliestMade) {
				earliestMade = q.Made
			}
		}
		for i := range f.Conferences {
			k := &f.Conferences[i]
			if len(byCase) == 0 || k.Kind != KindCaseworkReview || k.Date.IsZero() || k.Date.After(e.asOf) ||
				k.Date.Before(earliestMade) || !owed[k.CaseworkSupervisor] {
				continue
			}
			for _, c := range k.Cases {
				for _, qi := range byCase[c] {
					q := &f.Emergent[qi]
					if q.CaseworkSupervisor == k.CaseworkSupervisor && !k.Date.Before(q.Made) &&
						(reviewed[qi].IsZero() || k.Date.Before(reviewed[qi])) {
						reviewed[qi] = k.Date
					}
				}
			}
		}
	}
	for i := range f.Emergent {
		q := &f.Emergent[i]
		if q.Made.IsZero() || q.Made.After(e.asOf) {
			continue
		}
		var met Date
		byReview := false
		if r.Counts.Answered && !q.Held.IsZero() && !q.Held.After(e.asOf) && !q.Held.Before(q.Made) {
			met = q.Held
		}
		if d := reviewed[i]; !d.IsZero() && (met.IsZero() || d.Before(met)) {
			met, byReview = d, true
		}
		if !q.Made.After(window) && !met.IsZero() {
			continue
		}
		hour := 0
		if q.AfterClosing {
			hour = DefaultClosingHour // any hour at or after closing
		}
		due := EmergentDue(e.x.cal, q.Made, hour, DefaultClosingHour)
		e.subj = int32(i)
		e.w("Emergent request made ")
		e.wd(q.Made)
		switch {
		case q.AfterClosing:
			e.w(" after closing")
		case !e.x.cal.IsBusinessDay(q.Made):
			e.w(", a day the office is closed")
		}
		if q.Case != "" {
			e.w(", case ")
			e.w(q.Case)
		}
		e.w(": ")
		e.w(r.Owed)
		e.w(", due ")
		e.wd(due)
		e.w("; ")
		if met.IsZero() {
			e.w("not yet ")
			e.w(r.Done)
			if due.Before(e.asOf) {
				e.w(", overdue since ")
				e.wd(due.AddDays(1))
			}
		} else {
			e.w(r.Done)
			e.w(" ")
			e.wd(met)
			if byReview {
				e.w(" (casework review of the case)")
			}
		}
		e.w(".")
		e.emit(false, due, state(due, met, e.asOf, true), Date{}, met)
	}
}
