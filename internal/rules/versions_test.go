package rules

import (
	"strings"
	"testing"
)

// An uploaded version takes effect on its date; earlier dates keep the
// version in force then; the comparison names what changed, rule by rule.
func TestUploadedVersion(t *testing.T) {
	file := withChange(t, "case.assignment", "business_days = 2", "business_days = 3")
	if _, problems := ReadVersion("tx-dfps", MustDate("2026-12-01"), file); len(problems) != 1 || problems[0].Field != "id" {
		t.Fatalf("another profile's file: %v", problems)
	}
	if _, problems := ReadVersion(DefaultProfile, MustDate("2027-01-04"), file); len(problems) != 1 || problems[0].Field != "effective" {
		t.Fatalf("the file's own date differs: %v", problems)
	}
	file = []byte(strings.Replace(string(file), "effective = 2026-12-01\n", "effective = 2027-01-04\n", 1))
	v, problems := ReadVersion(DefaultProfile, MustDate("2027-01-04"), file)
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	nj, _ := LookupProfile(DefaultProfile)
	p := nj.WithVersions([]Version{v})
	if len(p.Versions) != 4 || len(nj.Versions) != 3 {
		t.Fatalf("versions: %d (built-in %d)", len(p.Versions), len(nj.Versions))
	}
	f := Facts{AsOf: MustDate("2027-01-08"), HolidaysSet: true, Policy: p, Profile: DefaultProfile,
		Cases: []Case{{ID: "c-1", Received: MustDate("2026-12-28")}, {ID: "c-2", Received: MustDate("2027-01-06")}}}
	res, err := Evaluate(f, Options{})
	if err != nil {
		t.Fatal(err)
	}
	due := map[string]string{}
	for _, o := range res.Obligations {
		due[o.Subject] = o.Due.String()
	}
	// Received before the change: the obligation is evaluated as of the
	// date with the version in force then (three days); a case received
	// Mon 12-28 is due Thu 12-31 under it.
	if due["c-1"] != "2026-12-31" || due["c-2"] != "2027-01-11" {
		t.Errorf("as of 2027-01-08: %v", due)
	}
	f.AsOf = MustDate("2027-01-01")
	res, _ = Evaluate(f, Options{})
	if res.Version().Effective != MustDate("2026-12-01") || len(res.Obligations) != 1 || res.Obligations[0].Due.String() != "2026-12-30" {
		t.Errorf("as of 2027-01-01 (before the upload takes effect): version %s, %+v", res.Version().Effective, res.Obligations)
	}
	// A second upload the same day replaces the first from that day.
	v2, _ := ReadVersion(DefaultProfile, MustDate("2027-01-04"), []byte(strings.Replace(string(file), "business_days = 3", "business_days = 4", 1)))
	if r, _ := p.WithVersions([]Version{v2}).Latest().Rule("case.assignment"); r.Due.BusinessDays != 4 || len(p.WithVersions([]Version{v2}).Versions) != 4 {
		t.Errorf("same-day upload: %+v", r.Due)
	}

	changes := Compare(nj.Latest(), &v)
	var changed []string
	for _, c := range changes {
		if c.Kind != ChangeSame {
			changed = append(changed, c.What)
			for _, fc := range c.Fields {
				if fc.Before != fc.After && (!strings.Contains(fc.Before, "2 business days") || !strings.Contains(fc.After, "3 business days")) {
					t.Errorf("%s %s: %q -> %q", c.What, fc.Field, fc.Before, fc.After)
				}
			}
		}
	}
	if strings.Join(changed, ",") != "Case assigned" {
		t.Errorf("changed: %v", changed)
	}
	if len(changes) != 4+26 {
		t.Errorf("%d lines", len(changes))
	}
	// Removing a rule and adding one show as such.
	other, _ := LookupProfile("policy-46100")
	kinds := map[string]int{}
	for _, c := range Compare(nj.Latest(), other.Latest()) {
		kinds[c.Kind]++
	}
	if kinds[ChangeRemoved] != 23 || kinds[ChangeChanged] < 2 {
		t.Errorf("kinds: %v", kinds)
	}
}
