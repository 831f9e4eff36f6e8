// Command benchweb measures the web tier over a state-sized agency (issue #9,
// docs/performance.md). For each scale it seeds a database once (or reuses
// the one seeded for the same scale and as-of date), starts `casework
// serve` on 127.0.0.1, signs in as many different supervisors, casework
// supervisors and workers, and drives each page in turn with a closed loop of
// concurrent clients, printing p50, p95, p99, throughput and throughput as a
// ratio of /readyz's measured in the same run, with the server's resident
// memory.
//
// It talks only to 127.0.0.1 and every loop is bounded by a duration. Run it
// through `make bench-web`, which starts a private cluster and sets
// DATABASE_URL to its superuser URL.
package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/demo"
	"github.com/casework/casework/internal/rules"
	"github.com/casework/casework/internal/store"
)

type options struct {
	baseURL    string
	scales     []float64
	asOf       time.Time
	clients    int
	duration   time.Duration
	warmup     time.Duration
	users      int
	pages      []page
	casework   string
	logDir     string
	debugAddr  string
	profile    string
	rules      bool
	keepServer bool
	writes     float64 // events recorded per second while each page is measured
	digests    bool    // time the day's digests instead of the pages (digests.go)
}

// page is one page of the benchmark: who asks for it and where. The path may
// name {unit}, {worker} and {case}: each request fills them from the scope of
// the signed-in person who makes it.
type page struct {
	name string
	role string // "" for /readyz: no session
	path string
}

// defaultPages are the pages of issue #9; --page NAME=ROLE:PATH changes one
// or adds another.
var defaultPages = []page{
	{"readyz", "", "/readyz"},
	{"unit dashboard", "supervisor", "/unit"},
	{"worker page", "supervisor", "/workers/{worker}"},
	{"case page", "supervisor", "/cases/{case}"},
	{"area dashboard", "casework_supervisor", "/area"},
	{"worker agenda", "worker", "/agenda"},
}

func main() {
	o, err := parseFlags(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchweb:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "benchweb:", err)
		os.Exit(1)
	}
}

