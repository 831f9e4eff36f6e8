package rules

import (
	"math/rand/v2"
	"strconv"
	"testing"
)

// stateFacts generates, deterministically, the facts of a large state
// scaled by scale: at 1, 4,000 workers, 80,000 open cases, 600,000
// conferences and 3,000,000 events over three years.
func stateFacts(scale float64) Facts {
	rng := rand.New(rand.NewPCG(46100, 1481))
	asOf := d("2026-11-22")
	start := asOf.AddMonths(-36)
	span := asOf.Sub(start)
	day := func() Date { return start.AddDays(rng.IntN(span + 1)) }

	nWorkers := int(4000 * scale)
	nSup := max(nWorkers/7, 1)
	nCWS := max(nSup/5, 1)
	nCases := int(80000 * scale)
	nConfs := int(600000 * scale)
	nEvents := int(3000000 * scale)

	f := Facts{AsOf: asOf, Profile: "nj-cpp"}
	cws := make([]string, nCWS)
	for i := range cws {
		cws[i] = "cws-" + strconv.Itoa(i)
		f.Staff = append(f.Staff, Staff{ID: cws[i], Role: RoleCaseworkSupervisor})
	}
	sups := make([]string, nSup)
	for i := range sups {
		sups[i] = "sup-" + strconv.Itoa(i)
		f.Staff = append(f.Staff, Staff{ID: sups[i], Role: RoleSupervisor, ReportsTo: cws[i%nCWS], Since: day()})
	}
	workers := make([]string, nWorkers)
	for i := range workers {
		workers[i] = "w-" + strconv.Itoa(i)
		since := day()
		f.Staff = append(f.Staff, Staff{ID: workers[i], Role: RoleWorker, ReportsTo: sups[i%nSup], Since: since})
	}
	caseIDs := make([]string, nCases)
	levels := []string{RiskLow, RiskModerate, RiskHigh, RiskVeryHigh}
	for i := range caseIDs {
		caseIDs[i] = "c-" + strconv.Itoa(i)
		recv := day()
		c := Case{ID: caseIDs[i], Received: recv, SCRAssigned: recv.AddDays(-rng.IntN(30))}
		if i%20 != 0 { // one case in twenty still unassigned
			c.Worker = workers[i%nWorkers]
			c.Assigned = recv.AddDays(rng.IntN(4))
		}
		if i%2 == 0 {
			c.Setting = SettingOutOfHome
			c.PlacementDate = recv.AddDays(rng.IntN(60))
		} else {
			c.Setting = SettingInHome
		}
		from := recv
		for j := rng.IntN(4); j >= 0; j-- {
			c.Risk = append(c.Risk, RiskEntry{Level: levels[rng.IntN(4)], From: from})
			from = from.AddDays(1 + rng.IntN(90))
		}
		if i%3 == 0 {
			c.CourtNext = asOf.AddDays(rng.IntN(90) - 10)
		}
		if i%20 == 1 {
			c.Closing = asOf.AddDays(rng.IntN(60) - 20)
		}
		f.Cases = append(f.Cases, c)
	}
	f.Conferences = make([]Conference, 0, nConfs)
	for i := 0; i < nConfs; i++ {
		k := Conference{ID: "k-" + strconv.Itoa(i), Date: day()}
		w := rng.IntN(nWorkers)
		sup := sups[w%nSup]
		if i%5 == 0 {
			k.Kind, k.CaseworkSupervisor, k.Supervisor = KindCaseworkReview, cws[(w%nSup)%nCWS], sup
		} else {
			k.Kind, k.Supervisor, k.Worker = KindSupervision, sup, workers[w]
			k.Shared = k.Date.AddDays(rng.IntN(20))
		}
		// cases of that worker: i%nWorkers == w
		for j := 0; j < 4; j++ {
			ci := w + nWorkers*rng.IntN(max(nCases/nWorkers, 1))
			if ci < nCases {
				k.Cases = append(k.Cases, caseIDs[ci])
			}
		}
		f.Conferences = append(f.Conferences, k)
	}
	f.Events = make([]Event, nEvents)
	for i := range f.Events {
		f.Events[i] = Event{Case: caseIDs[rng.IntN(nCases)], Kind: eventKinds[rng.IntN(len(eventKinds))], Date: day()}
	}
	return f
}

func BenchmarkEvaluateState(b *testing.B) {
	for _, sc := range []struct {
		name  string
		scale float64
	}{{"scale=0.25", 0.25}, {"scale=0.5", 0.5}, {"scale=1", 1}} {
		b.Run(sc.name, func(b *testing.B) {
			f := stateFacts(sc.scale)
			b.ReportAllocs()
			b.ResetTimer()
			var n int
			for b.Loop() {
				res, err := Evaluate(f, Options{})
				if err != nil {
					b.Fatal(err)
				}
				n = len(res.Obligations)
			}
			b.ReportMetric(float64(n), "obligations")
		})
	}
}

func BenchmarkEvaluateUnit(b *testing.B) {
	// One unit's facts, what a dashboard request evaluates.
	f := stateFacts(0.002) // 8 workers, 160 cases
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Evaluate(f, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEvaluateStateNewRules is the full state evaluated on a date when
// nj-cpp's version of 2026-12-01 is in force (twenty rules: the visit
// rules, the Safety Protection Plan conference, contract version 2).
func BenchmarkEvaluateStateNewRules(b *testing.B) {
	f := stateFacts(1)
	asOf := d("2026-12-10")
	for i := range f.Cases {
		if i%10 == 0 {
			f.Cases[i].SafetyPlanStart = asOf.AddDays(-20)
		}
		if i%4 == 0 {
			f.Cases[i].Goal = GoalReunification
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	var n int
	for b.Loop() {
		res, err := Evaluate(f, Options{AsOf: asOf})
		if err != nil {
			b.Fatal(err)
		}
		n = len(res.Obligations)
	}
	b.ReportMetric(float64(n), "obligations")
}
