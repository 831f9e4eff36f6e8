package rules

import (
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
)

// Decode reads facts (version 1 of the contract) from JSON. Unknown fields
// are ignored; optional fields may be absent or null. It validates
// everything (see Validate) and returns every problem found, each naming its
// field; the Facts are only meaningful when no problem is returned. Decode
// never panics, whatever the bytes.
//
// A missing as_of or profile is not a problem here: the caller may supply
// them (the command line's --as-of and --profile); Evaluate requires an
// as_of.
func Decode(data []byte) (Facts, []FieldError) {
	var f Facts
	d := &decoder{}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		var se *json.SyntaxError
		switch {
		case strings.TrimSpace(string(data)) == "":
			d.add("facts", "empty input (want a JSON object)")
		case errors.As(err, &se):
			d.add("facts", "not valid JSON at byte "+strconv.FormatInt(se.Offset, 10)+": "+se.Error())
		default:
			d.add("facts", "want a JSON object")
		}
		return f, d.errs
	}
	if top == nil {
		d.add("facts", "want a JSON object, got null")
		return f, d.errs
	}
	f.AsOf = d.date("as_of", top["as_of"])
	f.Profile = d.str("profile", top["profile"])
	if raw, ok := top["holidays"]; ok && !isNull(raw) {
		f.HolidaysSet = true
		f.Holidays = []Date{}
		for i, r := range d.array("holidays", raw) {
			p := index("holidays", i)
			if isNull(r) {
				d.add(p, "want a date (YYYY-MM-DD), got null")
				continue
			}
			f.Holidays = append(f.Holidays, d.date(p, r))
		}
	}
	for i, r := range d.array("staff", top["staff"]) {
		p := index("staff", i)
		o := d.object(p, r)
		f.Staff = append(f.Staff, Staff{
			ID:              d.str(p+".id", o["id"]),
			Role:            d.str(p+".role", o["role"]),
			Name:            d.str(p+".name", o["name"]),
			ReportsTo:       d.str(p+".reports_to", o["reports_to"]),
			Since:           d.date(p+".since", o["since"]),
			ExperienceStart: d.date(p+".experience_start", o["experience_start"]),
		})
	}
	for i, r := range d.array("cases", top["cases"]) {
		p := index("cases", i)
		o := d.object(p, r)
		c := Case{
			ID:                 d.str(p+".id", o["id"]),
			Worker:             d.str(p+".worker", o["worker"]),
			Received:           d.date(p+".received", o["received"]),
			Assigned:           d.date(p+".assigned", o["assigned"]),
			FirstAssigned:      d.date(p+".first_assigned", o["first_assigned"]),
			Setting:            d.str(p+".setting", o["setting"]),
			PlacementDate:      d.date(p+".placement_date", o["placement_date"]),
			SCRAssigned:        d.date(p+".scr_assigned", o["scr_assigned"]),
			Goal:               d.str(p+".goal", o["goal"]),
			CourtNext:          d.date(p+".court_next", o["court_next"]),
			Closing:            d.date(p+".closing", o["closing"]),
			Closed:             d.date(p+".closed", o["closed"]),
			SafetyPlanStart:    d.date(p+".safety_plan_start", o["safety_plan_start"]),
			SafetyPlanEnd:      d.date(p+".safety_plan_end", o["safety_plan_end"]),
			SiblingsApartStart: d.date(p+".siblings_apart_start", o["siblings_apart_start"]),
			SiblingsApartEnd:   d.date(p+".siblings_apart_end", o["siblings_apart_end"]),
		}
		for j, rr := range d.array(p+".mvr", o["mvr"]) {
			q := index(p+".mvr", j)
			mo := d.object(q, rr)
			c.MVR = append(c.MVR, MVREntry{
				From:     d.date(q+".from", mo["from"]),
				Child:    d.count(q+".child", mo["child"]),
				Parents:  d.count(q+".parents", mo["parents"]),
				Provider: d.count(q+".provider", mo["provider"]),
			})
		}
		for j, rr := range d.array(p+".risk", o["risk"]) {
			q := index(p+".risk", j)
			ro := d.object(q, rr)
			c.Risk = append(c.Risk, RiskEntry{
				Level: d.str(q+".level", ro["level"]),
				From:  d.date(q+".from", ro["from"]),
			})
		}
		f.Cases = append(f.Cases, c)
	}
	for i, r := range d.array("conferences", top["conferences"]) {
		p := index("conferences", i)
		o := d.object(p, r)
		k := Conference{
			ID:                 d.str(p+".id", o["id"]),
			Kind:               d.str(p+".kind", o["kind"]),
			Date:               d.date(p+".date", o["date"]),
			Supervisor:         d.str(p+".supervisor", o["supervisor"]),
			Worker:             d.str(p+".worker", o["worker"]),
			CaseworkSupervisor: d.str(p+".casework_supervisor", o["casework_supervisor"]),
			Shared:             d.date(p+".shared", o["shared"]),
		}
		for j, rr := range d.array(p+".cases", o["cases"]) {
			q := index(p+".cases", j)
			if isNull(rr) {
				d.add(q, "want a case id, got null")
			}
			k.Cases = append(k.Cases, d.str(q, rr))
		}
		f.Conferences = append(f.Conferences, k)
	}
	for i, r := range d.array("events", top["events"]) {
		p := index("events", i)
		o := d.object(p, r)
		f.Events = append(f.Events, Event{
			Case: d.str(p+".case", o["case"]),
			Kind: d.str(p+".kind", o["kind"]),
			Date: d.date(p+".date", o["date"]),
		})
	}
	for i, r := range d.array("emergent", top["emergent"]) {
		p := index("emergent", i)
		o := d.object(p, r)
		f.Emergent = append(f.Emergent, EmergentRequest{
			ID:                 d.str(p+".id", o["id"]),
			Case:               d.str(p+".case", o["case"]),
			RequestedBy:        d.str(p+".requested_by", o["requested_by"]),
			CaseworkSupervisor: d.str(p+".casework_supervisor", o["casework_supervisor"]),
			Made:               d.date(p+".made", o["made"]),
			AfterClosing:       d.boolean(p+".after_closing", o["after_closing"]),
			Held:               d.date(p+".held", o["held"]),
		})
	}
	for i, r := range d.array("mvr_reviews", top["mvr_reviews"]) {
		p := index("mvr_reviews", i)
		o := d.object(p, r)
		f.MVRReviews = append(f.MVRReviews, MVRReview{
			Worker:     d.str(p+".worker", o["worker"]),
			Supervisor: d.str(p+".supervisor", o["supervisor"]),
			Date:       d.date(p+".date", o["date"]),
		})
	}
	errs := d.errs
	// Validation problems about a field that could not be decoded would
	// only repeat the decoding problem.
	for _, e := range Validate(f) {
		if !d.covers(e.Path) {
			errs = append(errs, e)
		}
	}
	sortErrors(errs)
	return f, errs
}

