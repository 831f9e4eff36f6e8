package web_test

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// One page never shows two counts of the same thing: the contacts the worker
// page lists for approval, case by case, are the contacts its proposed
// agenda says await approval (the rules' count).
func TestWorkerPageCountsContactsAwaitingApprovalOnce(t *testing.T) {
	h := newHarness(t)
	c := h.client(t)
	email := h.email(t, "supervisor")
	h.signIn(t, c, email)
	rows, err := h.pool.Query(context.Background(), `
		SELECT m.worker_id FROM unit_members m JOIN unit_supervisors s ON s.unit_id = m.unit_id AND upper_inf(s.during)
		JOIN people p ON p.id = s.supervisor_id WHERE p.email = $1 AND upper_inf(m.during) ORDER BY m.worker_id`, email)
	if err != nil {
		t.Fatal(err)
	}
	var workers []int64
	for rows.Next() {
		var id int64
		_ = rows.Scan(&id)
		workers = append(workers, id)
	}
	reason := regexp.MustCompile(`(\d+) new contacts? awaiting approval`)
	number := regexp.MustCompile(`<span class="muted">([^<]+)</span>`)
	seen := 0
	for _, w := range workers {
		_, page := h.get(t, c, fmt.Sprintf("/workers/%d", w))
		agenda := map[string]int{}
		if i := strings.Index(page, `data-testid="agenda"`); i >= 0 {
			list := page[i : i+strings.Index(page[i:], "</ol>")]
			for _, item := range strings.Split(list, "<li><a ")[1:] {
				if m, n := reason.FindStringSubmatch(item), number.FindStringSubmatch(item); m != nil && n != nil {
					agenda[n[1]], _ = strconv.Atoi(m[1])
				}
			}
		}
		listed := map[string]int{}
		if i := strings.Index(page, `data-testid="pending-contacts"`); i >= 0 {
			table := page[i : i+strings.Index(page[i:], "</table>")]
			for _, row := range strings.Split(table, `<th scope="row">`)[1:] {
				if n := number.FindStringSubmatch(row); n != nil {
					listed[n[1]]++
				}
			}
		} else if !strings.Contains(page, "None: every contact is approved.") {
			t.Fatalf("worker %d: no contacts section", w)
		}
		for k, n := range agenda {
			if listed[k] != n {
				t.Errorf("worker %d, case %s: the agenda says %d contacts await approval, the list shows %d", w, k, n, listed[k])
			}
			seen += n
		}
		for k, n := range listed {
			if agenda[k] != n {
				t.Errorf("worker %d, case %s: the list shows %d contacts awaiting approval, the agenda says %d", w, k, n, agenda[k])
			}
		}
	}
	if seen == 0 {
		t.Fatal("no contact awaits approval in the unit: the test checks nothing")
	}
}
