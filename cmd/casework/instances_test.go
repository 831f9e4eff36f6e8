package main

// The web tier is stateless (issue #9): these tests start real `casework
// serve` processes (this test binary, re-executed as the command, see
// TestMain) on one database and use them the way a load balancer would.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/casework/casework/internal/demo"
	"github.com/casework/casework/internal/store"
	"github.com/casework/casework/internal/testdb"
)

// TestMain lets this test binary act as `casework` when a test starts it
// with CASEWORK_TEST_MAIN=1, so the tests run real server processes without
// building another binary.
func TestMain(m *testing.M) {
	if os.Getenv("CASEWORK_TEST_MAIN") == "1" {
		var args []string
		if err := json.Unmarshal([]byte(os.Getenv("CASEWORK_TEST_ARGS")), &args); err != nil {
			fmt.Fprintln(os.Stderr, "CASEWORK_TEST_ARGS:", err)
			os.Exit(2)
		}
		os.Args = append([]string{"casework"}, args...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// syncBuffer collects a process's log.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// server is one `casework serve` process.
type server struct {
	t    *testing.T
	cmd  *exec.Cmd
	base string
	log  *syncBuffer
	done chan struct{}
	err  error
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startServer runs `casework serve` on the database and waits until it
// answers /healthz. It is killed when the test ends if still running.
func startServer(t *testing.T, dbURL string, env ...string) *server {
	t.Helper()
	addr := freeAddr(t)
	for _, e := range env { // an address chosen by the caller (who needs to know it beforehand)
		if v, ok := strings.CutPrefix(e, "LISTEN_ADDR="); ok {
			addr = v
		}
	}
	args, _ := json.Marshal([]string{"serve"})
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), "CASEWORK_TEST_MAIN=1", "CASEWORK_TEST_ARGS="+string(args),
		"DATABASE_URL="+dbURL, "LISTEN_ADDR="+addr, "LOG_LEVEL=warn")
	cmd.Env = append(cmd.Env, env...)
	s := &server{t: t, cmd: cmd, base: "http://" + addr, log: &syncBuffer{}, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = s.log, s.log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { s.err = cmd.Wait(); close(s.done) }()
	t.Cleanup(func() {
		select {
		case <-s.done:
		default:
			_ = cmd.Process.Kill()
			<-s.done
		}
		if strings.Contains(s.log.String(), "panic") {
			t.Errorf("server %s logged a panic:\n%s", s.base, s.log.String())
		}
	})
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get(s.base + "/healthz")
		if err == nil {
			resp.Body.Close()
			return s
		}
		select {
		case <-s.done:
			t.Fatalf("casework serve exited: %v\n%s", s.err, s.log.String())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("casework serve did not start:\n%s", s.log.String())
		}
	}
}

// stop sends a signal and returns the exit code.
func (s *server) stop(sig os.Signal) int {
	_ = s.cmd.Process.Signal(sig)
	select {
	case <-s.done:
	case <-time.After(40 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
		s.t.Fatalf("server did not exit within 40s of %v", sig)
	}
	return s.cmd.ProcessState.ExitCode()
}

// agency is a demo agency loaded for the tests, with one supervisor's login
// and a worker of theirs with cases.
type agency struct {
	ownerURL, appURL string
	owner            *pgxpool.Pool
	today            time.Time
	supEmail         string
	worker           int64
	cases            []int64
}

// loadAgency migrates, seeds the demo (dated today in the agency's zone, as
// the server sees it) and makes the app's login.
func loadAgency(t *testing.T, ownerURL string, owner *pgxpool.Pool) *agency {
	t.Helper()
	ctx := context.Background()
	ny, _ := time.LoadLocation("America/New_York")
	y, m, d := time.Now().In(ny).Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	ds, _ := demo.Generate(demo.Options{Seed: 1, AsOf: today})
	if err := store.New(owner).LoadDataset(ctx, ds); err != nil {
		t.Fatal(err)
	}
	appURL, err := store.EnsureAppLogin(ctx, ownerURL, testdb.AppLogin)
	if err != nil {
		t.Fatal(err)
	}
	a := &agency{ownerURL: ownerURL, appURL: appURL, owner: owner, today: today}
	err = owner.QueryRow(ctx, `
		SELECT p.email, m.worker_id, array_agg(ca.case_id ORDER BY ca.case_id)
		FROM unit_supervisors s JOIN people p ON p.id = s.supervisor_id
		JOIN unit_members m ON m.unit_id = s.unit_id AND m.during @> $1::date
		JOIN case_assignments ca ON ca.worker_id = m.worker_id AND ca.during @> $1::date
		WHERE s.during @> $1::date
		GROUP BY p.email, m.worker_id ORDER BY p.email, m.worker_id LIMIT 1`, today).Scan(&a.supEmail, &a.worker, &a.cases)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// browser is one person's browser: a cookie jar, no redirects followed.
func browser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: 20 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// onServer points a browser's cookies at another instance: behind a load
// balancer both instances are the same site, so the same cookie goes to both.
func shareCookies(c *http.Client, from, to string) {
	fu, _ := url.Parse(from)
	tu, _ := url.Parse(to)
	c.Jar.SetCookies(tu, c.Jar.Cookies(fu))
}

func post(t *testing.T, c *http.Client, u string, form url.Values) (*http.Response, string) {
	t.Helper()
	resp, err := c.PostForm(u, form)
	if err != nil {
		t.Fatalf("POST %s: %v", u, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func get(t *testing.T, c *http.Client, u string) (*http.Response, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func signIn(t *testing.T, c *http.Client, base, email string) {
	t.Helper()
	resp, body := post(t, c, base+"/login", url.Values{"email": {email}, "password": {demo.Password}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in as %s on %s: %d\n%s", email, base, resp.StatusCode, body)
	}
}

var conferencePath = regexp.MustCompile(`^/conferences/(\d+)$`)

// startDraft opens a draft conference discussing the agency's first case and
// returns its id.
func (a *agency) startDraft(t *testing.T, c *http.Client, base string) int64 {
	t.Helper()
	resp, body := post(t, c, fmt.Sprintf("%s/workers/%d/conferences", base, a.worker),
		url.Values{"held_on": {a.today.Format(time.DateOnly)}, "case": {strconv.FormatInt(a.cases[0], 10)}})
	m := conferencePath.FindStringSubmatch(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusSeeOther || m == nil {
		t.Fatalf("start a draft on %s: %d %q\n%s", base, resp.StatusCode, resp.Header.Get("Location"), body)
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

// saveForm is the draft's form with the notes of its one case.
func (a *agency) saveForm(version int, notes string) url.Values {
	c := strconv.FormatInt(a.cases[0], 10)
	return url.Values{"version": {strconv.Itoa(version)}, "held_on": {a.today.Format(time.DateOnly)},
		"case": {c}, "c" + c + "-case-notes": {notes}}
}

// notes reads a draft's notes as the owner.
func (a *agency) notes(t *testing.T, conference int64) (string, int) {
	t.Helper()
	var notes string
	var version int
	err := a.owner.QueryRow(context.Background(), `
		SELECT cc.notes, k.version FROM conferences k JOIN conference_cases cc ON cc.conference_id = k.id
		WHERE k.id = $1 AND cc.case_id = $2`, conference, a.cases[0]).Scan(&notes, &version)
	if err != nil {
		t.Fatalf("conference %d: %v", conference, err)
	}
	return notes, version
}

// Two instances on one database serve the same people: a session made on
// one is honoured by the other, a draft saved through one is seen (and its
// version checked) through the other, a sign-out on one ends the session on
// both, and both delete expired sessions without stepping on each other.
func TestTwoInstancesServeTheSameUsers(t *testing.T) {
	ownerURL, owner := testdb.New(t)
	a := loadAgency(t, ownerURL, owner)
	env := []string{"SESSION_CLEANUP_INTERVAL=200ms"}
	one, two := startServer(t, a.appURL, env...), startServer(t, a.appURL, env...)

	c := browser()
	signIn(t, c, one.base, a.supEmail)
	shareCookies(c, one.base, two.base)
	if resp, body := get(t, c, two.base+"/unit"); resp.StatusCode != http.StatusOK {
		t.Fatalf("the session made on one instance is not honoured by the other: %d\n%s", resp.StatusCode, body)
	}

	// A dashboard kept by one instance is never shown after a change made
	// through the other: the change moves the unit's stamp.
	_, before := get(t, c, one.base+"/unit")
	if _, again := get(t, c, one.base+"/unit"); again != before {
		t.Fatal("the dashboard differs between two views with nothing changed")
	}
	resp, body := post(t, c, fmt.Sprintf("%s/cases/%d/risk", two.base, a.cases[0]),
		url.Values{"level": {"very_high"}, "on": {a.today.Format(time.DateOnly)}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("record a risk level through the second instance: %d\n%s", resp.StatusCode, body)
	}
	if _, after := get(t, c, one.base+"/unit"); after == before {
		t.Fatal("the first instance showed its kept dashboard after a risk level was recorded through the second")
	}

	id := a.startDraft(t, c, one.base)
	resp, body = post(t, c, fmt.Sprintf("%s/conferences/%d", two.base, id), a.saveForm(1, "saved through the second instance"))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save through the second instance: %d\n%s", resp.StatusCode, body)
	}
	if _, body := get(t, c, fmt.Sprintf("%s/conferences/%d", one.base, id)); !strings.Contains(body, "saved through the second instance") {
		t.Fatal("the draft saved through one instance is not seen through the other")
	}
	// A save from the version read before: refused on either instance, the
	// typed text shown back, nothing overwritten.
	resp, body = post(t, c, fmt.Sprintf("%s/conferences/%d", one.base, id), a.saveForm(1, "typed in an old tab"))
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "typed in an old tab") || !strings.Contains(body, "NOT saved") {
		t.Fatalf("a stale save through the other instance: %d", resp.StatusCode)
	}
	if notes, version := a.notes(t, id); notes != "saved through the second instance" || version != 2 {
		t.Fatalf("after the refused save: notes %q version %d", notes, version)
	}

	// Expired sessions (someone else's, long gone) are deleted by the
	// instances' cleanup, which both run; live sessions stay.
	ctx := context.Background()
	if _, err := owner.Exec(ctx, `INSERT INTO sessions (token, data, expiry)
		SELECT 'expired-' || g, '\x00', now() - interval '1 hour' FROM generate_series(1, 50) g`); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		var left int
		if err := owner.QueryRow(ctx, `SELECT count(*) FROM sessions WHERE token LIKE 'expired-%'`).Scan(&left); err != nil {
			t.Fatal(err)
		}
		if left == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d expired sessions left after 10s of cleanup by both instances", left)
		}
		time.Sleep(100 * time.Millisecond)
	}
	for _, s := range []*server{one, two} {
		if resp, _ := get(t, c, s.base+"/unit"); resp.StatusCode != http.StatusOK {
			t.Fatalf("the live session was lost on %s: %d", s.base, resp.StatusCode)
		}
	}

	// Signing out on one instance ends the session on both.
	if resp, _ := post(t, c, two.base+"/logout", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign out: %d", resp.StatusCode)
	}
	shareCookies(c, two.base, one.base)
	if resp, _ := get(t, c, one.base+"/unit"); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
		t.Fatalf("after signing out on one instance the other still serves the session: %d", resp.StatusCode)
	}
	for _, s := range []*server{one, two} {
		if log := s.log.String(); strings.Contains(log, "level=ERROR") {
			t.Errorf("%s logged errors:\n%s", s.base, log)
		}
		if code := s.stop(syscall.SIGTERM); code != 0 {
			t.Errorf("%s exited %d on SIGTERM", s.base, code)
		}
	}
}