func parseFlags(args []string) (options, error) {
	var o options
	fs := flag.NewFlagSet("benchweb", flag.ContinueOnError)
	fs.StringVar(&o.baseURL, "url", os.Getenv("DATABASE_URL"), "a superuser URL of the cluster (make bench-web passes the private cluster's)")
	scales := fs.String("scales", "0.25,0.5,1", "comma-separated state scales to measure, in order")
	asOf := fs.String("as-of", "", "the agency's today, YYYY-MM-DD (default: today, the server's date)")
	fs.IntVar(&o.clients, "clients", 8, "concurrent clients (closed loop: each sends its next request when the last answers)")
	fs.DurationVar(&o.duration, "duration", 10*time.Second, "measured time per page")
	fs.DurationVar(&o.warmup, "warmup", 2*time.Second, "unmeasured time per page before it")
	fs.IntVar(&o.users, "users", 40, "distinct people signed in per role")
	pageNames := fs.String("pages", "", "comma-separated page names to measure (default: all): readyz, unit dashboard, ...")
	var extra []string
	fs.Func("page", "add or replace a page: NAME=ROLE:PATH (ROLE empty for no session), e.g. 'worker agenda=worker:/agenda'", func(s string) error {
		extra = append(extra, s)
		return nil
	})
	fs.StringVar(&o.casework, "casework", "bin/casework", "the casework binary")
	fs.StringVar(&o.logDir, "log-dir", filepath.Join(os.TempDir(), "benchweb"), "where the server logs go")
	fs.StringVar(&o.debugAddr, "debug-addr", "", "start the server with DEBUG_ADDR (pprof) on this 127.0.0.1 address")
	fs.StringVar(&o.profile, "cpu-profile", "", "with --debug-addr: write a CPU profile of each page's measured run into this directory")
	fs.BoolVar(&o.rules, "rules", true, "also time the rules engine over the whole state's facts loaded from PostgreSQL")
	fs.BoolVar(&o.keepServer, "keep-server", false, "leave the last server running (for poking at it by hand)")
	fs.Float64Var(&o.writes, "writes", 0, "a mixed load: record this many events a second on the signed-in supervisors' cases while each page is measured")
	fs.BoolVar(&o.digests, "digests", false, "time composing and queueing the whole state's daily digests (docs/notifications.md) instead of the pages")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if o.baseURL == "" {
		return o, errors.New("--url (or DATABASE_URL) is not set: run through `make bench-web`")
	}
	u, err := url.Parse(o.baseURL)
	if err != nil {
		return o, fmt.Errorf("--url: %v", err)
	}
	if h := u.Hostname(); h != "127.0.0.1" && h != "localhost" && h != "" {
		return o, fmt.Errorf("--url: the benchmark talks only to 127.0.0.1, not %q", h)
	}
	for _, s := range strings.Split(*scales, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil || !(v > 0 && v <= 1) {
			return o, fmt.Errorf("--scales: %q is not a fraction in (0, 1]", s)
		}
		o.scales = append(o.scales, v)
	}
	if *asOf == "" {
		y, m, d := time.Now().Date()
		o.asOf = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	} else if o.asOf, err = time.Parse(time.DateOnly, *asOf); err != nil {
		return o, fmt.Errorf("--as-of: %q is not a date", *asOf)
	}
	if o.clients < 1 || o.clients > 256 || o.duration <= 0 || o.duration > 10*time.Minute || o.users < 1 {
		return o, errors.New("--clients must be 1-256, --duration up to 10m, --users at least 1")
	}
	o.pages = slices.Clone(defaultPages)
	for _, e := range extra {
		name, rest, ok1 := strings.Cut(e, "=")
		role, path, ok2 := strings.Cut(rest, ":")
		if !ok1 || !ok2 || !strings.HasPrefix(path, "/") {
			return o, fmt.Errorf("--page %q: want NAME=ROLE:/PATH", e)
		}
		p := page{name, role, path}
		if i := slices.IndexFunc(o.pages, func(q page) bool { return q.name == name }); i >= 0 {
			o.pages[i] = p
		} else {
			o.pages = append(o.pages, p)
		}
	}
	if *pageNames != "" {
		var keep []page
		for _, n := range strings.Split(*pageNames, ",") {
			i := slices.IndexFunc(o.pages, func(q page) bool { return q.name == strings.TrimSpace(n) })
			if i < 0 {
				return o, fmt.Errorf("--pages: no page %q", n)
			}
			keep = append(keep, o.pages[i])
		}
		o.pages = keep
	}
	if o.pages[0].name != "readyz" && !slices.ContainsFunc(o.pages, func(p page) bool { return p.name == "readyz" }) {
		o.pages = append([]page{defaultPages[0]}, o.pages...) // the ratios need it
	}
	return o, nil
}

// result is one page's measurement.
type result struct {
	page               string
	n, errors          int
	p50, p95, p99, max time.Duration
	rps                float64
	errSample          string
	writes             writeStats // the background writes made meanwhile (--writes)
}

type scaleRun struct {
	scale   float64
	counts  map[string]int64
	results []result
	rssMax  int64 // kB, during the measured runs
	rssEnd  int64
	seeded  time.Duration
	rules   string
	exit    string
}

func run(ctx context.Context, o options) error {
	var runs []scaleRun
	for _, sc := range o.scales {
		r, err := runScale(ctx, o, sc)
		if err != nil {
			return fmt.Errorf("scale %g: %w", sc, err)
		}
		runs = append(runs, r)
		printScale(os.Stdout, o, r)
	}
	printGrowth(os.Stdout, o, runs)
	return nil
}

func dbName(scale float64) string {
	return "casework_state_" + strings.ReplaceAll(strconv.FormatFloat(scale, 'f', -1, 64), ".", "_")
}

func withDB(base, db string) string {
	u, _ := url.Parse(base)
	u.Path = "/" + db
	return u.String()
}

