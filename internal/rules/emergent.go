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
