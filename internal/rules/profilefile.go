package rules

import (
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/pelletier/go-toml/v2/unstable"
)

// The profile file format: see docs/rules.md, "Profile files". One file is
// one version of a profile: its rules, discussion checklist, documentation
// deadline, holiday calendar and year, in force from its effective date.
// [[earlier]] blocks name the earlier versions whose rules were the same.

// Year definitions: how a yearly count's year runs.
const (
	YearCalendar = "calendar" // 1 January to 31 December
	YearFiscal   = "fiscal"   // from the first of year_start_month, twelve months
)

var yearDefinitions = []string{YearCalendar, YearFiscal}

var (
	ruleIDPattern = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$`)
	keyPattern    = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
)

// maxProfileFile bounds a profile file's size.
const maxProfileFile = 1 << 20

// ParseProfile reads a profile file. It returns every problem found, each
// with its line and field; the versions are nil when there is any.
func ParseProfile(data []byte) (*Profile, []ProfileError) {
	if len(data) > maxProfileFile {
		return nil, []ProfileError{{Msg: "the file is larger than " + strconv.Itoa(maxProfileFile>>10) + " KiB"}}
	}
	root, errs := parseTOML(data)
	if len(errs) > 0 {
		return nil, errs
	}
	top := newFields(root, "", &errs)
	p := &Profile{}
	p.ID = top.str("id", true)
	if p.ID != "" && !keyPatternDash.MatchString(p.ID) {
		top.fail(top.line("id"), "id", strconv.Quote(p.ID)+" must be lower-case letters, digits and dashes, like \"nj-cpp\"")
	}
	p.Name = top.str("name", true)
	v := Version{File: slices.Clone(data)}
	v.Effective = top.date("effective")
	v.Changes = top.strs("changes", true)
	v.DocumentationDays = top.num("documentation_business_days", 1, 30)
	if !top.has("documentation_business_days") {
		top.get("documentation_business_days", true)
	}
	v.Year = top.oneOf("year", true, yearDefinitions)
	v.YearStart = 1
	switch {
	case v.Year == YearFiscal && !top.has("year_start_month"):
		top.fail(top.line("year"), "year_start_month", "required with year = \"fiscal\": the month the year starts on the first of (9: 1 September)")
	case v.Year == YearFiscal:
		v.YearStart = top.num("year_start_month", 2, 12)
	case top.has("year_start_month"):
		top.get("year_start_month", false)
		top.fail(top.line("year_start_month"), "year_start_month", "only a fiscal year has a start month (the calendar year starts in January)")
	}

	var earlier []Version
	var earlierRules [][]Rule     // each earlier version's [[earlier.rule]] blocks
	var earlierWithout [][]string // and the rules of the later versions it did not have
	for i, t := range top.tables("earlier") {
		ef := newFields(t, "earlier["+strconv.Itoa(i)+"]", &errs)
		e := Version{Effective: ef.date("effective"), Changes: ef.strs("changes", true)}
		if !ef.has("effective") {
			ef.get("effective", true)
		}
		var own []Rule
		seen := map[string]bool{}
		for j, rt := range ef.tables("rule") {
			r := readRule(rt, j, &errs)
			if seen[r.ID] {
				errs = append(errs, ProfileError{Line: rt.line, Field: "earlier[" + strconv.Itoa(i) + "]." + ruleField(j, r.ID) + ".id", Msg: "rule id given twice in this earlier version"})
			}
			seen[r.ID] = true
			own = append(own, r)
		}
		earlierRules = append(earlierRules, own)
		earlierWithout = append(earlierWithout, ef.strs("without_rules", false))
		ef.done()
		if !e.Effective.IsZero() && (v.Effective.IsZero() || !e.Effective.Before(v.Effective)) {
			ef.fail(ef.line("effective"), "effective", "must be before the file's own effective date")
		}
		if i > 0 && !earlier[i-1].Effective.IsZero() && !e.Effective.IsZero() && !earlier[i-1].Effective.Before(e.Effective) {
			ef.fail(ef.line("effective"), "effective", "earlier versions go oldest first")
		}
		earlier = append(earlier, e)
	}

	if cf := top.table("calendar", "calendar"); cf != nil {
		v.CalendarName = cf.str("name", true)
		spec := cf.strs("holidays", false)
		v.Holidays = spec
		cal, problems := calendarFrom(spec)
		for _, pr := range problems {
			cf.fail(cf.line("holidays"), "holidays", pr)
		}
		v.Calendar = cal
		cf.done()
	} else {
		top.fail(1, "calendar", "required: a [calendar] table with name and holidays")
	}

	v.Checklist = readChecklist(top, "checklist", &errs, true)
	v.ReviewTopics = readChecklist(top, "review_topic", &errs, false)
	v.ReviewChecklist = readChecklist(top, "review_checklist", &errs, false)
	v.PersonnelFile = readPersonnelFile(top, &errs)

	ruleTables := top.tables("rule")
	if len(ruleTables) == 0 && !top.has("rule") {
		top.fail(0, "rule", "a profile needs at least one [[rule]] block")
	}
	seen := map[string]int{}
	for i, t := range ruleTables {
		r := readRule(t, i, &errs)
		if r.ID != "" {
			if first, dup := seen[r.ID]; dup {
				errs = append(errs, ProfileError{Line: t.line, Field: ruleField(i, r.ID) + ".id", Msg: "rule id given twice (first on line " + strconv.Itoa(first) + ")"})
			}
			seen[r.ID] = t.line
		}
		v.Rules = append(v.Rules, r)
	}
	top.done()
	if len(errs) > 0 {
		sortProblems(errs)
		return nil, errs
	}
	v.index()
	// Each earlier version has the rules of the version after it, with its
	// own [[earlier.rule]] blocks in place of the rules of the same id (or
	// added, for a rule removed since).
	versions := make([]Version, len(earlier), len(earlier)+1)
	next := v.Rules
	for i := len(earlier) - 1; i >= 0; i-- {
		e := v
		e.Effective, e.Changes = earlier[i].Effective, earlier[i].Changes
		if len(earlierRules[i]) > 0 || len(earlierWithout[i]) > 0 {
			e.Rules = slices.DeleteFunc(slices.Clone(next), func(x Rule) bool { return slices.Contains(earlierWithout[i], x.ID) })
			for _, r := range earlierRules[i] {
				if j := slices.IndexFunc(e.Rules, func(x Rule) bool { return x.ID == r.ID }); j >= 0 {
					e.Rules[j] = r
				} else {
					e.Rules = append(e.Rules, r)
				}
			}
			e.index()
		} else {
			e.Rules = next
			e.byID = nil
			e.index()
		}
		next = e.Rules
		versions[i] = e
	}
	p.Versions = append(versions, v)
	p.latest()
	return p, nil
}

var keyPatternDash = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)

func sortProblems(errs []ProfileError) {
	slices.SortStableFunc(errs, func(a, b ProfileError) int { return a.Line - b.Line })
}

func readChecklist(top *fields, key string, errs *[]ProfileError, required bool) []ChecklistItem {
	ts := top.tables(key)
	if required && len(ts) == 0 && !top.has(key) {
		top.fail(0, key, "a profile needs its discussion checklist: [["+key+"]] blocks")
	}
	var out []ChecklistItem
	seen := map[string]bool{}
	for i, t := range ts {
		f := newFields(t, key+"["+strconv.Itoa(i)+"]", errs)
		it := ChecklistItem{ID: f.str("key", true), Label: f.str("label", true), Hint: f.str("hint", false), Source: f.str("source", true)}
		if it.ID != "" && !keyPattern.MatchString(it.ID) {
			f.fail(f.line("key"), "key", strconv.Quote(it.ID)+" must be lower-case letters, digits and underscores (it keys the stored discussion)")
		}
		if seen[it.ID] {
			f.fail(f.line("key"), "key", strconv.Quote(it.ID)+" given twice")
		}
		seen[it.ID] = true
		f.done()
		out = append(out, it)
	}
	return out
}

func ruleField(i int, id string) string {
	if id != "" {
		return "rule " + strconv.Quote(id)
	}
	return "rule[" + strconv.Itoa(i) + "]"
}

var subjectNames = []string{string(SubjectCase), string(SubjectWorker), string(SubjectSupervisor), string(SubjectConference), string(SubjectCaseworkSupervisor)}

// readRule reads one [[rule]] block.
func readRule(t *ttable, i int, errs *[]ProfileError) Rule {
	f := newFields(t, "rule["+strconv.Itoa(i)+"]", errs)
	var r Rule
	if v, ok := t.vals["id"]; ok && v.kind == unstable.String && strings.TrimSpace(v.s) != "" {
		f.path = ruleField(i, strings.TrimSpace(v.s))
	}
	r.ID = f.str("id", true)
	if r.ID != "" && !ruleIDPattern.MatchString(r.ID) {
		f.fail(f.line("id"), "id", strconv.Quote(r.ID)+" must be lower-case words joined by dots, like \"placement.child_seen\"")
	}
	r.Label = f.str("label", true)
	for _, tag := range f.strs("tags", false) {
		tg, ok := tagByName(tag)
		if !ok {
			f.fail(f.line("tags"), "tags", strconv.Quote(tag)+" is not one of "+strings.Join(TagNames(), ", "))
			continue
		}
		r.Tags |= tg
	}
	r.Subject = Subject(f.oneOf("subject", true, subjectNames))
	r.Scope = readScope(f, r.Subject)
	r.Owed = f.str("owed", true)
	r.Done = f.str("done", true)
	r.Source = f.str("source", true)
	r.Counts = readCounts(f, r.Subject)
	r.Due = readCadence(f, r.Subject, false)
	if r.Due.Kind == Once && r.Counts.Window > 0 && r.Due.Or != nil {
		f.fail(f.line("or"), "or", "a rule counting a window before its anchor has one anchor only")
	}
	if r.Counts.BeforeDue > 0 && r.Due.Kind != Once && r.Due.Kind != "" {
		f.fail(f.line("satisfied_by"), "satisfied_by.from_days_before_due", "from_days_before_due needs a one-time rule (cadence = \"once\")")
	}
	if fy := f.table("first_year", f.path+".first_year"); fy != nil {
		if r.Subject != SubjectWorker {
			f.fail(fy.t.line, "first_year", "only a worker's rule has a first-year variant")
		}
		vr := &Variant{Owed: fy.str("owed", true), Source: fy.str("source", true)}
		vr.Due = readCadence(fy, r.Subject, true)
		fy.done()
		r.FirstYear = vr
	}
	f.done()
	return r
}

// scopeNames are the words of applies_to, each a condition the subject must
// meet (all of them).
var scopeNames = []struct {
	name     string
	flag     Scope
	subjects []Subject
}{
	{"assigned", ScopeAssigned, []Subject{SubjectCase}},
	{"in_home", ScopeInHome, []Subject{SubjectCase}},
	{"out_of_home", ScopeOutOfHome, []Subject{SubjectCase}},
	{"placed", ScopePlaced, []Subject{SubjectCase}},
	{"high_risk", ScopeHighRisk, []Subject{SubjectCase}},
	{"received", ScopeReceived, []Subject{SubjectCase}},
	{"closing", ScopeClosing, []Subject{SubjectCase}},
	{"mvr", ScopeMVR, []Subject{SubjectCase}},
	{"with_cases", ScopeWithCases, []Subject{SubjectWorker}},
	{"in_post", ScopeInPost, []Subject{SubjectWorker, SubjectSupervisor}},
	{"safety_plan", ScopeSafetyPlan, []Subject{SubjectCase}},
	{"goal_reunification", ScopeGoalReunification, []Subject{SubjectCase}},
	{"goal_other", ScopeGoalOther, []Subject{SubjectCase}},
	{"mvr_set", ScopeMVRSet, []Subject{SubjectCase}},
	{"siblings_apart", ScopeSiblingsApart, []Subject{SubjectCase}},
	{"with_visit_plans", ScopeWithVisitPlans, []Subject{SubjectWorker}},
	{"not_placed_for_reunification", ScopeNotPlacedForReunification, []Subject{SubjectCase}},
}

// ScopeNames returns the words of a scope, in the order of scopeNames.
func ScopeNames(s Scope) []string {
	var out []string
	for _, n := range scopeNames {
		if s&n.flag != 0 {
			out = append(out, n.name)
		}
	}
	return out
}

func readScope(f *fields, subj Subject) Scope {
	var s Scope
	for _, w := range f.strs("applies_to", false) {
		found := false
		for _, n := range scopeNames {
			if n.name != w {
				continue
			}
			found = true
			if subj != "" && !slices.Contains(n.subjects, subj) {
				f.fail(f.line("applies_to"), "applies_to", strconv.Quote(w)+" does not apply to a "+string(subj)+" rule")
			}
			s |= n.flag
		}
		if !found {
			var known []string
			for _, n := range scopeNames {
				if subj == "" || slices.Contains(n.subjects, subj) {
					known = append(known, n.name)
				}
			}
			f.fail(f.line("applies_to"), "applies_to", strconv.Quote(w)+" is not one of "+strings.Join(known, ", "))
		}
	}
	return s
}

// readCounts reads satisfied_by: which facts satisfy the rule.
func readCounts(f *fields, subj Subject) Counts {
	var c Counts
	sf := f.table("satisfied_by", f.path+".satisfied_by")
	if sf == nil {
		f.get("satisfied_by", true)
		return c
	}
	c.Conference = sf.oneOf("conference", false, []string{KindSupervision, KindCaseworkReview})
	for _, e := range sf.strs("events", false) {
		if eventKindIndex(e) < 0 {
			sf.fail(sf.line("events"), "events", strconv.Quote(e)+" is not an event kind ("+strings.Join(eventKinds[:], ", ")+")")
			continue
		}
		c.Events = append(c.Events, e)
	}
	c.From = Anchor(sf.oneOf("from", false, anchorsOf(SubjectCase)))
	c.Window = sf.num("window_days", 1, 366)
	c.BeforeDue = sf.num("from_days_before_due", 1, 366)
	c.Each = sf.flag("each")
	if c.Each && len(c.Events)+min(len(c.Conference), 1) < 2 {
		sf.fail(sf.line("each"), "each", "each = true needs two or more events (or events and a conference), every one of them required")
	}
	switch sf.oneOf("met_on", false, []string{"assigned", "shared", "answered", "mvr_review"}) {
	case "assigned":
		c.Assigned = true
	case "shared":
		c.Shared = true
	case "answered":
		c.Answered = true
	case "mvr_review":
		c.MVRReview = true
	}
	n := 0
	// An emergent request is held by a casework review or by a recorded
	// answer: conference and met_on = "answered" together are one.
	conf := c.Conference != "" && !(c.Each && subj == SubjectCase) && !c.Answered
	for _, set := range []bool{conf, len(c.Events) > 0, c.Assigned, c.Shared, c.Answered, c.MVRReview} {
		if set {
			n++
		}
	}
	switch {
	case n == 0 && sf.has("events"):
	case n == 0:
		sf.fail(sf.t.line, "", "name what satisfies the rule: conference, events or met_on")
	case n > 1:
		sf.fail(sf.t.line, "", "give one of conference, events and met_on")
	}
	switch {
	case (len(c.Events) > 0 || c.Assigned) && subj != SubjectCase && subj != "":
		sf.fail(sf.t.line, "", "events and met_on = \"assigned\" satisfy case rules only")
	case c.Shared && subj != SubjectConference && subj != "":
		sf.fail(sf.t.line, "met_on", "met_on = \"shared\" satisfies conference rules only")
	case c.Answered && subj != SubjectCaseworkSupervisor && subj != "":
		sf.fail(sf.t.line, "met_on", "met_on = \"answered\" satisfies casework_supervisor rules only")
	case c.MVRReview && subj != SubjectWorker && subj != "":
		sf.fail(sf.t.line, "met_on", "met_on = \"mvr_review\" satisfies worker rules only")
	case subj == SubjectCaseworkSupervisor && !c.Answered:
		sf.fail(sf.t.line, "met_on", "a casework_supervisor rule is met on the answer: met_on = \"answered\"")
	case c.Conference == KindSupervision && subj == SubjectCaseworkSupervisor:
		sf.fail(sf.line("conference"), "conference", "a casework_supervisor rule counts casework_review conferences")
	case c.Conference == KindSupervision && subj == SubjectSupervisor:
		sf.fail(sf.line("conference"), "conference", "a supervisor's rule counts casework_review conferences")
	case c.Conference == KindCaseworkReview && subj == SubjectWorker:
		sf.fail(sf.line("conference"), "conference", "a worker's rule counts supervision conferences")
	}
	if (c.From != "" || c.Window > 0) && subj != SubjectCase && subj != "" {
		sf.fail(sf.t.line, "", "from and window_days apply to case rules only")
	}
	if c.From != "" && c.Window > 0 {
		sf.fail(sf.line("window_days"), "window_days", "give from or window_days, not both")
	}
	if c.BeforeDue > 0 && subj != SubjectCase && subj != "" {
		sf.fail(sf.line("from_days_before_due"), "from_days_before_due", "from_days_before_due applies to case rules only")
	}
	if c.BeforeDue > 0 && c.Window > 0 {
		sf.fail(sf.line("from_days_before_due"), "from_days_before_due", "give window_days or from_days_before_due, not both")
	}
	sf.done()
	return c
}

// PersonnelFile is what a profile's [personnel_file] table asks of a
// supervision conference: the supervisor's evaluation of the caseworker's
// abilities, each rated on the profile's scale with a note, and steps with
// time frames to bring a standard (case contacts, case documentation) to
// standard; filed in the caseworker's personnel file when the record is
// signed (docs/rules.md, "Personnel file"). A profile without the table
// asks for none of it.
type PersonnelFile struct {
	Source    string   // policy citation
	Abilities []Choice // evaluated at each conference, in the policy's order
	Ratings   []Choice // the scale each ability is rated on, best first
	Standards []Choice // what a step brings to standard
}

// Choice is one item of a profile's list: a stable key (stored) and the
// words a page shows.
type Choice struct {
	Key, Label string
}

// Label returns the words of the choice with the key, "" for none.
func choiceLabel(cs []Choice, key string) string {
	for _, c := range cs {
		if c.Key == key {
			return c.Label
		}
	}
	return ""
}

// AbilityLabel, RatingLabel and StandardLabel return the words of a key.
func (p *PersonnelFile) AbilityLabel(key string) string  { return choiceLabel(p.Abilities, key) }
func (p *PersonnelFile) RatingLabel(key string) string   { return choiceLabel(p.Ratings, key) }
func (p *PersonnelFile) StandardLabel(key string) string { return choiceLabel(p.Standards, key) }

// readPersonnelFile reads the optional [personnel_file] table.
func readPersonnelFile(top *fields, errs *[]ProfileError) *PersonnelFile {
	pf := top.table("personnel_file", "personnel_file")
	if pf == nil {
		return nil
	}
	out := &PersonnelFile{Source: pf.str("source", true)}
	out.Abilities = readChoices(pf, "ability", errs)
	out.Ratings = readChoices(pf, "rating", errs)
	out.Standards = readChoices(pf, "standard", errs)
	pf.done()
	return out
}

// readChoices reads the [[personnel_file.<key>]] blocks, at least one, each
// with a key and a label.
func readChoices(pf *fields, key string, errs *[]ProfileError) []Choice {
	ts := pf.tables(key)
	if len(ts) == 0 && !pf.has(key) {
		pf.fail(pf.t.line, key, "required: [[personnel_file."+key+"]] blocks, each with key and label")
	}
	var out []Choice
	seen := map[string]bool{}
	for i, t := range ts {
		f := newFields(t, pf.path+"."+key+"["+strconv.Itoa(i)+"]", errs)
		c := Choice{Key: f.str("key", true), Label: f.str("label", true)}
		if c.Key != "" && !keyPattern.MatchString(c.Key) {
			f.fail(f.line("key"), "key", strconv.Quote(c.Key)+" must be lower-case letters, digits and underscores (it keys what is stored)")
		}
		if seen[c.Key] {
			f.fail(f.line("key"), "key", strconv.Quote(c.Key)+" given twice")
		}
		seen[c.Key] = true
		f.done()
		out = append(out, c)
	}
	return out
}

// PersonnelFileOf returns what the profile in force for a conference held
// on the day asks for the caseworker's personnel file; nil when it asks
// for nothing (an unknown profile asks for nothing either).
func PersonnelFileOf(profile string, held Date) *PersonnelFile {
	p, ok := LookupProfile(profile)
	if !ok {
		return nil
	}
	v, ok := p.VersionAt(held)
	if !ok {
		v = p.Latest()
	}
	return v.PersonnelFile
}