// ensureSeeded returns the URL of a database holding the state at this
// scale and as-of date, seeding it (through `casework seed --scale`) when
// there is none, it is of another date, or it was made by another version of
// the generator (the database's comment names the version, demo.StateVersion).
func ensureSeeded(ctx context.Context, o options, scale float64) (string, time.Duration, error) {
	name := dbName(scale)
	dbURL := withDB(o.baseURL, name)
	admin, err := pgx.Connect(ctx, withDB(o.baseURL, "postgres"))
	if err != nil {
		return "", 0, err
	}
	defer admin.Close(ctx)
	var exists bool
	if err := admin.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return "", 0, err
	}
	generated := fmt.Sprintf("casework state generator %d", demo.StateVersion)
	if exists {
		if c, err := pgx.Connect(ctx, dbURL); err == nil {
			var asOf time.Time
			var comment string
			err := c.QueryRow(ctx, `SELECT (chosen_at - interval '12 hours')::date + 1, coalesce(shobj_description(d.oid, 'pg_database'), '')
				FROM profile_choices, pg_database d WHERE chosen_by = 'seed' AND d.datname = current_database()`).Scan(&asOf, &comment)
			c.Close(ctx)
			if err == nil && asOf.Equal(o.asOf) && comment == generated {
				fmt.Fprintf(os.Stderr, "benchweb: reusing %s (scale %g, as of %s)\n", name, scale, o.asOf.Format(time.DateOnly))
				cmd := exec.CommandContext(ctx, o.casework, "migrate", "up") // the schema of this build
				cmd.Env, cmd.Stdout, cmd.Stderr = append(os.Environ(), "DATABASE_URL="+dbURL), os.Stderr, os.Stderr
				if err := cmd.Run(); err != nil {
					return "", 0, fmt.Errorf("casework migrate up: %w", err)
				}
				return dbURL, 0, nil
			}
		}
		fmt.Fprintf(os.Stderr, "benchweb: %s is of another date, another generator or incomplete: seeding it again\n", name)
		if _, err := admin.Exec(ctx, "DROP DATABASE "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			return "", 0, err
		}
	}
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return "", 0, err
	}
	start := time.Now()
	env := append(os.Environ(), "MIGRATION_DATABASE_URL="+dbURL, "DATABASE_URL="+dbURL)
	for _, args := range [][]string{{"migrate", "up"}, {"seed", "--scale", strconv.FormatFloat(scale, 'f', -1, 64), "--as-of", o.asOf.Format(time.DateOnly)}} {
		cmd := exec.CommandContext(ctx, o.casework, args...)
		cmd.Env, cmd.Stdout, cmd.Stderr = env, os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			// A half-seeded database must not be reused.
			_, _ = admin.Exec(context.Background(), "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
			return "", 0, fmt.Errorf("casework %s: %w", strings.Join(args, " "), err)
		}
	}
	if _, err := admin.Exec(ctx, "COMMENT ON DATABASE "+pgx.Identifier{name}.Sanitize()+" IS '"+generated+"'"); err != nil {
		return "", 0, err
	}
	took := time.Since(start)
	// Let the load settle before measuring: a checkpoint, then the kernel's
	// writeback of the files just written. Measured right after a load, the
	// pages ran at a third of their speed while the disk caught up.
	if _, err := admin.Exec(ctx, "CHECKPOINT"); err != nil {
		return "", 0, err
	}
	syscall.Sync()
	return dbURL, took, nil
}

func runScale(ctx context.Context, o options, scale float64) (scaleRun, error) {
	r := scaleRun{scale: scale}
	dbURL, seeded, err := ensureSeeded(ctx, o, scale)
	if err != nil {
		return r, err
	}
	r.seeded = seeded
	if r.counts, err = countRows(ctx, dbURL); err != nil {
		return r, err
	}
	if o.digests {
		return r, digestBench(ctx, dbURL, o.asOf)
	}
	if o.rules {
		r.rules = rulesBench(ctx, dbURL, o.asOf)
		fmt.Fprintf(os.Stderr, "benchweb: rules over the whole state: %s\n", r.rules)
	}
	appURL, err := store.EnsureAppLogin(ctx, dbURL, "casework_web")
	if err != nil {
		return r, err
	}
	srv, err := startServer(ctx, o, appURL, scale)
	if err != nil {
		return r, err
	}
	stopped := false
	defer func() {
		if !stopped && !o.keepServer {
			srv.stop()
		}
	}()
	people, err := pickPeople(ctx, dbURL, o)
	if err != nil {
		return r, err
	}
	fmt.Fprintf(os.Stderr, "benchweb: signing in %d supervisors, %d casework supervisors, %d workers\n",
		len(people["supervisor"]), len(people["casework_supervisor"]), len(people["worker"]))
	tr := &http.Transport{MaxIdleConns: 4 * o.clients, MaxIdleConnsPerHost: 4 * o.clients, IdleConnTimeout: time.Minute}
	defer tr.CloseIdleConnections()
	if err := signIn(ctx, srv.base, tr, people); err != nil {
		return r, err
	}
	if err := settle(ctx, o, dbURL, srv.base, tr, people); err != nil {
		return r, err
	}
	rss := srv.watchRSS()
	for _, p := range o.pages {
		if err := ctx.Err(); err != nil {
			return r, err
		}
		if p.role != "" && len(people[p.role]) == 0 {
			fmt.Fprintf(os.Stderr, "benchweb: no %s to ask for %s: skipped\n", p.role, p.name)
			continue
		}
		if o.warmup > 0 {
			drive(ctx, srv.base, tr, p, people, o.clients, o.warmup)
		}
		rss.reset()
		stopProfile := srv.profile(o, p.name)
		stopWrites := writeLoad(ctx, srv.base, people, o)
		res := drive(ctx, srv.base, tr, p, people, o.clients, o.duration)
		res.writes = stopWrites()
		stopProfile()
		r.rssMax = max(r.rssMax, rss.peak())
		r.results = append(r.results, res)
		fmt.Fprintf(os.Stderr, "benchweb: %-16s n=%d errors=%d p50=%s p95=%s p99=%s %.0f/s\n", p.name, res.n, res.errors, ms(res.p50), ms(res.p95), ms(res.p99), res.rps)
		if res.errSample != "" {
			fmt.Fprintf(os.Stderr, "benchweb:   first error: %s\n", res.errSample)
		}
		if o.writes > 0 {
			fmt.Fprintf(os.Stderr, "benchweb:   meanwhile %d events recorded (%d errors), p95 %s\n", res.writes.n, res.writes.errors, ms(res.writes.p95))
		}
	}
	rss.stop()
	r.rssEnd = rssOf(srv.cmd.Process.Pid)
	if !o.keepServer {
		r.exit, stopped = srv.stop(), true
	}
	return r, nil
}

