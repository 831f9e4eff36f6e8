package rules

import "testing"

func TestEmergentRequestIsDueTheSameBusinessDay(t *testing.T) {
	cal := NewCalendar([]Date{DateOf(2026, 11, 26)}) // Thanksgiving, a Thursday
	tests := []struct {
		name string
		made Date
		hour int
		want Date
	}{
		{"Tuesday morning: that day", DateOf(2026, 11, 24), 9, DateOf(2026, 11, 24)},
		{"Tuesday, the last hour before closing: that day", DateOf(2026, 11, 24), 16, DateOf(2026, 11, 24)},
		{"Tuesday at closing: the next business day", DateOf(2026, 11, 24), 17, DateOf(2026, 11, 25)},
		{"Wednesday evening, before a holiday: Friday", DateOf(2026, 11, 25), 19, DateOf(2026, 11, 27)},
		{"on the holiday: the next business day", DateOf(2026, 11, 26), 10, DateOf(2026, 11, 27)},
		{"Friday evening: Monday", DateOf(2026, 11, 27), 18, DateOf(2026, 11, 30)},
		{"Saturday: Monday", DateOf(2026, 11, 28), 10, DateOf(2026, 11, 30)},
	}
	for _, tt := range tests {
		if got := EmergentDue(cal, tt.made, tt.hour, DefaultClosingHour); !got.Equal(tt.want) {
			t.Errorf("%s: due %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestEmergentRequestState(t *testing.T) {
	due := DateOf(2026, 11, 24)
	tests := []struct {
		name        string
		held, today Date
		want        string
	}{
		{"not held, on the due day", Date{}, due, StateOpen},
		{"not held, the day after", Date{}, due.AddDays(1), StateOverdue},
		{"held on the due day", due, due.AddDays(5), StateMet},
		{"held two days late", due.AddDays(2), due.AddDays(5), StateMetLate},
	}
	for _, tt := range tests {
		if got := EmergentState(due, tt.held, tt.today); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, got, tt.want)
		}
	}
}
