package rules

import (
	"slices"
	"strings"
)

// Uploaded versions: an agency's administrator uploads a profile file with
// an effective date; it takes over from that date, and earlier dates keep
// the version in force then.

// WithVersions returns a copy of the profile with the uploaded versions
// added, in upload order: each takes effect on its Effective date (which
// must be set), replacing a version effective the same day. The profile
// itself is not changed.
func (p *Profile) WithVersions(uploaded []Version) *Profile {
	out := &Profile{ID: p.ID, Name: p.Name, Versions: slices.Clone(p.Versions)}
	for _, u := range uploaded {
		if u.Effective.IsZero() {
			continue
		}
		if u.byID == nil {
			u.index()
		}
		i, found := slices.BinarySearchFunc(out.Versions, u.Effective, func(v Version, d Date) int { return v.Effective.Compare(d) })
		if found {
			out.Versions[i] = u
		} else {
			out.Versions = slices.Insert(out.Versions, i, u)
		}
	}
	out.latest()
	return out
}

// ReadVersion reads an uploaded profile file as one version of the profile
// with the given id, effective on the date: the file's own id must be that
// profile's, and its effective date, if it gives one, that date. Earlier
// versions the file lists ([[earlier]]) are not taken: each upload is one
// version.
func ReadVersion(profile string, effective Date, data []byte) (Version, []ProfileError) {
	p, problems := ParseProfile(data)
	if len(problems) > 0 {
		return Version{}, problems
	}
	v := *p.Latest()
	switch {
	case p.ID != profile:
		problems = append(problems, ProfileError{Line: 1, Field: "id", Msg: "the file is profile " + quote(p.ID) + ", not " + quote(profile)})
	case !v.Effective.IsZero() && v.Effective != effective:
		problems = append(problems, ProfileError{Line: 1, Field: "effective", Msg: "the file says " + v.Effective.String() + ", the upload " + effective.String() + ": make them the same, or remove it from the file"})
	}
	v.Effective = effective
	return v, problems
}

// YearWords says how a yearly count's year runs: "calendar year",
// "fiscal year from 1 September".
func (v *Version) YearWords() string {
	if v.Year != YearFiscal {
		return "calendar year"
	}
	return "fiscal year from 1 " + [...]string{"", "January", "February", "March", "April", "May", "June", "July",
		"August", "September", "October", "November", "December"}[max(min(v.YearStart, 12), 1)]
}

// Change is one line of a comparison of two versions: a rule (by its
// label) or a setting of the profile, and what it was and is, in words.
type Change struct {
	What   string // "Case assigned", "Documentation deadline"
	Kind   string // ChangeAdded, ChangeRemoved, ChangeChanged, ChangeSame
	Fields []FieldChange
}

// FieldChange is one field that differs: its name and both values.
type FieldChange struct {
	Field, Before, After string
}

// Kinds of Change.
const (
	ChangeAdded   = "added"
	ChangeRemoved = "removed"
	ChangeChanged = "changed"
	ChangeSame    = "unchanged"
)

// ruleWords are a rule's fields as a page shows them, in order.
func ruleWords(r *Rule) [][2]string {
	first := "none"
	if r.FirstYear != nil {
		first = r.FirstYear.Owed + "; " + r.FirstYear.Due.Describe() + " (" + r.FirstYear.Source + ")"
	}
	return [][2]string{
		{"Label", r.Label},
		{"Applies to", r.Applies()},
		{"What is owed", r.Owed},
		{"What satisfies it", r.Counts.Describe(r.Subject)},
		{"Due", r.Due.Describe()},
		{"First year", first},
		{"Shown on", strings.Join(r.Tags.Names(), ", ")},
		{"Source", r.Source},
	}
}

func checklistWords(items []ChecklistItem) string {
	var out []string
	for _, it := range items {
		out = append(out, it.Label)
	}
	return strings.Join(out, "; ")
}

// Compare lists what changes from old (nil: nothing before) to new: the
// profile's settings, then each rule of old and new, in new's order and
// then old's removed ones.
func Compare(old, new *Version) []Change {
	var out []Change
	settings := func(v *Version) [][2]string {
		if v == nil {
			return nil
		}
		return [][2]string{
			{"Documentation deadline", plural(v.DocumentationDays, "business day")},
			{"Holiday calendar", v.CalendarName + " (" + strings.Join(v.Holidays, ", ") + ")"},
			{"Year", v.YearWords()},
			{"Discussion checklist", checklistWords(v.Checklist)},
		}
	}
	ns, os := settings(new), settings(old)
	for i, s := range ns {
		c := Change{What: s[0], Kind: ChangeSame}
		switch {
		case old == nil:
			c.Kind = ChangeAdded
			c.Fields = []FieldChange{{Field: s[0], After: s[1]}}
		case os[i][1] != s[1]:
			c.Kind = ChangeChanged
			c.Fields = []FieldChange{{Field: s[0], Before: os[i][1], After: s[1]}}
		default:
			c.Fields = []FieldChange{{Field: s[0], Before: os[i][1], After: s[1]}}
		}
		out = append(out, c)
	}
	for i := range new.Rules {
		r := &new.Rules[i]
		c := Change{What: r.Label}
		var was *Rule
		if old != nil {
			was, _ = old.Rule(r.ID)
		}
		nw := ruleWords(r)
		if was == nil {
			c.Kind = ChangeAdded
			for _, w := range nw {
				c.Fields = append(c.Fields, FieldChange{Field: w[0], After: w[1]})
			}
			out = append(out, c)
			continue
		}
		ow := ruleWords(was)
		c.Kind = ChangeSame
		for j, w := range nw {
			c.Fields = append(c.Fields, FieldChange{Field: w[0], Before: ow[j][1], After: w[1]})
			if ow[j][1] != w[1] {
				c.Kind = ChangeChanged
			}
		}
		out = append(out, c)
	}
	if old != nil {
		for i := range old.Rules {
			r := &old.Rules[i]
			if _, ok := new.Rule(r.ID); ok {
				continue
			}
			c := Change{What: r.Label, Kind: ChangeRemoved}
			for _, w := range ruleWords(r) {
				c.Fields = append(c.Fields, FieldChange{Field: w[0], Before: w[1]})
			}
			out = append(out, c)
		}
	}
	return out
}