func countRows(ctx context.Context, dbURL string) (map[string]int64, error) {
	c, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return nil, err
	}
	defer c.Close(ctx)
	out := map[string]int64{}
	for _, q := range []struct{ name, sql string }{
		{"offices", "SELECT count(*) FROM offices"},
		{"units", "SELECT count(*) FROM units"},
		{"workers", "SELECT count(*) FROM people WHERE role = 'worker' AND active"},
		{"open cases", "SELECT count(*) FROM cases WHERE closed IS NULL"},
		{"events", "SELECT count(*) FROM events"},
		{"conferences", "SELECT count(*) FROM conferences"},
		{"discussed cases", "SELECT count(*) FROM conference_cases"},
		{"audit entries", "SELECT count(*) FROM audit_log"},
		{"database MB", "SELECT pg_database_size(current_database()) / (1024 * 1024)"},
	} {
		var n int64
		if err := c.QueryRow(ctx, q.sql).Scan(&n); err != nil {
			return nil, fmt.Errorf("%s: %w", q.name, err)
		}
		out[q.name] = n
	}
	return out, nil
}

// person is someone the benchmark signs in as, with the ids their pages name.
type person struct {
	email   string
	units   []int64
	workers []int64
	cases   []int64
	client  *http.Client
}

// pickPeople chooses, reproducibly, people of each role in post today, with
// the workers and cases of their scope.
func pickPeople(ctx context.Context, dbURL string, o options) (map[string][]*person, error) {
	c, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return nil, err
	}
	defer c.Close(ctx)
	out := map[string][]*person{}
	on := o.asOf
	// Supervisors with their unit, its workers today and their open cases.
	rows, err := c.Query(ctx, `
		SELECT p.email, s.unit_id,
		       array(SELECT m.worker_id FROM unit_members m WHERE m.unit_id = s.unit_id AND m.during @> $1::date ORDER BY 1),
		       array(SELECT a.case_id FROM unit_members m JOIN case_assignments a ON a.worker_id = m.worker_id AND a.during @> $1::date
		             JOIN cases k ON k.id = a.case_id AND k.closed IS NULL
		             WHERE m.unit_id = s.unit_id AND m.during @> $1::date ORDER BY 1)
		FROM unit_supervisors s JOIN people p ON p.id = s.supervisor_id
		WHERE s.during @> $1::date AND p.active ORDER BY md5(p.email) LIMIT $2`, on, o.users)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		p := &person{}
		var unit int64
		if err := rows.Scan(&p.email, &unit, &p.workers, &p.cases); err != nil {
			return nil, err
		}
		p.units = []int64{unit}
		if len(p.workers) > 0 && len(p.cases) > 0 {
			out["supervisor"] = append(out["supervisor"], p)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = c.Query(ctx, `
		SELECT p.email FROM people p WHERE p.role = 'casework_supervisor' AND p.active
		  AND EXISTS (SELECT 1 FROM supervisor_reports r WHERE r.casework_supervisor_id = p.id AND r.during @> $1::date)
		ORDER BY md5(p.email) LIMIT $2`, on, o.users)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		p := &person{}
		if err := rows.Scan(&p.email); err != nil {
			return nil, err
		}
		out["casework_supervisor"] = append(out["casework_supervisor"], p)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = c.Query(ctx, `
		SELECT p.email, p.id, array(SELECT a.case_id FROM case_assignments a JOIN cases k ON k.id = a.case_id AND k.closed IS NULL
		                            WHERE a.worker_id = p.id AND a.during @> $1::date ORDER BY 1)
		FROM people p JOIN unit_members m ON m.worker_id = p.id AND m.during @> $1::date
		WHERE p.role = 'worker' AND p.active ORDER BY md5(p.email) LIMIT $2`, on, o.users)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		p := &person{}
		var id int64
		if err := rows.Scan(&p.email, &id, &p.cases); err != nil {
			return nil, err
		}
		p.workers = []int64{id}
		out["worker"] = append(out["worker"], p)
	}
	return out, rows.Err()
}

