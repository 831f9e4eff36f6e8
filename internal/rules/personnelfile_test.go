package rules

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Texas (CPS 1481): the supervisor evaluates the caseworker's ability to do
// five things, listed as data in the profile file, in the policy's order and
// words; the other profiles ask for no personnel file.
func TestProfilePersonnelFileOfTexasOnly(t *testing.T) {
	pf := PersonnelFileOf("tx-dfps", MustDate("2026-12-01"))
	if pf == nil {
		t.Fatal("tx-dfps asks for no personnel file")
	}
	want := []string{
		"Assess child safety threats, parents' protective capacity, and child vulnerability",
		"Adhere to quality standards for documentation",
		"Adhere to relevant policy and licensing standards",
		"Maintain timely case contacts",
		"Maintain timely and quality case documentation",
	}
	var got []string
	for _, a := range pf.Abilities {
		got = append(got, a.Label)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("abilities (-policy +profile):\n%s", diff)
	}
	if len(pf.Ratings) < 2 || pf.StandardLabel("contacts") != "Case contacts" || pf.StandardLabel("documentation") != "Case documentation" {
		t.Errorf("ratings %v, standards %v", pf.Ratings, pf.Standards)
	}
	if pf.AbilityLabel("timely_contacts") != "Maintain timely case contacts" || pf.AbilityLabel("nothing") != "" {
		t.Error("AbilityLabel")
	}
	// The earlier version (2011) asks the same: the policy is as issued.
	if PersonnelFileOf("tx-dfps", MustDate("2015-06-01")) == nil {
		t.Error("the 2011 version of tx-dfps asks for no personnel file")
	}
	for _, id := range []string{"nj-cpp", "policy-46100", "no-such-profile"} {
		if PersonnelFileOf(id, MustDate("2026-12-01")) != nil {
			t.Errorf("%s asks for a personnel file", id)
		}
	}
}

func TestProfilePersonnelFileProblems(t *testing.T) {
	base, _ := BuiltinFile("tx-dfps")
	for _, c := range []struct {
		name, old, new, want string
		all                  bool // replace every occurrence
	}{
		{"no ability", "[[personnel_file.ability]]", "[[personnel_file.nothing]]", "personnel_file.ability: required", true},
		{"twice", "key = \"documentation_quality\"", "key = \"safety_assessment\"", `personnel_file.ability[1].key: "safety_assessment" given twice`, false},
		{"bad key", "key = \"timely_contacts\"", "key = \"Timely Contacts\"", "must be lower-case letters", false},
		{"no label", "label = \"Maintain timely case contacts\"", "", "personnel_file.ability[3].label: required", false},
		{"misspelt", "key = \"meets\"", "key = \"meets\"\nlable = \"x\"", "personnel_file.rating[0].lable: unknown field", false},
		{"no source", "source = \"DFPS CPS Policy 1481, Case Conference and Supportive Supervision\"\n\n[[personnel_file.ability]]", "[[personnel_file.ability]]", "personnel_file.source: required", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			if !strings.Contains(string(base), c.old) {
				t.Fatalf("the file has no %q", c.old)
			}
			n := 1
			if c.all {
				n = -1
			}
			_, problems := ParseProfile([]byte(strings.Replace(string(base), c.old, c.new, n)))
			var all []string
			for _, p := range problems {
				all = append(all, p.Error())
			}
			if !strings.Contains(strings.Join(all, "\n"), c.want) {
				t.Errorf("problems %q, want one with %q", all, c.want)
			}
			for _, p := range problems {
				if p.Line == 0 && p.Field != "" && strings.HasPrefix(p.Field, "personnel_file") {
					t.Errorf("%v has no line", p)
				}
			}
		})
	}
}
