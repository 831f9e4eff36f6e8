package store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/exchange"
	"github.com/casework/casework/internal/rules"
	"github.com/casework/casework/internal/store"
	"github.com/casework/casework/internal/testdb"
)

// Siblings placed apart: recorded by the case's supervisor (audited, nobody
// else), read on the case page within the reach only, carried by the unit's
// and the state's facts and by the export, and owing the weekly sibling
// visit from 2026-12-01; a facts file imported and exported keeps it. The
// demo's own siblings placed apart are left out, so the test's is the only one.
func TestSiblingsApartInTheFacts(t *testing.T) {
	st, owner := seededAppWithout(t, func(d *store.Dataset) { d.SiblingsApart, d.Emergent = nil, nil })
	ctx := context.Background()
	var caseID, unit, sup, otherSup int64
	var number string
	if err := owner.QueryRow(ctx, `
		SELECT c.id, c.case_number, m.unit_id, s.supervisor_id,
		       (SELECT s2.supervisor_id FROM unit_supervisors s2 WHERE s2.unit_id <> m.unit_id AND s2.during @> $1::date ORDER BY s2.unit_id LIMIT 1)
		FROM cases c
		JOIN case_assignments a ON a.case_id = c.id AND a.during @> $1::date
		JOIN unit_members m ON m.worker_id = a.worker_id AND m.during @> $1::date
		JOIN unit_supervisors s ON s.unit_id = m.unit_id AND s.during @> $1::date
		WHERE c.closed IS NULL AND c.setting = 'out_of_home' AND c.placement_date <= $1
		ORDER BY c.id LIMIT 1`, asOf).Scan(&caseID, &number, &unit, &sup, &otherSup); err != nil {
		t.Fatal(err)
	}
	supV := access.Viewer{PersonID: sup, Role: access.Supervisor, Name: "sup"}
	otherV := access.Viewer{PersonID: otherSup, Role: access.Supervisor, Name: "other"}
	start := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)

	if err := st.RecordSiblingsApart(ctx, otherV, caseID, start, nil, asOf); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("another unit's supervisor recorded: %v", err)
	}
	if err := st.RecordSiblingsApart(ctx, supV, caseID, start, nil, asOf); err != nil {
		t.Fatal(err)
	}
	if sa, err := st.CaseSiblingsApart(ctx, supV, caseID, asOf); err != nil || sa == nil || !sa.Start.Equal(start) || sa.End != nil {
		t.Fatalf("read back: %+v %v", sa, err)
	}
	if sa, err := st.CaseSiblingsApart(ctx, otherV, caseID, asOf); err != nil || sa != nil {
		t.Errorf("outside the reach: %+v %v", sa, err)
	}
	var audited int
	if err := owner.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE entity = 'siblings_apart' AND entity_id = $1
		AND detail->'after'->>'start' = '2026-11-02' AND detail->'before'->>'start' IS NULL`, fmt.Sprint(caseID)).Scan(&audited); err != nil || audited != 1 {
		t.Errorf("audit entries %d (%v), want 1", audited, err)
	}

	dec := time.Date(2026, 12, 10, 0, 0, 0, 0, time.UTC)
	uf, ids, err := st.UnitFacts(ctx, supV, unit, dec)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, c := range uf.Cases {
		if ids.Cases[c.ID] == caseID {
			found = true
			if c.SiblingsApartStart != rules.MustDate("2026-11-02") || !c.SiblingsApartEnd.IsZero() {
				t.Errorf("unit facts: %s to %s", c.SiblingsApartStart, c.SiblingsApartEnd)
			}
		} else if !c.SiblingsApartStart.IsZero() {
			t.Errorf("case %s has siblings apart it was not given", c.ID)
		}
	}
	if !found {
		t.Fatal("the case is not in its unit's facts")
	}
	res, err := rules.Evaluate(uf, rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	owes := 0
	for _, o := range res.Obligations {
		if o.Rule == "visits.sibling_weekly" {
			owes++
			if o.Subject != number || !strings.HasPrefix(o.Why, "Siblings placed apart since 2026-11-02") {
				t.Errorf("sibling visit obligation: %+v", o)
			}
		}
	}
	if owes != 1 {
		t.Errorf("%d sibling visit obligations in the unit, want 1", owes)
	}
	af, err := st.AgencyFacts(ctx, admin, dec)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range af.Cases {
		if (c.ID == number) != (c.SiblingsApartStart == rules.MustDate("2026-11-02")) {
			t.Errorf("state facts, case %s: siblings apart %s", c.ID, c.SiblingsApartStart)
		}
	}

	// The end recorded: the export carries both dates, and a facts file
	// imported into an empty database and exported again is the same.
	end := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	if err := st.RecordSiblingsApart(ctx, supV, caseID, start, &end, asOf); err != nil {
		t.Fatal(err)
	}
	first := export(t, st, asOf)
	if !bytes.Contains(first, []byte(`"siblings_apart_start": "2026-11-02", "siblings_apart_end": "2026-11-20"`)) {
		t.Fatalf("the export does not carry the siblings apart")
	}
	emptyOwner, empty := testdb.App(t)
	if rep := importFacts(t, empty, "demo.json", first); !rep.OK() || counts(rep)["siblings apart"].Created != 1 {
		t.Fatalf("import: %v %v", rep.Problems.List[:min(5, len(rep.Problems.List))], rep.Summary())
	}
	if second := export(t, empty, asOf); !bytes.Equal(first, second) {
		t.Fatal("export after import differs from the original")
	}
	// The same file without the case's dates: the file says none.
	f := decode(t, first)
	for i := range f.Cases {
		f.Cases[i].SiblingsApartStart, f.Cases[i].SiblingsApartEnd = rules.Date{}, rules.Date{}
	}
	var buf bytes.Buffer
	w := exchange.NewFactsWriter(&buf)
	if err := w.Header(f.AsOf, f.Profile, f.Holidays, f.HolidaysSet); err != nil {
		t.Fatal(err)
	}
	for _, s := range f.Staff {
		w.Staff(s)
	}
	for _, c := range f.Cases {
		w.Case(c)
	}
	for _, k := range f.Conferences {
		w.Conference(k)
	}
	for _, e := range f.Events {
		w.Event(e)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if rep := importFacts(t, empty, "none.json", buf.Bytes()); !rep.OK() || counts(rep)["siblings apart"].Updated != 1 {
		t.Fatalf("import without: %v", rep.Summary())
	}
	var left int
	if err := emptyOwner.QueryRow(ctx, `SELECT count(*) FROM case_siblings_apart`).Scan(&left); err != nil || left != 0 {
		t.Errorf("%d rows left (%v), want 0", left, err)
	}
}

// Siblings placed apart import from CSV (kind siblings): set, corrected,
// an end before its start and an unknown case named.
func TestSiblingsApartCSV(t *testing.T) {
	st, owner := seededApp(t)
	ctx := context.Background()
	var number string
	if err := owner.QueryRow(ctx, `SELECT case_number FROM cases WHERE closed IS NULL ORDER BY id LIMIT 1`).Scan(&number); err != nil {
		t.Fatal(err)
	}
	kind := exchange.LookupKind("siblings")
	if kind == nil {
		t.Fatal("no CSV kind siblings")
	}
	head := "case_id,siblings_apart_start,siblings_apart_end\n"
	rep, err := st.ImportCSV(ctx, admin, kind, "siblings.csv", strings.NewReader(head+number+",2026-10-01,\n"))
	if err != nil || !rep.OK() || rep.Count("siblings apart").Created != 1 {
		t.Fatalf("import: %v %v %v", err, rep.Problems.List, rep.Summary())
	}
	rep, err = st.ImportCSV(ctx, admin, kind, "siblings.csv", strings.NewReader(head+number+",2026-10-01,2026-11-15\n"))
	if err != nil || !rep.OK() || rep.Count("siblings apart").Updated != 1 {
		t.Fatalf("correction: %v %v", err, rep.Summary())
	}
	rep, err = st.ImportCSV(ctx, admin, kind, "siblings.csv", strings.NewReader(head+number+",2026-10-01,2026-11-15\n"))
	if err != nil || !rep.OK() || rep.Count("siblings apart").Unchanged != 1 {
		t.Fatalf("same again: %v %v", err, rep.Summary())
	}
	var end string
	if err := owner.QueryRow(ctx, `SELECT end_on::text FROM case_siblings_apart sa JOIN cases c ON c.id = sa.case_id WHERE c.case_number = $1`, number).Scan(&end); err != nil || end != "2026-11-15" {
		t.Errorf("end %q (%v)", end, err)
	}
	rep, err = st.ImportCSV(ctx, admin, kind, "siblings.csv", strings.NewReader(head+number+",2026-10-01,2026-09-15\nno-such-case,2026-10-01,\n"))
	if err != nil || rep.OK() || rep.Problems.Len() != 2 {
		t.Fatalf("bad rows: %v %v", err, rep.Problems.List)
	}
	msgs := rep.Problems.List[0].Column + ": " + rep.Problems.List[0].Msg + "; " + rep.Problems.List[1].Column + ": " + rep.Problems.List[1].Msg
	if !strings.Contains(msgs, "siblings_apart_end: 2026-09-15 is before siblings_apart_start 2026-10-01") || !strings.Contains(msgs, `case_id: no case "no-such-case"`) {
		t.Errorf("problems: %s", msgs)
	}
}