// signIn signs everyone in, two at a time: each sign-in checks an argon2id
// hash (64 MiB), which is the server's dearest request by design.
func signIn(ctx context.Context, base string, tr *http.Transport, people map[string][]*person) error {
	var all []*person
	for _, ps := range people {
		all = append(all, ps...)
	}
	var wg sync.WaitGroup
	errc := make(chan error, len(all))
	sem := make(chan struct{}, 2)
	for _, p := range all {
		jar, _ := cookiejar.New(nil)
		p.client = &http.Client{Transport: tr, Jar: jar, Timeout: 30 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			form := url.Values{"email": {p.email}, "password": {demo.Password}}
			req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/login", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			resp, err := p.client.Do(req)
			if err != nil {
				errc <- err
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusSeeOther {
				errc <- fmt.Errorf("sign in as %s: %s", p.email, resp.Status)
			}
		}()
	}
	wg.Wait()
	close(errc)
	return <-errc
}

// settle runs every page once for the warm-up time, then has PostgreSQL
// analyze the tables page views write (the audit log, its case references,
// the sessions). On a freshly seeded database the audit log starts empty and
// grows by thousands of entries a second under the benchmark; plans made
// while it looked empty (a scan of the whole log to find one case's entries)
// last until autovacuum analyzes it, a minute or two in, and whichever page
// was measured in that minute ran at half speed. A state in service has a
// log of years; this measures that steady state, not the first minute of a
// new installation (docs/performance.md).
func settle(ctx context.Context, o options, dbURL, base string, tr *http.Transport, people map[string][]*person) error {
	if o.warmup > 0 {
		for _, p := range o.pages {
			if p.role == "" || len(people[p.role]) > 0 {
				drive(ctx, base, tr, p, people, o.clients, o.warmup)
			}
		}
	}
	c, err := pgx.Connect(ctx, dbURL) // the superuser's, as for seeding
	if err != nil {
		return err
	}
	defer c.Close(ctx)
	_, err = c.Exec(ctx, "ANALYZE audit_log, audit_case_refs, sessions")
	return err
}

// writeStats are the background writes made while one page was measured.
type writeStats struct {
	n, errors int
	p95       time.Duration
}

// writeLoad records events (a collateral contact, dated today) on random
// cases of the signed-in supervisors, o.writes a second, until the function
// it returns is called. Each write moves its unit's version, so the next view
// of that unit's dashboard, its workers' pages or its area is computed
// afresh: the benchmark's pages under a mixed load.
func writeLoad(ctx context.Context, base string, people map[string][]*person, o options) func() writeStats {
	if o.writes <= 0 || len(people["supervisor"]) == 0 {
		return func() writeStats { return writeStats{} }
	}
	ctx, cancel := context.WithCancel(ctx)
	var mu sync.Mutex
	var lat []time.Duration
	errs := 0
	done := make(chan struct{})
	go func() {
		defer close(done)
		rng := rand.New(rand.NewPCG(7, 7))
		tick := time.NewTicker(time.Duration(float64(time.Second) / o.writes))
		defer tick.Stop()
		var wg sync.WaitGroup
		defer wg.Wait()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			sups := people["supervisor"]
			who := sups[rng.IntN(len(sups))]
			if len(who.cases) == 0 {
				continue
			}
			path := fmt.Sprintf("%s/cases/%d/events", base, who.cases[rng.IntN(len(who.cases))])
			wg.Add(1)
			go func() {
				defer wg.Done()
				form := url.Values{"kind": {"collateral_contact"}, "on": {o.asOf.Format(time.DateOnly)}}
				req, _ := http.NewRequestWithContext(context.WithoutCancel(ctx), http.MethodPost, path, strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				t := time.Now()
				resp, err := who.client.Do(req)
				if err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusSeeOther {
						err = fmt.Errorf("POST %s: %s", path, resp.Status)
					}
				}
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					errs++
					return
				}
				lat = append(lat, time.Since(t))
			}()
		}
	}()
	return func() writeStats {
		cancel()
		<-done
		slices.Sort(lat)
		ws := writeStats{n: len(lat), errors: errs}
		if len(lat) > 0 {
			ws.p95 = lat[min(len(lat)-1, int(0.95*float64(len(lat))))]
		}
		return ws
	}
}

