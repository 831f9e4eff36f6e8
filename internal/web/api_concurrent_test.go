package web_test

import (
	"context"
	"io"
	"net/http"
	"sync"
	"testing"

	"github.com/casework/casework/internal/store"
)

// Fifty API reads at once all succeed, each is recorded once as the token,
// and the audit log's chains stay whole. (The reads' entries used to be
// inserted inside their REPEATABLE READ snapshot, which missed a lane's
// newest entry: duplicate key on audit_log's lane and seq, answered 500.)
func TestConcurrentAPIReadsAllSucceedAndAreEachRecorded(t *testing.T) {
	h := newHarness(t)
	admin := h.client(t)
	h.signIn(t, admin, h.email(t, "administrator"))
	units := h.units(t)
	tok := h.issue(t, admin, "busy integration", "area:"+itoa(units[0].cws))
	var tokenID string
	if err := h.pool.QueryRow(context.Background(), `SELECT id::text FROM api_tokens WHERE name = 'busy integration'`).Scan(&tokenID); err != nil {
		t.Fatal(err)
	}
	const n = 50
	statuses := make([]int, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		path := "/api/v1/obligations"
		if i%2 == 1 {
			path = "/api/v1/conferences"
		}
		wg.Go(func() {
			<-start
			req, _ := http.NewRequest(http.MethodGet, h.srv.URL+path, nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			statuses[i] = resp.StatusCode
		})
	}
	close(start)
	wg.Wait()
	for i, s := range statuses {
		if s != http.StatusOK {
			t.Errorf("read %d of %d at once: %d, want 200", i+1, n, s)
		}
	}
	var recorded int
	if err := h.pool.QueryRow(context.Background(), `
		SELECT count(*) FROM audit_log WHERE entity IN ('api_obligations', 'api_conferences') AND entity_id = $1`, tokenID).Scan(&recorded); err != nil {
		t.Fatal(err)
	}
	if recorded != n {
		t.Errorf("%d reads recorded as the token, want %d", recorded, n)
	}
	check, err := store.New(h.pool).VerifyAudit(context.Background())
	if err != nil || check.FirstBad != 0 {
		t.Fatalf("audit chains after concurrent reads: %+v %v", check, err)
	}
}
