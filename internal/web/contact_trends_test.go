package web_test

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/casework/casework/internal/store"
)

// contactCell is one cell of the trends' monthly contacts table: "3 short
// of 7 cases owing", or a state in words.
var (
	contactRow  = regexp.MustCompile(`(?s)<tr data-month="(\d{4}-\d{2})"><th scope="row">[^<]*</th>(.*?)</tr>`)
	contactCell = regexp.MustCompile(`<td [^>]*>(.*?)</td>`)
	contactFig  = regexp.MustCompile(`^(\d+) short <span class="why">of (\d+) cases owing</span>$`)
)

// contactTable reads a unit section's monthly contacts table: its column
// labels, and each month's cells by label (numbers as "short/owing", a
// state in words as it reads).
func contactTable(t *testing.T, section string) ([]string, map[string]map[string]string) {
	t.Helper()
	at := strings.Index(section, `data-testid="contact-shortfalls"`)
	if at < 0 {
		t.Fatalf("no monthly contacts table in the section:\n%s", section)
	}
	table := section[at:]
	table = table[:strings.Index(table, "</table>")]
	head := table[strings.Index(table, "<thead>"):strings.Index(table, "</thead>")]
	var labels []string
	for _, m := range regexp.MustCompile(`<th scope="col" class="num">([^<]*)</th>`).FindAllStringSubmatch(head, -1) {
		labels = append(labels, m[1])
	}
	out := map[string]map[string]string{}
	for _, row := range contactRow.FindAllStringSubmatch(table, -1) {
		cells := contactCell.FindAllStringSubmatch(row[2], -1)
		out[row[1]] = map[string]string{}
		for i, c := range cells {
			v := c[1]
			if f := contactFig.FindStringSubmatch(v); f != nil {
				v = f[1] + "/" + f[2]
			}
			if len(cells) == 1 {
				for _, l := range labels {
					out[row[1]][l] = v
				}
				break
			}
			out[row[1]][labels[i]] = v
		}
	}
	return labels, out
}

// delta is after - before of two "short/owing" figures.
func delta(t *testing.T, before, after string) string {
	t.Helper()
	parse := func(s string) (int, int) {
		if s == "" || strings.Contains(s, "nothing owed") {
			return 0, 0
		}
		a, b, ok := strings.Cut(s, "/")
		x, err1 := strconv.Atoi(a)
		y, err2 := strconv.Atoi(b)
		if !ok || err1 != nil || err2 != nil {
			t.Fatalf("not a figure: %q", s)
		}
		return x, y
	}
	bs, bo := parse(before)
	as, ao := parse(after)
	return fmt.Sprintf("%d/%d", as-bs, ao-bo)
}

const (
	childLabel     = "Monthly health and safety visit: child"
	parentLabel    = "Monthly health and safety visit: parent or guardian"
	caregiverLabel = "Monthly health and safety visit: caregiver"
)