// drive runs a closed loop of n clients on one page for d and measures it.
func drive(ctx context.Context, base string, tr *http.Transport, p page, people map[string][]*person, n int, d time.Duration) result {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	anon := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	var mu sync.Mutex
	var all []time.Duration
	var errs atomic.Int64
	var firstErr atomic.Value
	start := time.Now()
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(i), 9))
			lat := make([]time.Duration, 0, 4096)
			for ctx.Err() == nil {
				cl, path := anon, p.path
				if p.role != "" {
					who := people[p.role][rng.IntN(len(people[p.role]))]
					cl, path = who.client, fill(p.path, who, rng)
				}
				req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
				t := time.Now()
				resp, err := cl.Do(req)
				if err == nil {
					_, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if err == nil && resp.StatusCode != http.StatusOK {
						err = fmt.Errorf("GET %s: %s", path, resp.Status)
					}
				}
				took := time.Since(t)
				if ctx.Err() != nil {
					break // the deadline cut this request short: not a measurement
				}
				if err != nil {
					errs.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
					continue
				}
				lat = append(lat, took)
			}
			mu.Lock()
			all = append(all, lat...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	slices.Sort(all)
	res := result{page: p.name, n: len(all), errors: int(errs.Load()), rps: float64(len(all)) / elapsed.Seconds()}
	if s, ok := firstErr.Load().(string); ok {
		res.errSample = s
	}
	if len(all) > 0 {
		q := func(f float64) time.Duration { return all[min(len(all)-1, int(f*float64(len(all))))] }
		res.p50, res.p95, res.p99, res.max = q(0.50), q(0.95), q(0.99), all[len(all)-1]
	}
	return res
}

func fill(path string, who *person, rng *rand.Rand) string {
	pick := func(ids []int64) string {
		if len(ids) == 0 {
			return "0"
		}
		return strconv.FormatInt(ids[rng.IntN(len(ids))], 10)
	}
	path = strings.ReplaceAll(path, "{unit}", pick(who.units))
	path = strings.ReplaceAll(path, "{worker}", pick(who.workers))
	return strings.ReplaceAll(path, "{case}", pick(who.cases))
}

// server is a `casework serve` child process.
type server struct {
	cmd   *exec.Cmd
	base  string
	debug string
	done  chan error
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

func startServer(ctx context.Context, o options, appURL string, scale float64) (*server, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(o.logDir, 0o755); err != nil {
		return nil, err
	}
	logPath := filepath.Join(o.logDir, fmt.Sprintf("serve-%s.log", dbName(scale)))
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(o.casework, "serve")
	cmd.Env = append(os.Environ(), "DATABASE_URL="+appURL, "LISTEN_ADDR="+addr)
	if o.debugAddr != "" {
		cmd.Env = append(cmd.Env, "DEBUG_ADDR="+o.debugAddr)
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, err
	}
	s := &server{cmd: cmd, base: "http://" + addr, debug: o.debugAddr, done: make(chan error, 1)}
	go func() { s.done <- cmd.Wait(); logf.Close() }()
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(s.base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				fmt.Fprintf(os.Stderr, "benchweb: server pid %d on %s (log %s)\n", cmd.Process.Pid, addr, logPath)
				return s, nil
			}
		}
		select {
		case err := <-s.done:
			return nil, fmt.Errorf("casework serve exited: %v (see %s)", err, logPath)
		case <-ctx.Done():
			s.stop()
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, fmt.Errorf("casework serve not ready within 30s (see %s)", logPath)
		}
	}
}

