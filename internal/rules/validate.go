package rules

import "strconv"

var validRoles = map[string]bool{RoleWorker: true, RoleSupervisor: true, RoleCaseworkSupervisor: true}
var validLevels = map[string]bool{RiskLow: true, RiskModerate: true, RiskHigh: true, RiskVeryHigh: true}
var validSettings = map[string]bool{SettingInHome: true, SettingOutOfHome: true}

func isEventKind(k string) bool { return eventKindIndex(k) >= 0 }

// Validate checks facts built in code the way Decode checks JSON, and
// returns every problem, each naming its field path: required fields, roles,
// levels, settings and kinds, duplicate ids, references between staff, cases
// and conferences (with the role each reference needs), worker and assigned
// together, risk entries in chronological order, notes shared before the
// conference. It does not require AsOf or Profile (see Evaluate).
func Validate(f Facts) []FieldError {
	var errs []FieldError
	add := func(path, msg string) { errs = append(errs, FieldError{Path: path, Msg: msg}) }

	staff := make(map[string]int, len(f.Staff))
	for i, s := range f.Staff {
		p := index("staff", i)
		switch {
		case s.ID == "":
			add(p+".id", "required")
		default:
			if j, dup := staff[s.ID]; dup {
				add(p+".id", "duplicate id "+quote(s.ID)+" (also staff["+strconv.Itoa(j)+"])")
			} else {
				staff[s.ID] = i
			}
		}
		switch {
		case s.Role == "":
			add(p+".role", "required (worker, supervisor or casework_supervisor)")
		case !validRoles[s.Role]:
			add(p+".role", quote(s.Role)+" is not a role (want worker, supervisor or casework_supervisor)")
		}
		if s.Since.IsZero() && (s.Role == RoleWorker || s.Role == RoleSupervisor) {
			add(p+".since", "required for a "+s.Role)
		}
	}
	// ref checks that id names a staff member with the wanted role.
	ref := func(path, id, want string) {
		i, ok := staff[id]
		if !ok {
			add(path, "no staff member "+quote(id))
			return
		}
		if r := f.Staff[i].Role; r != want && validRoles[r] {
			add(path, quote(id)+" is a "+r+", not a "+want)
		}
	}
	for i, s := range f.Staff {
		if s.ReportsTo == "" {
			continue
		}
		p := index("staff", i) + ".reports_to"
		switch s.Role {
		case RoleWorker:
			ref(p, s.ReportsTo, RoleSupervisor)
		case RoleSupervisor:
			ref(p, s.ReportsTo, RoleCaseworkSupervisor)
		}
		// A casework supervisor reports outside the model: not checked.
		if s.ReportsTo == s.ID && s.Role != RoleCaseworkSupervisor {
			add(p, "a staff member cannot report to themselves")
		}
	}

	cases := make(map[string]int, len(f.Cases))
	for i, c := range f.Cases {
		p := index("cases", i)
		if c.ID == "" {
			add(p+".id", "required")
		} else if j, dup := cases[c.ID]; dup {
			add(p+".id", "duplicate id "+quote(c.ID)+" (also cases["+strconv.Itoa(j)+"])")
		} else {
			cases[c.ID] = i
		}
		switch {
		case c.Worker != "" && c.Assigned.IsZero():
			add(p+".assigned", "required with worker (worker and assigned go together)")
		case c.Worker == "" && !c.Assigned.IsZero():
			add(p+".worker", "required with assigned (worker and assigned go together)")
		}
		if c.Worker != "" {
			ref(p+".worker", c.Worker, RoleWorker)
		}
		for j, m := range c.MVR {
			q := index(p+".mvr", j)
			switch {
			case m.From.IsZero():
				add(q+".from", "required")
			case j > 0 && !m.From.After(c.MVR[j-1].From):
				add(q+".from", m.From.String()+" is not after the previous entry's (entries must be chronological)")
			}
			if m.Child < 0 || m.Parents < 0 || m.Provider < 0 || m.Child > 31 || m.Parents > 31 || m.Provider > 31 {
				add(q, "visits a month must be 0 to 31")
			}
		}
		switch {
		case !c.SafetyPlanEnd.IsZero() && c.SafetyPlanStart.IsZero():
			add(p+".safety_plan_end", "given without safety_plan_start")
		case !c.SafetyPlanEnd.IsZero() && c.SafetyPlanEnd.Before(c.SafetyPlanStart):
			add(p+".safety_plan_end", c.SafetyPlanEnd.String()+" is before safety_plan_start "+c.SafetyPlanStart.String())
		}
		switch {
		case !c.SiblingsApartEnd.IsZero() && c.SiblingsApartStart.IsZero():
			add(p+".siblings_apart_end", "given without siblings_apart_start")
		case !c.SiblingsApartEnd.IsZero() && c.SiblingsApartEnd.Before(c.SiblingsApartStart):
			add(p+".siblings_apart_end", c.SiblingsApartEnd.String()+" is before siblings_apart_start "+c.SiblingsApartStart.String())
		}
		if c.Setting != "" && !validSettings[c.Setting] {
			add(p+".setting", quote(c.Setting)+" is not a setting (want in_home or out_of_home)")
		}
		for j, r := range c.Risk {
			q := index(p+".risk", j)
			switch {
			case r.Level == "":
				add(q+".level", "required (low, moderate, high or very_high)")
			case !validLevels[r.Level]:
				add(q+".level", quote(r.Level)+" is not a risk level (want low, moderate, high or very_high)")
			}
			if r.From.IsZero() {
				add(q+".from", "required")
			} else if j > 0 && !c.Risk[j-1].From.IsZero() && !r.From.After(c.Risk[j-1].From) {
				add(q+".from", r.From.String()+" is not after risk["+strconv.Itoa(j-1)+"].from "+
					c.Risk[j-1].From.String()+" (entries must be chronological)")
			}
		}
	}

	confs := make(map[string]int, len(f.Conferences))
	for i, k := range f.Conferences {
		p := index("conferences", i)
		if k.ID == "" {
			add(p+".id", "required")
		} else if j, dup := confs[k.ID]; dup {
			add(p+".id", "duplicate id "+quote(k.ID)+" (also conferences["+strconv.Itoa(j)+"])")
		} else {
			confs[k.ID] = i
		}
		if k.Date.IsZero() {
			add(p+".date", "required")
		}
		switch k.Kind {
		case KindSupervision:
			if k.Supervisor == "" {
				add(p+".supervisor", "required for a supervision conference")
			} else {
				ref(p+".supervisor", k.Supervisor, RoleSupervisor)
			}
			if k.Worker == "" {
				add(p+".worker", "required for a supervision conference")
			} else {
				ref(p+".worker", k.Worker, RoleWorker)
			}
			if k.CaseworkSupervisor != "" {
				add(p+".casework_supervisor", "only a casework_review has a casework supervisor")
			}
		case KindCaseworkReview:
			if k.CaseworkSupervisor == "" {
				add(p+".casework_supervisor", "required for a casework_review")
			} else {
				ref(p+".casework_supervisor", k.CaseworkSupervisor, RoleCaseworkSupervisor)
			}
			if k.Supervisor == "" {
				add(p+".supervisor", "required for a casework_review")
			} else {
				ref(p+".supervisor", k.Supervisor, RoleSupervisor)
			}
			if k.Worker != "" { // a casework supervisor may invite a worker (seed 001)
				ref(p+".worker", k.Worker, RoleWorker)
			}
		case "":
			add(p+".kind", "required (supervision or casework_review)")
		default:
			add(p+".kind", quote(k.Kind)+" is not a conference kind (want supervision or casework_review)")
		}
		seen := make(map[string]bool, len(k.Cases))
		for j, id := range k.Cases {
			q := index(p+".cases", j)
			switch _, ok := cases[id]; {
			case id == "":
				add(q, "empty case id")
			case !ok:
				add(q, "no case "+quote(id))
			case seen[id]:
				add(q, "case "+quote(id)+" listed twice")
			}
			seen[id] = true
		}
		if !k.Shared.IsZero() && !k.Date.IsZero() && k.Shared.Before(k.Date) {
			add(p+".shared", k.Shared.String()+" is before the conference date "+k.Date.String())
		}
	}

	for i, e := range f.Events {
		p := index("events", i)
		if e.Case == "" {
			add(p+".case", "required")
		} else if _, ok := cases[e.Case]; !ok {
			add(p+".case", "no case "+quote(e.Case))
		}
		switch {
		case e.Kind == "":
			add(p+".kind", "required")
		case !isEventKind(e.Kind):
			add(p+".kind", quote(e.Kind)+" is not an event kind")
		}
		if e.Date.IsZero() {
			add(p+".date", "required")
		}
	}

	requests := make(map[string]int, len(f.Emergent))
	for i, q := range f.Emergent {
		p := index("emergent", i)
		if q.ID == "" {
			add(p+".id", "required")
		} else if j, dup := requests[q.ID]; dup {
			add(p+".id", "duplicate id "+quote(q.ID)+" (also emergent["+strconv.Itoa(j)+"])")
		} else {
			requests[q.ID] = i
		}
		if q.CaseworkSupervisor == "" {
			add(p+".casework_supervisor", "required (the casework supervisor the request is made to)")
		} else {
			ref(p+".casework_supervisor", q.CaseworkSupervisor, RoleCaseworkSupervisor)
		}
		if q.RequestedBy != "" {
			if j, ok := staff[q.RequestedBy]; !ok {
				add(p+".requested_by", "no staff member "+quote(q.RequestedBy))
			} else if r := f.Staff[j].Role; r != RoleSupervisor && r != RoleWorker {
				add(p+".requested_by", quote(q.RequestedBy)+" is a "+r+", not a supervisor or a worker")
			}
		}
		if q.Case != "" {
			if _, ok := cases[q.Case]; !ok {
				add(p+".case", "no case "+quote(q.Case))
			}
		}
		if q.Made.IsZero() {
			add(p+".made", "required")
		} else if !q.Held.IsZero() && q.Held.Before(q.Made) {
			add(p+".held", q.Held.String()+" is before the day the request was made "+q.Made.String())
		}
	}

	for i, r := range f.MVRReviews {
		p := index("mvr_reviews", i)
		if r.Worker == "" {
			add(p+".worker", "required")
		} else {
			ref(p+".worker", r.Worker, RoleWorker)
		}
		if r.Supervisor != "" {
			ref(p+".supervisor", r.Supervisor, RoleSupervisor)
		}
		if r.Date.IsZero() {
			add(p+".date", "required")
		}
	}
	return errs
}