// The trends page and the month's CSV show each unit's monthly visits and
// contacts that ended short, under the rules of the profile each month is
// read by: the agency chose policy-46100 from 2026-08-01, so July to
// October are read by its three monthly health and safety visits
// (labelled as the profile labels them, no rule id on the page), June and
// earlier by nj-cpp's version of the time, which has no monthly contact
// rule ("not a rule then"), and November has not ended. Two cases added to
// the unit move its figures by exactly what they owe, on the page and in
// the CSV alike; worker rows leave the columns empty.
func TestTrendsShowMonthlyContactShortfalls(t *testing.T) {
	h := newHarnessOf(t, func(d *store.Dataset) { d.VisitPlans = nil }, nil)
	ctx := context.Background()
	u := h.twoUnitsOfOneArea(t)
	if _, err := h.pool.Exec(ctx, `INSERT INTO profile_choices (profile, effective_on, chosen_at, chosen_by) VALUES ('policy-46100', '2026-08-01', now(), 'test')`); err != nil {
		t.Fatal(err)
	}
	sup := h.client(t)
	h.signIn(t, sup, u.supEmail)
	page := func() ([]string, map[string]map[string]string) {
		t.Helper()
		r, body := h.get(t, sup, "/unit/trends")
		if r.StatusCode != 200 {
			t.Fatalf("/unit/trends: %d", r.StatusCode)
		}
		if strings.Contains(body, "visits.") {
			t.Error("the trends name a rule by its id")
		}
		return contactTable(t, trendSection(body, u.unitName))
	}
	csvCells := func(month string) map[string]string {
		t.Helper()
		_, rows := h.exportRows(t, sup, month)
		var unit map[string]string
		for _, r := range rows {
			switch {
			case r["level"] == "unit" && r["unit"] == u.unitName:
				unit = r
			case r["level"] == "worker":
				for _, l := range []string{childLabel, parentLabel, caregiverLabel} {
					if r[l+": cases owing"] != "" || r[l+": cases short"] != "" {
						t.Errorf("the worker row of %s carries monthly contact figures", r["worker"])
					}
				}
			}
		}
		if unit == nil {
			t.Fatalf("no unit row of %s in the export of %s", u.unitName, month)
		}
		out := map[string]string{}
		for _, l := range []string{childLabel, parentLabel, caregiverLabel} {
			owing, okO := unit[l+": cases owing"]
			short, okS := unit[l+": cases short"]
			if !okO || !okS {
				t.Fatalf("the export of %s has no columns for %q", month, l)
			}
			out[l] = short + "/" + owing
		}
		return out
	}
	labels, before := page()
	if strings.Join(labels, "|") != strings.Join([]string{childLabel, parentLabel, caregiverLabel}, "|") {
		t.Fatalf("the table's columns: %q", labels)
	}
	csvBefore := csvCells("2026-10")

	// T-CT in home, goal adoption, held since July: child visits in August
	// and October, a parent visit in September. T-CU placed out of home
	// in July: nothing made.
	for _, c := range []struct {
		number, setting string
		placed          any
		visits          [][2]string
	}{
		{"T-CT", "in_home", nil, [][2]string{{"child_visit", "2026-08-03"}, {"child_visit", "2026-10-03"}, {"parent_visit", "2026-09-09"}}},
		{"T-CU", "out_of_home", "2026-07-01", nil},
	} {
		var id int64
		if err := h.pool.QueryRow(ctx, `INSERT INTO cases (case_number, family_name, office_id, setting, placement_date, goal, created_at)
			VALUES ($1, $1, $2, $3, $4, 'adoption', now()) RETURNING id`, c.number, u.office, c.setting, c.placed).Scan(&id); err != nil {
			t.Fatal(err)
		}
		if _, err := h.pool.Exec(ctx, `INSERT INTO case_assignments (case_id, worker_id, during) VALUES ($1, $2, daterange('2026-07-01', NULL))`, id, u.worker); err != nil {
			t.Fatal(err)
		}
		for _, v := range c.visits {
			if _, err := h.pool.Exec(ctx, `INSERT INTO events (case_id, kind, occurred_on, recorded_at) VALUES ($1, $2, $3, now())`, id, v[0], v[1]); err != nil {
				t.Fatal(err)
			}
		}
	}
	_, after := page()
	want := map[string]map[string]string{
		// Assigned on 1 July: the first contact is due a month later, so
		// July is not owed.
		"2026-07": {childLabel: "0/0", parentLabel: "0/0", caregiverLabel: "0/0"},
		"2026-08": {childLabel: "1/2", parentLabel: "2/2", caregiverLabel: "1/1"},
		"2026-09": {childLabel: "2/2", parentLabel: "1/2", caregiverLabel: "1/1"},
		"2026-10": {childLabel: "1/2", parentLabel: "2/2", caregiverLabel: "1/1"},
	}
	for m, cols := range want {
		for l, w := range cols {
			if got := delta(t, before[m][l], after[m][l]); got != w {
				t.Errorf("the page's %s, %s: moved by %s (short/owing), want %s (before %q, after %q)", m, l, got, w, before[m][l], after[m][l])
			}
		}
	}
	for _, l := range labels {
		if got := after["2026-06"][l]; got != `— <span class="why">not a rule then</span>` {
			t.Errorf("June, %s: %q, want not a rule then", l, got)
		}
		if got := after["2026-11"][l]; !strings.HasPrefix(got, "not ended yet") {
			t.Errorf("November, %s: %q, want not ended yet", l, got)
		}
	}
	csvAfter := csvCells("2026-10")
	for l, w := range want["2026-10"] {
		if got := delta(t, csvBefore[l], csvAfter[l]); got != w {
			t.Errorf("the CSV's October, %s: moved by %s, want %s", l, got, w)
		}
		if csvAfter[l] != after["2026-10"][l] {
			t.Errorf("October, %s: the CSV reads %s, the page %s", l, csvAfter[l], after["2026-10"][l])
		}
	}
	for l, v := range csvCells("2026-11") {
		if v != "not ended yet/not ended yet" {
			t.Errorf("the CSV's November, %s: %s, want not ended yet", l, v)
		}
	}
}