// stop sends SIGTERM and reports how the server exited.
func (s *server) stop() string {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.done:
		if err != nil {
			return err.Error()
		}
		return "exit 0"
	case <-time.After(40 * time.Second):
		_ = s.cmd.Process.Kill()
		return "killed after 40s"
	}
}

// profile records a CPU profile of the server while a page is measured.
func (s *server) profile(o options, name string) func() {
	if s.debug == "" || o.profile == "" {
		return func() {}
	}
	secs := int(o.duration.Seconds())
	done := make(chan struct{})
	go func() {
		defer close(done)
		resp, err := http.Get(fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", s.debug, secs))
		if err != nil {
			fmt.Fprintln(os.Stderr, "benchweb: profile:", err)
			return
		}
		defer resp.Body.Close()
		_ = os.MkdirAll(o.profile, 0o755)
		f, err := os.Create(filepath.Join(o.profile, strings.ReplaceAll(name, " ", "_")+".pprof"))
		if err != nil {
			return
		}
		defer f.Close()
		_, _ = io.Copy(f, resp.Body)
	}()
	return func() { <-done }
}

// rssWatch samples the server's resident memory.
type rssWatch struct {
	pid  int
	max  atomic.Int64
	quit chan struct{}
}

func (s *server) watchRSS() *rssWatch {
	w := &rssWatch{pid: s.cmd.Process.Pid, quit: make(chan struct{})}
	go func() {
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-w.quit:
				return
			case <-t.C:
				if v := rssOf(w.pid); v > w.max.Load() {
					w.max.Store(v)
				}
			}
		}
	}()
	return w
}

func (w *rssWatch) reset()      { w.max.Store(rssOf(w.pid)) }
func (w *rssWatch) peak() int64 { return w.max.Load() }
func (w *rssWatch) stop()       { close(w.quit) }

// rssOf reads VmRSS (kB) of a process from /proc (Linux).
func rssOf(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			f := strings.Fields(rest)
			if len(f) > 0 {
				v, _ := strconv.ParseInt(f[0], 10, 64)
				return v
			}
		}
	}
	return 0
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