type decoder struct {
	errs []FieldError
}

func (d *decoder) add(path, msg string) { d.errs = append(d.errs, FieldError{Path: path, Msg: msg}) }

// covers reports whether a decoding problem was found at path or at a field
// containing it.
func (d *decoder) covers(path string) bool {
	for _, e := range d.errs {
		if e.Path == path || strings.HasPrefix(path, e.Path+".") || strings.HasPrefix(path, e.Path+"[") {
			return true
		}
	}
	return false
}

func index(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

func isNull(raw json.RawMessage) bool { return len(raw) == 0 || string(raw) == "null" }

func jsonType(raw json.RawMessage) string {
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '"':
		return "a string"
	case '{':
		return "an object"
	case '[':
		return "an array"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

func (d *decoder) str(path string, raw json.RawMessage) string {
	if isNull(raw) {
		return ""
	}
	var s string
	if raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
		d.add(path, "want a string, got "+jsonType(raw))
		return ""
	}
	return s
}

// boolean reads true or false (absent or null: false).
func (d *decoder) boolean(path string, raw json.RawMessage) bool {
	switch string(raw) {
	case "", "null", "false":
		return false
	case "true":
		return true
	}
	d.add(path, "want true or false, got "+jsonType(raw))
	return false
}

// count reads a number of visits a month: a whole number 0 to 31 (absent:
// 0).
func (d *decoder) count(path string, raw json.RawMessage) int {
	if isNull(raw) {
		return 0
	}
	var n int
	if json.Unmarshal(raw, &n) != nil || n < 0 || n > 31 {
		d.add(path, "want a whole number of visits a month (0 to 31), got "+string(raw))
		return 0
	}
	return n
}

func (d *decoder) date(path string, raw json.RawMessage) Date {
	if isNull(raw) {
		return Date{}
	}
	var s string
	if raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
		d.add(path, "want a date string (YYYY-MM-DD), got "+jsonType(raw))
		return Date{}
	}
	t, err := ParseDate(s)
	if err != nil {
		d.add(path, quote(s)+" is not a date (want YYYY-MM-DD)")
		return Date{}
	}
	return t
}

func (d *decoder) array(path string, raw json.RawMessage) []json.RawMessage {
	if isNull(raw) {
		return nil
	}
	var a []json.RawMessage
	if raw[0] != '[' || json.Unmarshal(raw, &a) != nil {
		d.add(path, "want an array, got "+jsonType(raw))
		return nil
	}
	return a
}

func (d *decoder) object(path string, raw json.RawMessage) map[string]json.RawMessage {
	var o map[string]json.RawMessage
	if isNull(raw) || raw[0] != '{' || json.Unmarshal(raw, &o) != nil {
		d.add(path, "want an object, got "+jsonType(raw))
		return nil
	}
	return o
}

// quote quotes a value for an error message, shortening a long one.
func quote(s string) string {
	if len(s) > 40 {
		r := []rune(s)
		if len(r) > 40 {
			return strconv.Quote(string(r[:40])) + "..."
		}
	}
	return strconv.Quote(s)
}

var sectionRank = map[string]int{
	"facts": 0, "as_of": 1, "profile": 2, "holidays": 3, "staff": 4,
	"cases": 5, "conferences": 6, "events": 7, "emergent": 8, "mvr_reviews": 9,
}

// sortErrors orders problems by where they occur in the input: section,
// then element index; problems within one element keep their order.
func sortErrors(errs []FieldError) {
	key := func(p string) (int, int) {
		name := p
		if i := strings.IndexAny(p, ".["); i >= 0 {
			name = p[:i]
		}
		r, ok := sectionRank[name]
		if !ok {
			r = len(sectionRank)
		}
		idx := -1
		if strings.HasPrefix(p[len(name):], "[") {
			if j := strings.IndexByte(p, ']'); j > len(name) {
				if n, err := strconv.Atoi(p[len(name)+1 : j]); err == nil {
					idx = n
				}
			}
		}
		return r, idx
	}
	slices.SortStableFunc(errs, func(a, b FieldError) int {
		ra, ia := key(a.Path)
		rb, ib := key(b.Path)
		if ra != rb {
			return ra - rb
		}
		return ia - ib
	})
}
