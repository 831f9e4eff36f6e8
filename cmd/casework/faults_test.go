package main

// Faults (issue #9): PostgreSQL restarted under load, two sessions saving the
// same draft at once, SIGTERM under load, slow and oversized clients. Each
// runs short under `make test`; `make test-faults` sets CASEWORK_FAULTS=full
// for the long versions (docs/performance.md says what each showed).

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/casework/casework/internal/pgcluster"
	"github.com/casework/casework/internal/store"
	"github.com/casework/casework/internal/testdb"
)

func fullFaults() bool { return os.Getenv("CASEWORK_FAULTS") == "full" }

// pick is the short or the full version of a number.
func pick[T any](short, full T) T {
	if fullFaults() {
		return full
	}
	return short
}

// privateCluster starts a PostgreSQL cluster of the test's own (durable:
// fsync on), which the test may crash and restart.
func privateCluster(t *testing.T) (*pgcluster.Cluster, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if _, err := pgcluster.FindBinaries(ctx); err != nil {
		if os.Getenv("CASEWORK_REQUIRE_DB") != "" {
			t.Fatalf("PostgreSQL's server binaries: %v", err)
		}
		t.Skipf("PostgreSQL's server binaries: %v", err)
	}
	dir, err := os.MkdirTemp("", "casework-fault-")
	if err != nil {
		t.Fatal(err)
	}
	_ = os.Chmod(dir, 0o755) // the server may run as another user (root drops to postgres)
	c, err := pgcluster.Ensure(ctx, filepath.Join(dir, "pg"), pgcluster.Options{})
	if err != nil {
		os.RemoveAll(dir)
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cur, err := pgcluster.Ensure(context.Background(), c.Dir, pgcluster.Options{}); err == nil {
			_ = cur.Stop()
		}
		os.RemoveAll(dir)
	})
	return c, c.URL(pgcluster.DefaultDatabase)
}

type sample struct {
	at     time.Time
	status int // 0: no answer (connection refused, reset)
	body   string
}

