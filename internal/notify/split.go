package notify

import (
	"slices"

	"github.com/casework/casework/internal/rules"
	"github.com/casework/casework/internal/store"
)

// areaPart is one area's share of the agency's digest data and evaluation.
type areaPart struct {
	cws  int64 // 0: a unit in no area
	data *store.DigestArea
	res  rules.Result
}

// splitAgency splits the agency's data and its one evaluation into areas
// along the hierarchy's rows for the date: a unit belongs to the area of
// the casework supervisor its supervisor reports to (a unit whose
// supervisor reports to nobody is a part of its own), a worker to their
// unit's, a case to its worker's, an event to its case's, a conference to
// the part of its worker, of its supervisor for a casework review, and of
// every case it discussed; an obligation to its subject's. Each part holds
// what DigestAreaOf would load for the area, and the obligations the
// area's own evaluation gives (a test compares the two paths).
func splitAgency(d *store.DigestAgency, res rules.Result) []areaPart {
	type key = int64 // the casework supervisor, or minus the unit for a unit in no area
	keyOfUnit := map[int64]key{}
	var keys []key
	parts := map[key]*areaPart{}
	get := func(k key, cws int64) *areaPart {
		p := parts[k]
		if p == nil {
			p = &areaPart{cws: cws, data: &store.DigestArea{IDs: d.IDs, People: d.People, PendingByCase: d.PendingByCase,
				Shared: d.Shared, Steps: d.Steps, Held: d.Held, OpenRequests: d.Requests[cws]}}
			p.data.Facts = rules.Facts{AsOf: d.Facts.AsOf, Profile: d.Facts.Profile, Holidays: d.Facts.Holidays, HolidaysSet: d.Facts.HolidaysSet}
			parts[k] = p
			keys = append(keys, k)
		}
		return p
	}
	factOf := make(map[int64]string, len(d.IDs.People))
	for fid, pid := range d.IDs.People {
		factOf[pid] = fid
	}
	staffPart := map[string]key{} // staff fact id -> part
	for _, u := range d.Units {
		k, cws := -u.UnitID, d.AreaOf[u.UnitID]
		if cws != 0 {
			k = cws
			staffPart[factOf[cws]] = k
		}
		keyOfUnit[u.UnitID] = k
		p := get(k, cws)
		p.data.Units = append(p.data.Units, u)
		staffPart[factOf[u.SupervisorID]] = k
	}
	workerPart := map[int64]key{}
	for _, m := range d.Members {
		k, ok := keyOfUnit[m.UnitID]
		if !ok {
			continue
		}
		parts[k].data.Members = append(parts[k].data.Members, m)
		workerPart[m.WorkerID] = k
		staffPart[factOf[m.WorkerID]] = k
	}
	for _, r := range d.Records {
		if k, ok := workerPart[r.WorkerID]; ok {
			parts[k].data.Records = append(parts[k].data.Records, r)
		}
	}
	casePart := map[string]key{}
	for _, c := range d.Facts.Cases {
		if k, ok := staffPart[c.Worker]; ok && c.Worker != "" {
			if pid := d.IDs.People[c.Worker]; workerPart[pid] == k {
				casePart[c.ID] = k
				parts[k].data.Facts.Cases = append(parts[k].data.Facts.Cases, c)
			}
		}
	}
	// The events (millions for a state) and the obligations below go to
	// slices each sized exactly, from a first pass that finds each one's
	// part: grown by doubling, 120 areas' slices were copied over and over
	// and collected, the larger part of the split. The events come grouped
	// by case: one look-up a case.
	index := make(map[key]int32, len(keys))
	plist := make([]*areaPart, len(keys))
	for j, k := range keys {
		index[k], plist[j] = int32(j), parts[k]
	}
	evPart := make([]int32, len(d.Facts.Events))
	last, lastPart := "", int32(-1)
	for i := range d.Facts.Events {
		if c := d.Facts.Events[i].Case; i == 0 || c != last {
			last, lastPart = c, -1
			if k, ok := casePart[c]; ok {
				lastPart = index[k]
			}
		}
		evPart[i] = lastPart
	}
	splitExactly(d.Facts.Events, evPart, len(keys), func(j int32) *[]rules.Event { return &plist[j].data.Facts.Events })
	named := map[key]map[string]bool{} // staff a part's conferences name
	for _, c := range d.Facts.Conferences {
		var in []key
		add := func(k key, ok bool) {
			if !ok {
				return
			}
			for _, x := range in {
				if x == k {
					return
				}
			}
			in = append(in, k)
		}
		if c.Kind == rules.KindSupervision {
			k, ok := staffPart[c.Worker]
			add(k, ok)
		} else {
			k, ok := staffPart[c.Supervisor]
			add(k, ok)
		}
		for _, id := range c.Cases {
			k, ok := casePart[id]
			add(k, ok)
		}
		for _, k := range in {
			parts[k].data.Facts.Conferences = append(parts[k].data.Facts.Conferences, c)
			if named[k] == nil {
				named[k] = map[string]bool{}
			}
			for _, s := range []string{c.Supervisor, c.Worker, c.CaseworkSupervisor} {
				if s != "" {
					named[k][s] = true
				}
			}
		}
	}
	// Staff: each part's own, and those its conferences name, with whom
	// they report to, so each part's facts stand on their own.
	byID := make(map[string]int, len(d.Facts.Staff))
	for i, s := range d.Facts.Staff {
		byID[s.ID] = i
	}
	for _, s := range d.Facts.Staff {
		if k, ok := staffPart[s.ID]; ok {
			if named[k] == nil {
				named[k] = map[string]bool{}
			}
			named[k][s.ID] = true
		}
	}
	for k, set := range named {
		for id := range set {
			i, ok := byID[id]
			for ok {
				r := d.Facts.Staff[i].ReportsTo
				if r == "" || set[r] {
					break
				}
				set[r] = true
				i, ok = byID[r]
			}
		}
		p := parts[k]
		for _, s := range d.Facts.Staff {
			if set[s.ID] {
				p.data.Facts.Staff = append(p.data.Facts.Staff, s)
			}
		}
	}
	obPart := make([]int32, len(res.Obligations))
	for i := range res.Obligations {
		o := &res.Obligations[i]
		k, ok := casePart[o.Subject]
		if !ok {
			k, ok = staffPart[o.Subject]
		}
		obPart[i] = -1
		if ok {
			obPart[i] = index[k]
		}
	}
	splitExactly(res.Obligations, obPart, len(keys), func(j int32) *[]rules.Obligation { return &plist[j].res.Obligations })
	out := make([]areaPart, 0, len(keys))
	for _, k := range keys {
		p := parts[k]
		p.res.AsOf, p.res.Profile = res.AsOf, res.Profile
		out = append(out, *p)
	}
	return out
}

// splitExactly appends each items[i] to the slice of its part, part[i]
// (-1: none), in order, each part's slice made first with room for exactly
// its own (a part with none keeps its slice as it was).
func splitExactly[T any](items []T, part []int32, parts int, slice func(j int32) *[]T) {
	counts := make([]int, parts)
	for _, j := range part {
		if j >= 0 {
			counts[j]++
		}
	}
	for j, n := range counts {
		if n > 0 {
			dst := slice(int32(j))
			*dst = slices.Grow(*dst, n)
		}
	}
	for i, j := range part {
		if j >= 0 {
			dst := slice(j)
			*dst = append(*dst, items[i])
		}
	}
}
