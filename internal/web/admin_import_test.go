package web_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"strings"
	"testing"
)

// upload posts a file to the import page as a browser does.
func (h *harness) upload(t *testing.T, c *http.Client, kind, name string, content []byte) (*http.Response, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if kind != "" {
		_ = mw.WriteField("kind", kind)
	}
	fw, _ := mw.CreateFormFile("file", name)
	_, _ = fw.Write(content)
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, h.srv.URL+"/admin/import", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(b)
}

func (h *harness) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	var n int
	if err := h.pool.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func TestAdministratorImportsACSVFile(t *testing.T) {
	h := newHarness(t)
	c := h.client(t)
	h.signIn(t, c, h.email(t, "administrator"))
	var caseNumber string
	if err := h.pool.QueryRow(context.Background(), `SELECT case_number FROM cases ORDER BY id LIMIT 1`).Scan(&caseNumber); err != nil {
		t.Fatal(err)
	}
	good := []byte("event_id,case_id,kind,date,documented_on,approval\n" +
		"SOR-1," + caseNumber + ",child_visit,2026-11-20,2026-11-20,pending\n" +
		"SOR-2," + caseNumber + ",contact_sheet_approved,2026-11-21,,\n")
	resp, body := h.upload(t, c, "events", "events-2026-11-22.csv", good)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `data-testid="import-done"`) {
		t.Fatalf("upload: %d\n%s", resp.StatusCode, body)
	}
	if n := h.count(t, `SELECT count(*) FROM events WHERE source_id IN ('SOR-1', 'SOR-2')`); n != 2 {
		t.Fatalf("%d events imported", n)
	}
	// The same file again changes nothing, and the list shows both imports.
	resp, body = h.upload(t, c, "events", "events-2026-11-22.csv", good)
	if resp.StatusCode != http.StatusOK || strings.Count(body, `data-testid="import-row"`) != 2 || !strings.Contains(body, "events 0 new, 0 changed, 2 unchanged") {
		t.Fatalf("second upload: %d\n%s", resp.StatusCode, body)
	}
	if n := h.count(t, `SELECT count(*) FROM audit_log a JOIN people p ON p.id = a.actor_id
		WHERE a.action = 'imported' AND p.role = 'administrator' AND a.detail->>'file' = 'events-2026-11-22.csv'`); n != 2 {
		t.Errorf("%d audit entries naming the administrator", n)
	}
}

func TestABadUploadChangesNothingAndListsEveryProblem(t *testing.T) {
	h := newHarness(t)
	c := h.client(t)
	h.signIn(t, c, h.email(t, "administrator"))
	before := h.count(t, `SELECT count(*) FROM events`)
	bad := []byte("event_id,case_id,kind,date\nX-1,no-such-case,child_visit,2026-11-20\nX-2,no-such-case,swimming,2026-02-31\n")
	resp, body := h.upload(t, c, "events", "bad.csv", bad)
	if resp.StatusCode != http.StatusUnprocessableEntity || strings.Count(body, `data-testid="import-problem"`) != 4 ||
		!strings.Contains(body, "Nothing was changed") || !strings.Contains(body, "row 3, date: &#34;2026-02-31&#34; is not a date") {
		t.Fatalf("bad upload: %d\n%s", resp.StatusCode, body)
	}
	if after := h.count(t, `SELECT count(*) FROM events`); after != before {
		t.Fatalf("events %d -> %d after a bad upload", before, after)
	}
	// No file, no kind, a file too large for a page: said in words, never a 500.
	if resp, body := h.upload(t, c, "events", "", nil); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Choose a file") {
		t.Errorf("no file: %d", resp.StatusCode)
	}
	if resp, body := h.upload(t, c, "pictures", "a.csv", []byte("x")); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Choose what the file holds") {
		t.Errorf("unknown kind: %d", resp.StatusCode)
	}
	big := bytes.Repeat([]byte("X-9,no-such-case,child_visit,2026-11-20\n"), 33<<20/39) // over the page's 32 MiB
	if resp, body := h.upload(t, c, "events", "big.csv", append([]byte("event_id,case_id,kind,date\n"), big...)); resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(body, "casework import") {
		t.Errorf("too large: %d %.300s", resp.StatusCode, body)
	}
	if after := h.count(t, `SELECT count(*) FROM events`); after != before {
		t.Fatal("a refused upload changed the events")
	}
}

func TestAdministratorImportsAFactsFile(t *testing.T) {
	h := newHarness(t)
	c := h.client(t)
	h.signIn(t, c, h.email(t, "administrator"))
	data, err := os.ReadFile("../../docs/examples/facts.json")
	if err != nil {
		t.Fatal(err)
	}
	resp, body := h.upload(t, c, "facts", "facts.json", data)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `data-testid="import-done"`) {
		t.Fatalf("facts upload: %d\n%s", resp.StatusCode, body)
	}
	if n := h.count(t, `SELECT count(*) FROM conferences WHERE source_id LIKE 'k-%'`); n != 7 {
		t.Errorf("%d conferences imported", n)
	}
	bad := []byte(`{"as_of": "2026-11-22", "cases": [{"id": "c-1", "worker": "nobody", "assigned": "2026-01-01"}]}`)
	resp, body = h.upload(t, c, "facts", "bad.json", bad)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "cases[0].worker: no staff member &#34;nobody&#34;") {
		t.Fatalf("bad facts upload: %d\n%s", resp.StatusCode, body)
	}
}