// PostgreSQL crashes and comes back while people work: requests fail cleanly
// during the outage (/readyz 503, pages a clear 503 message, no panic), the
// server recovers by itself within seconds of the database's return, and
// every draft save that was acknowledged is there afterwards.
func TestFaultPostgresRestart(t *testing.T) {
	c, ownerURL := privateCluster(t)
	if err := store.MigrateUp(ownerURL); err != nil {
		t.Fatal(err)
	}
	owner, err := pgxpool.New(context.Background(), ownerURL)
	if err != nil {
		t.Fatal(err)
	}
	defer owner.Close()
	a := loadAgency(t, ownerURL, owner)
	srv := startServer(t, a.appURL)
	sup := browser()
	signIn(t, sup, srv.base, a.supEmail)

	type ack struct {
		id    int64
		notes string
	}
	var (
		mu      sync.Mutex
		acked   []ack
		ready   []sample
		pages   []sample
		tries   atomic.Int64
		stop    = make(chan struct{})
		running sync.WaitGroup
	)
	// Writers: each starts a draft and saves its notes; a save answered
	// "saved" (303 to ?saved=1) is acknowledged to the person.
	for w := range 2 {
		running.Add(1)
		go func() {
			defer running.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				tries.Add(1)
				resp, err := sup.PostForm(fmt.Sprintf("%s/workers/%d/conferences", srv.base, a.worker),
					url.Values{"held_on": {a.today.Format(time.DateOnly)}, "case": {strconv.FormatInt(a.cases[0], 10)}})
				if err != nil {
					time.Sleep(50 * time.Millisecond)
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				m := conferencePath.FindStringSubmatch(resp.Header.Get("Location"))
				if resp.StatusCode != http.StatusSeeOther || m == nil {
					time.Sleep(50 * time.Millisecond)
					continue
				}
				id, _ := strconv.ParseInt(m[1], 10, 64)
				notes := fmt.Sprintf("writer %d save %d", w, i)
				resp, err = sup.PostForm(fmt.Sprintf("%s/conferences/%d", srv.base, id), a.saveForm(1, notes))
				if err != nil {
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode == http.StatusSeeOther && strings.HasSuffix(resp.Header.Get("Location"), "?saved=1") {
					mu.Lock()
					acked = append(acked, ack{id, notes})
					mu.Unlock()
				}
			}
		}()
	}
	probe := func(path string, c *http.Client, into *[]sample) {
		defer running.Done()
		for {
			select {
			case <-stop:
				return
			case <-time.After(50 * time.Millisecond):
			}
			s := sample{at: time.Now()}
			resp, err := c.Get(srv.base + path)
			if err == nil {
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				s.status, s.body = resp.StatusCode, string(b)
			}
			mu.Lock()
			*into = append(*into, s)
			mu.Unlock()
		}
	}
	running.Add(2)
	go probe("/readyz", &http.Client{Timeout: 10 * time.Second}, &ready)
	go probe("/unit", sup, &pages)

	type outage struct{ down, restart, up time.Time }
	var outages []outage
	time.Sleep(1500 * time.Millisecond)
	for range pick(1, 3) {
		o := outage{down: time.Now()}
		if err := c.Crash(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(pick(2*time.Second, 6*time.Second))
		o.restart = time.Now()
		if _, err := pgcluster.Ensure(context.Background(), c.Dir, pgcluster.Options{}); err != nil {
			t.Fatal(err)
		}
		o.up = time.Now()
		outages = append(outages, o)
		time.Sleep(pick(4*time.Second, 8*time.Second))
	}
	close(stop)
	running.Wait()

	mu.Lock()
	defer mu.Unlock()
	for i, o := range outages {
		// During the outage (after a moment for the crash to land): 503s.
		var during, recovered []sample
		for _, s := range ready {
			if s.at.After(o.down.Add(300*time.Millisecond)) && s.at.Before(o.restart) {
				during = append(during, s)
			}
			if s.at.After(o.up) && (i+1 == len(outages) || s.at.Before(outages[i+1].down)) {
				recovered = append(recovered, s)
			}
		}
		for _, s := range during {
			if s.status != http.StatusServiceUnavailable {
				t.Errorf("outage %d: /readyz answered %d, want 503", i+1, s.status)
			}
		}
		firstOK := time.Duration(-1)
		for _, s := range recovered {
			if s.status == http.StatusOK {
				firstOK = s.at.Sub(o.up)
				break
			}
		}
		if firstOK < 0 || firstOK > 5*time.Second {
			t.Errorf("outage %d: /readyz not 200 within 5s of PostgreSQL's return (first 200 after %v)", i+1, firstOK)
		}
		t.Logf("outage %d: %d /readyz during it, all 503; ready again %v after PostgreSQL was back", i+1, len(during), firstOK.Round(time.Millisecond))
	}
	var clear, ok, other int
	for _, s := range pages {
		switch {
		case s.status == http.StatusOK:
			ok++
		case s.status == http.StatusServiceUnavailable && strings.Contains(s.body, "The database is not answering"):
			clear++
		default:
			other++
			t.Errorf("a page during the outage answered %d without the clear message:\n%.300s", s.status, s.body)
		}
	}
	if clear == 0 || ok == 0 {
		t.Errorf("pages: %d answered, %d with the clear 503 message; want both", ok, clear)
	}
	if last := pages[len(pages)-1]; last.status != http.StatusOK {
		t.Errorf("the dashboard is not back after the outage: %d", last.status)
	}
	// Every acknowledged save is there.
	for _, k := range acked {
		if notes, _ := a.notes(t, k.id); notes != k.notes {
			t.Errorf("acknowledged save lost: conference %d has %q, want %q", k.id, notes, k.notes)
		}
	}
	t.Logf("%d saves tried, %d acknowledged and all found after %d outages; dashboard: %d answered, %d clear 503s", tries.Load(), len(acked), len(outages), ok, clear)
	if len(acked) == 0 {
		t.Error("no save was acknowledged")
	}
	if code := srv.stop(syscall.SIGTERM); code != 0 {
		t.Errorf("exit %d after the outages", code)
	}
}

// Two sessions of the draft's supervisor (two browsers, one on each
// instance) save the same draft at the same moment, again and again: each
// time exactly one save wins, the other is told and shown what it typed, and
// the stored draft is the winner's.
func TestFaultConcurrentDraftSaves(t *testing.T) {
	ownerURL, owner := testdb.New(t)
	a := loadAgency(t, ownerURL, owner)
	one, two := startServer(t, a.appURL), startServer(t, a.appURL)
	b1, b2 := browser(), browser()
	signIn(t, b1, one.base, a.supEmail)
	signIn(t, b2, two.base, a.supEmail)
	id := a.startDraft(t, b1, one.base)
	rounds := pick(20, 100)
	type answer struct {
		who    string
		status int
		body   string
	}
	for round := range rounds {
		_, version := a.notes(t, id)
		answers := make(chan answer, 2)
		start := make(chan struct{})
		for _, p := range []struct {
			who  string
			c    *http.Client
			base string
		}{{"first", b1, one.base}, {"second", b2, two.base}} {
			go func() {
				<-start
				text := fmt.Sprintf("%s round %d", p.who, round)
				resp, err := p.c.PostForm(fmt.Sprintf("%s/conferences/%d", p.base, id), a.saveForm(version, text))
				if err != nil {
					answers <- answer{p.who, 0, err.Error()}
					return
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				answers <- answer{p.who, resp.StatusCode, string(b)}
			}()
		}
		close(start)
		x, y := <-answers, <-answers
		if x.status == http.StatusConflict {
			x, y = y, x
		}
		if x.status != http.StatusSeeOther || y.status != http.StatusConflict {
			t.Fatalf("round %d: answers %d and %d, want one saved (303) and one told of the conflict (409)", round, x.status, y.status)
		}
		loserText := fmt.Sprintf("%s round %d", y.who, round)
		if !strings.Contains(y.body, loserText) || !strings.Contains(y.body, "NOT saved") {
			t.Fatalf("round %d: the losing save was not shown back with the warning", round)
		}
		notes, v := a.notes(t, id)
		if want := fmt.Sprintf("%s round %d", x.who, round); notes != want || v != version+1 {
			t.Fatalf("round %d: stored %q at version %d, want the winner's %q at %d", round, notes, v, want, version+1)
		}
	}
	t.Logf("%d rounds of two simultaneous saves: each one winner, each loser told with its text shown back", rounds)
}

// SIGTERM while clients are busy: requests in flight finish, new ones are
// refused, the process exits 0.
func TestFaultSIGTERMUnderLoad(t *testing.T) {
	ownerURL, owner := testdb.New(t)
	a := loadAgency(t, ownerURL, owner)
	srv := startServer(t, a.appURL)
	sup := browser()
	signIn(t, sup, srv.base, a.supEmail)
	var (
		mu       sync.Mutex
		statuses = map[int]int{}
		finished atomic.Int64 // started before the signal, answered after it
		refused  atomic.Int64
		signaled atomic.Int64 // unix nanos
		wg       sync.WaitGroup
	)
	tr := &http.Transport{MaxIdleConnsPerHost: 16}
	client := &http.Client{Transport: tr, Jar: sup.Jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for range pick(8, 16) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				began := time.Now().UnixNano()
				resp, err := client.Get(srv.base + "/unit")
				if err != nil {
					if s := signaled.Load(); s != 0 {
						refused.Add(1)
						return // refused: the server is shutting down
					}
					t.Errorf("before the signal: %v", err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				mu.Lock()
				statuses[resp.StatusCode]++
				mu.Unlock()
				if s := signaled.Load(); s != 0 && began < s {
					finished.Add(1)
				}
			}
		}()
	}
	time.Sleep(pick(time.Second, 3*time.Second))
	signaled.Store(time.Now().UnixNano())
	code := srv.stop(syscall.SIGTERM)
	wg.Wait()
	if code != 0 {
		t.Errorf("exit code %d after SIGTERM, want 0\n%s", code, srv.log.String())
	}
	mu.Lock()
	defer mu.Unlock()
	for status, n := range statuses {
		if status != http.StatusOK {
			t.Errorf("%d requests answered %d during the shutdown", n, status)
		}
	}
	if finished.Load() == 0 {
		t.Error("no request in flight at the signal was answered: in-flight requests must finish")
	}
	if _, err := net.DialTimeout("tcp", strings.TrimPrefix(srv.base, "http://"), time.Second); err == nil {
		t.Error("the server still accepts connections after exiting")
	}
	t.Logf("%d answered 200, %d in flight at SIGTERM finished, %d new requests refused, exit %d", statuses[http.StatusOK], finished.Load(), refused.Load(), code)
}

// Oversized bodies and headers are refused, and slow clients are cut off by
// the server's timeouts, while everyone else is served as usual.
func TestFaultSlowAndOversizedClients(t *testing.T) {
	ownerURL, owner := testdb.New(t)
	a := loadAgency(t, ownerURL, owner)
	srv := startServer(t, a.appURL)
	sup := browser()
	signIn(t, sup, srv.base, a.supEmail)
	addr := strings.TrimPrefix(srv.base, "http://")

	// A body over the limit (1 MiB): refused with a 4xx, nothing read beyond it.
	big := url.Values{"email": {strings.Repeat("x", 2<<20)}, "password": {"y"}}
	if resp, _ := post(t, browser(), srv.base+"/login", big); resp.StatusCode < 400 || resp.StatusCode >= 500 {
		t.Errorf("a 2 MiB form: %d, want a 4xx", resp.StatusCode)
	}
	// Headers over the limit (64 KiB): 431.
	req, _ := http.NewRequest(http.MethodGet, srv.base+"/healthz", nil)
	req.Header.Set("X-Padding", strings.Repeat("x", 100<<10))
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("100 KiB of headers: %v %v, want 431", resp, err)
	} else {
		resp.Body.Close()
	}

	// Slow clients: connections that send their headers a byte at a time.
	slow := pick(20, 300)
	var cut atomic.Int64
	var slowWG sync.WaitGroup
	opened := time.Now()
	for range slow {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatalf("open slow connection: %v", err)
		}
		slowWG.Add(1)
		go func() {
			defer slowWG.Done()
			defer conn.Close()
			fmt.Fprintf(conn, "GET /healthz HTTP/1.1\r\nHost: %s\r\n", addr)
			done := make(chan struct{})
			go func() { // trickle a header byte a second, until the server hangs up
				defer close(done)
				for i := 0; i < 30; i++ {
					if _, err := conn.Write([]byte("X")); err != nil {
						return
					}
					time.Sleep(time.Second)
				}
			}()
			_ = conn.SetReadDeadline(time.Now().Add(20 * time.Second))
			_, err := bufio.NewReader(conn).ReadByte()
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				return // not cut off within 20s
			}
			cut.Add(1)
			conn.Close()
			<-done
		}()
	}
	// Meanwhile the others are served at once.
	var worst time.Duration
	for range 20 {
		t0 := time.Now()
		resp, body := get(t, sup, srv.base+"/unit")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("dashboard with %d slow clients connected: %d\n%.200s", slow, resp.StatusCode, body)
		}
		worst = max(worst, time.Since(t0))
	}
	slowWG.Wait()
	if n := cut.Load(); n != int64(slow) {
		t.Errorf("%d of %d slow clients cut off within 20s", n, slow)
	}
	if worst > 2*time.Second {
		t.Errorf("with slow clients connected, a dashboard took %v", worst)
	}
	t.Logf("%d slow-header clients all cut off (after %v), other requests at worst %v; 2 MiB body and 100 KiB header refused",
		slow, time.Since(opened).Round(time.Second), worst.Round(time.Millisecond))

	if fullFaults() {
		// A body sent a byte a second is cut off by the read timeout (30s).
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		fmt.Fprintf(conn, "POST /login HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\n", addr)
		t0 := time.Now()
		for time.Since(t0) < 45*time.Second {
			if _, err := conn.Write([]byte("x")); err != nil {
				break
			}
			time.Sleep(time.Second)
		}
		if took := time.Since(t0); took > 40*time.Second {
			t.Errorf("a slow body was not cut off (still open after %v)", took)
		} else {
			t.Logf("a body sent a byte a second was cut off after %v", took.Round(time.Second))
		}
	}
	if code := srv.stop(syscall.SIGTERM); code != 0 {
		t.Errorf("exit %d", code)
	}
}