func printScale(w io.Writer, o options, r scaleRun) {
	host, _ := os.Hostname()
	_ = host
	fmt.Fprintf(w, "\n### Scale %g: %d offices, %d units, %d workers, %d open cases, %d events, %d conferences (%d discussed cases), %d MB\n\n",
		r.scale, r.counts["offices"], r.counts["units"], r.counts["workers"], r.counts["open cases"], r.counts["events"],
		r.counts["conferences"], r.counts["discussed cases"], r.counts["database MB"])
	fmt.Fprintf(w, "%d clients, %s per page after %s warm-up, as of %s; %s.\n\n", o.clients, o.duration, o.warmup, o.asOf.Format(time.DateOnly), machine())
	if o.writes > 0 {
		fmt.Fprintf(w, "Mixed load: %g events a second recorded on the %d signed-in supervisors' cases while each page is measured.\n\n", o.writes, o.users)
		fmt.Fprintln(w, "| page | requests | errors | p50 | p95 | p99 | max | req/s | ratio to /readyz | writes meanwhile (errors, p95) |")
		fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	} else {
		fmt.Fprintln(w, "| page | requests | errors | p50 | p95 | p99 | max | req/s | ratio to /readyz |")
		fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|---:|")
	}
	var ready float64
	for _, x := range r.results {
		if x.page == "readyz" {
			ready = x.rps
		}
	}
	for _, x := range r.results {
		ratio := "-"
		if ready > 0 {
			ratio = fmt.Sprintf("%.0f%%", 100*x.rps/ready)
		}
		fmt.Fprintf(w, "| %s | %d | %d | %s | %s | %s | %s | %.0f | %s |", x.page, x.n, x.errors, ms(x.p50), ms(x.p95), ms(x.p99), ms(x.max), x.rps, ratio)
		if o.writes > 0 {
			fmt.Fprintf(w, " %d (%d, %s) |", x.writes.n, x.writes.errors, ms(x.writes.p95))
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "\nServer resident memory: peak %d MB while measured, %d MB at the end; SIGTERM: %s.\n", r.rssMax/1024, r.rssEnd/1024, r.exit)
	if r.seeded > 0 {
		fmt.Fprintf(w, "Seeded in %.0fs.\n", r.seeded.Seconds())
	}
	if r.rules != "" {
		fmt.Fprintf(w, "Rules engine over the whole state's facts from PostgreSQL: %s.\n", r.rules)
	}
}

func printGrowth(w io.Writer, o options, runs []scaleRun) {
	if len(runs) < 2 {
		return
	}
	fmt.Fprintf(w, "\n### Growth: p95 (req/s) by scale\n\n| page |")
	for _, r := range runs {
		fmt.Fprintf(w, " scale %g (%d open cases) |", r.scale, r.counts["open cases"])
	}
	fmt.Fprint(w, "\n|---|")
	for range runs {
		fmt.Fprint(w, "---:|")
	}
	fmt.Fprintln(w)
	for _, p := range o.pages {
		fmt.Fprintf(w, "| %s |", p.name)
		for _, r := range runs {
			i := slices.IndexFunc(r.results, func(x result) bool { return x.page == p.name })
			if i < 0 {
				fmt.Fprint(w, " - |")
				continue
			}
			fmt.Fprintf(w, " %s (%.0f/s) |", ms(r.results[i].p95), r.results[i].rps)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprint(w, "| server RSS peak |")
	for _, r := range runs {
		fmt.Fprintf(w, " %d MB |", r.rssMax/1024)
	}
	fmt.Fprint(w, "\n| rules, whole state |")
	for _, r := range runs {
		fmt.Fprintf(w, " %s |", r.rules)
	}
	fmt.Fprintln(w)
}

// machine describes the host in one phrase: CPUs, memory, Go.
func machine() string {
	mem := ""
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if rest, ok := strings.CutPrefix(line, "MemTotal:"); ok {
				if f := strings.Fields(rest); len(f) > 0 {
					kb, _ := strconv.ParseInt(f[0], 10, 64)
					mem = fmt.Sprintf(", %d GiB", (kb+512*1024)/(1024*1024))
				}
			}
		}
	}
	model := ""
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if rest, ok := strings.CutPrefix(line, "model name"); ok {
				model = " " + strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(rest), ":"))
				break
			}
		}
	}
	return fmt.Sprintf("%d CPUs%s%s, %s/%s, %s", runtime.NumCPU(), model, mem, runtime.GOOS, runtime.GOARCH, runtime.Version())
}

// rulesBench loads the whole state's facts from PostgreSQL and evaluates the
// rules for all of them, timing both, five times: the median run, with the
// best and the worst (a best of three flattered a target a busy day must
// meet too).
func rulesBench(ctx context.Context, dbURL string, asOf time.Time) string {
	st, err := store.Open(ctx, dbURL)
	if err != nil {
		return "error: " + err.Error()
	}
	defer st.Close()
	admin := access.Viewer{Role: access.Administrator, Name: "benchweb"}
	// A batch job over a whole state allocates about a gigabyte that lives
	// only for the run: collect less often (GOGC=400), as such a job would.
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	if path := os.Getenv("BENCHWEB_RULES_PROFILE"); path != "" { // where the load's time goes
		if f, err := os.Create(path); err == nil {
			_ = pprof.StartCPUProfile(f)
			defer func() { pprof.StopCPUProfile(); f.Close() }()
		}
	}
	type run struct {
		load, total time.Duration
	}
	var runs []run
	var counts string
	for range 5 {
		runtime.GC()
		start := time.Now()
		f, err := st.AgencyFacts(ctx, admin, asOf)
		if err != nil {
			return "error: " + err.Error()
		}
		loaded := time.Since(start)
		res, err := rules.Evaluate(f, rules.Options{})
		if err != nil {
			return "error: " + err.Error()
		}
		runs = append(runs, run{loaded, time.Since(start)})
		counts = fmt.Sprintf("%d obligations for %d cases, %d events, %d conferences",
			len(res.Obligations), len(f.Cases), len(f.Events), len(f.Conferences))
	}
	slices.SortFunc(runs, func(a, b run) int { return cmp.Compare(a.total, b.total) })
	m := runs[len(runs)/2]
	return fmt.Sprintf("%s in %.2fs, the median of %d runs (load %.2fs, evaluate %.2fs; best %.2fs, worst %.2fs)",
		counts, m.total.Seconds(), len(runs), m.load.Seconds(), (m.total - m.load).Seconds(),
		runs[0].total.Seconds(), runs[len(runs)-1].total.Seconds())
}
