package notify_test

import (
	"context"
	"crypto/tls"
	"io"
	"log/slog"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/config"
	"github.com/casework/casework/internal/demo"
	"github.com/casework/casework/internal/notify"
	"github.com/casework/casework/internal/rules"
	"github.com/casework/casework/internal/store"
	"github.com/casework/casework/internal/testdb"
)

// The demo agency's date: its history ends the day before.
var today = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)

type env struct {
	st    *store.Store
	owner *pgxpool.Pool
	mail  *mailServer
	loc   *time.Location
	mu    sync.Mutex
	now   time.Time
}

func (e *env) clock() time.Time { e.mu.Lock(); defer e.mu.Unlock(); return e.now }
func (e *env) advance(d time.Duration) {
	e.mu.Lock()
	e.now = e.now.Add(d)
	e.mu.Unlock()
}

// setup seeds the demo agency, starts a mail server and sets the clock to
// noon on the demo's date, after the digest hour.
func setup(t *testing.T) *env {
	t.Helper()
	owner, st := testdb.App(t)
	d, _ := demo.Generate(demo.Options{Seed: 1, AsOf: today})
	if err := store.New(owner).LoadDataset(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	return &env{st: st, owner: owner, mail: startMailServer(t), loc: loc, now: time.Date(2026, 11, 23, 12, 0, 0, 0, loc)}
}

func (e *env) notifier(t *testing.T) *notify.Notifier {
	t.Helper()
	s, err := config.ParseSMTP("smtp://" + e.mail.addr)
	if err != nil {
		t.Fatal(err)
	}
	return &notify.Notifier{Store: e.st, Mailer: &notify.Mailer{SMTP: *s, From: "Casework <casework@agency.test>", Timeout: 5 * time.Second},
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: e.clock, Location: e.loc, DigestHour: 7,
		BaseURL: "http://casework.test"}
}

func (e *env) run(t *testing.T, n *notify.Notifier) notify.Stats {
	t.Helper()
	st, err := n.RunOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func (e *env) scalar(t *testing.T, q string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := e.owner.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// section returns the "- " lines of a plain-text section.
func section(text, title string) []string {
	var out []string
	in := false
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimRight(line, "\r")
		if strings.HasPrefix(line, "== ") {
			in = line == "== "+title+" =="
			continue
		}
		if in && strings.HasPrefix(line, "- ") {
			out = append(out, strings.TrimPrefix(line, "- "))
		}
	}
	sort.Strings(out)
	return out
}

func byRecipient(msgs []received) map[string][]received {
	out := map[string][]received{}
	for _, m := range msgs {
		out[m.To] = append(out[m.To], m)
	}
	return out
}

// The supervisor's digest holds exactly the overdue obligations, and those
// due within a week, that the rules engine gives for the unit on the same
// clock (the unit dashboard's own evaluation); a second run sends nothing;
// the mail names cases by number only and says nothing in rule ids.
func TestDigestsHoldExactlyTheUnitsObligations(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	n := e.notifier(t)
	first := e.run(t, n)
	if first.Composed == 0 || first.Sent != first.Composed || first.Retry+first.Failed != 0 {
		t.Fatalf("first run: %v", first)
	}
	got := byRecipient(e.mail.messages())

	var supID, unitID int64
	var supEmail string
	if err := e.owner.QueryRow(ctx, `
		SELECT p.id, us.unit_id, p.email FROM people p JOIN unit_supervisors us ON us.supervisor_id = p.id AND us.during @> $1::date
		ORDER BY p.id LIMIT 1`, today).Scan(&supID, &unitID, &supEmail); err != nil {
		t.Fatal(err)
	}
	sup := access.Viewer{PersonID: supID, Role: access.Supervisor}
	f, ids, err := e.st.UnitFacts(ctx, sup, unitID, today)
	if err != nil {
		t.Fatal(err)
	}
	res, err := rules.Evaluate(f, rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	unit, err := e.st.UnitRead(ctx, sup, unitID, today, today)
	if err != nil {
		t.Fatal(err)
	}
	roster := unit.Roster
	workerName := map[string]string{}
	for _, w := range roster.Workers {
		for fid, pid := range ids.People {
			if pid == w.PersonID {
				workerName[fid] = w.Name
			}
		}
	}
	// The unit's facts carry the staff its conferences and emergent
	// requests name from outside it: the casework supervisor asked, and a
	// supervisor of another unit who reviewed or asked about a case while
	// it was there. Their obligations are not the unit's, and its digest
	// leaves them out.
	named := map[string]bool{}
	for _, q := range f.Emergent {
		named[q.CaseworkSupervisor], named[q.RequestedBy] = true, true
	}
	for _, k := range f.Conferences {
		named[k.Supervisor], named[k.CaseworkSupervisor] = true, true
	}
	var wantOverdue, wantSoon []string
	week := res.AsOf.AddDays(7)
	for _, o := range res.Obligations {
		if o.State != rules.StateOverdue && !(o.State == rules.StateOpen && !o.Due.After(week)) {
			continue
		}
		var line string
		switch {
		case ids.Cases[o.Subject] != 0:
			line = notify.ObligationLine(o.Subject, res.Label(o), o)
		case workerName[o.Subject] != "":
			line = notify.ObligationLine("", res.Label(o)+" ("+workerName[o.Subject]+")", o)
		case ids.People[o.Subject] == supID:
			line = notify.ObligationLine("", res.Label(o), o)
		case named[o.Subject]:
			continue
		default:
			t.Errorf("an obligation of the unit's evaluation for someone outside the unit: %+v", o)
			continue
		}
		if o.State == rules.StateOverdue {
			wantOverdue = append(wantOverdue, line)
		} else {
			wantSoon = append(wantSoon, line)
		}
	}
	sort.Strings(wantOverdue)
	sort.Strings(wantSoon)
	if len(wantOverdue) == 0 {
		t.Fatal("the seeded unit owes nothing overdue: the test would prove nothing")
	}
	mine := got[supEmail]
	if len(mine) != 1 {
		t.Fatalf("the supervisor received %d messages, want one digest", len(mine))
	}
	d := mine[0]
	t.Logf("%d messages; the unit owes %d overdue and %d due within a week", first.Sent, len(wantOverdue), len(wantSoon))
	if diff := cmp.Diff(wantOverdue, section(d.Text, "Overdue")); diff != "" {
		t.Errorf("the digest's overdue obligations differ from the unit's evaluation (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantSoon, section(d.Text, "Due within 7 days")); diff != "" {
		t.Errorf("the digest's obligations due within a week differ from the unit's evaluation (-want +got):\n%s", diff)
	}
	if !strings.HasPrefix(d.Subject, "Casework daily digest for ") || d.HTML == "" || d.Text == "" {
		t.Errorf("want a digest with a plain-text and an HTML part: subject %q, %d and %d bytes", d.Subject, len(d.Text), len(d.HTML))
	}
	stop := "http://casework.test/settings/notifications?stop=digest"
	if !strings.Contains(d.Text, stop) || !strings.Contains(d.HTML, strings.ReplaceAll(stop, "&", "&amp;")) ||
		d.Header.Get("List-Unsubscribe") != "<"+stop+">" {
		t.Errorf("the digest lacks its unsubscribe link (List-Unsubscribe %q)", d.Header.Get("List-Unsubscribe"))
	}

	// Every role has its digest, and no message carries a family's name
	// (other than one that is also a member of staff's name, which a
	// message may name), a rule id, or conference text.
	roles := map[string]int{}
	for to := range got {
		var role string
		if err := e.owner.QueryRow(ctx, `SELECT role FROM people WHERE email = $1`, to).Scan(&role); err != nil {
			t.Fatal(err)
		}
		roles[role]++
	}
	for _, r := range []string{"worker", "supervisor", "casework_supervisor"} {
		if roles[r] == 0 {
			t.Errorf("no %s received a digest: %v", r, roles)
		}
	}
	rows, err := e.owner.Query(ctx, `
		SELECT DISTINCT c.family_name FROM cases c
		WHERE NOT EXISTS (SELECT 1 FROM people p WHERE p.full_name ILIKE '%' || c.family_name || '%')`)
	if err != nil {
		t.Fatal(err)
	}
	var families []string
	for rows.Next() {
		var s string
		_ = rows.Scan(&s)
		families = append(families, s)
	}
	rows.Close()
	ruleIDs := map[string]bool{}
	for _, o := range res.Obligations {
		ruleIDs[o.Rule] = true
	}
	notes := regexp.MustCompile(`(?i)progress|discussion`)
	for _, m := range e.mail.messages() {
		for _, part := range []string{m.Subject, m.Text, m.HTML} {
			for _, fam := range families {
				if regexp.MustCompile(`\b` + regexp.QuoteMeta(fam) + `\b`).MatchString(part) {
					t.Errorf("a message to %s names the family %q", m.To, fam)
				}
			}
			for id := range ruleIDs {
				if strings.Contains(part, id) {
					t.Errorf("a message to %s carries the rule id %q", m.To, id)
				}
			}
			if notes.MatchString(part) {
				t.Errorf("a message to %s carries conference words: %q", m.To, notes.FindString(part))
			}
		}
	}

	// A second run on the same day sends nothing new.
	second := e.run(t, n)
	if second != (notify.Stats{}) || len(e.mail.messages()) != first.Sent {
		t.Fatalf("second run: %v, %d messages received in all (first run sent %d)", second, len(e.mail.messages()), first.Sent)
	}
}

// With the server going down part-way and back later, every message arrives
// once: those not sent wait and are sent when it is back.
func TestServerStoppedMidRunEveryMessageArrivesOnce(t *testing.T) {
	e := setup(t)
	e.mail.mu.Lock()
	e.mail.stopAt = 5
	e.mail.mu.Unlock()
	n := e.notifier(t)
	first := e.run(t, n)
	if first.Sent != 5 || first.Retry == 0 {
		t.Fatalf("first run: %v, want 5 sent before the server went down and the rest to retry", first)
	}
	// Still down: nothing sent, nothing lost.
	e.advance(10 * time.Minute)
	down := e.run(t, n)
	if down.Sent != 0 || down.Retry != first.Retry {
		t.Fatalf("while the server is down: %v", down)
	}
	e.mail.restart()
	e.advance(2 * time.Hour)
	back := e.run(t, n)
	if back.Sent != first.Retry || back.Retry != 0 {
		t.Fatalf("after the server is back: %v (want the %d waiting)", back, first.Retry)
	}
	seen := map[string]int{}
	for _, m := range e.mail.messages() {
		seen[m.MessageID]++
	}
	queued := int(e.scalar(t, `SELECT count(*) FROM outbox`))
	sent := int(e.scalar(t, `SELECT count(*) FROM outbox WHERE status = 'sent'`))
	if len(seen) != queued || sent != queued || len(e.mail.messages()) != queued {
		t.Fatalf("%d messages queued, %d sent, %d received with %d distinct ids", queued, sent, len(e.mail.messages()), len(seen))
	}
	for id, k := range seen {
		if k != 1 {
			var reason string
			_ = e.owner.QueryRow(context.Background(), `SELECT reason FROM outbox WHERE id = split_part($1, '.', 1)::bigint`, strings.Trim(id, "<>")).Scan(&reason)
			t.Errorf("message %s arrived %d times (its last reason: %q)", id, k, reason)
		}
	}
}

// A temporary refusal (4xx) is tried again; a permanent one (5xx) for one
// recipient fails that message with the server's reason, and no other.
func TestTemporaryRefusalRetriedPermanentFailsOneRecipient(t *testing.T) {
	e := setup(t)
	var busy, gone string
	if err := e.owner.QueryRow(context.Background(), `
		SELECT min(email) FILTER (WHERE role = 'supervisor'), min(email) FILTER (WHERE role = 'casework_supervisor') FROM people`).Scan(&busy, &gone); err != nil {
		t.Fatal(err)
	}
	e.mail.mu.Lock()
	e.mail.tempOnce[busy] = true
	e.mail.refuse[gone] = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such mailbox"}
	e.mail.mu.Unlock()
	n := e.notifier(t)
	first := e.run(t, n)
	// Everything for the refused recipient (their digest, escalations)
	// fails with the server's reason; the busy one waits; the rest go.
	goneRows := int(e.scalar(t, `SELECT count(*) FROM outbox o JOIN people p ON p.id = o.recipient_id WHERE p.email = $1`, gone))
	if goneRows == 0 || first.Failed != goneRows || first.Retry != 1 || first.Sent != first.Composed-goneRows-1 {
		t.Fatalf("first run: %v (%d messages for the refused recipient)", first, goneRows)
	}
	rows, err := e.owner.Query(context.Background(), `
		SELECT o.status, o.reason FROM outbox o JOIN people p ON p.id = o.recipient_id WHERE p.email = $1`, gone)
	if err != nil {
		t.Fatal(err)
	}
	var status, reason string
	for rows.Next() {
		if err := rows.Scan(&status, &reason); err != nil {
			t.Fatal(err)
		}
		if status != "failed" || !strings.Contains(reason, "550") || !strings.Contains(reason, "No such mailbox") {
			t.Errorf("a message to the refused recipient: %s, %q", status, reason)
		}
	}
	rows.Close()
	if k := e.scalar(t, `SELECT count(*) FROM outbox o JOIN people p ON p.id = o.recipient_id WHERE o.status = 'failed' AND p.email <> $1`, gone); k != 0 {
		t.Errorf("%d messages to others failed", k)
	}
	if err := e.owner.QueryRow(context.Background(), `
		SELECT o.status, o.reason FROM outbox o JOIN people p ON p.id = o.recipient_id WHERE p.email = $1 AND o.kind = 'digest'`, busy).Scan(&status, &reason); err != nil {
		t.Fatal(err)
	}
	if status != "queued" || !strings.Contains(reason, "451") {
		t.Errorf("the busy recipient's digest: %s, %q", status, reason)
	}
	// Not due yet: the backoff holds it.
	if again := e.run(t, n); again.Sent != 0 {
		t.Fatalf("retried before its backoff: %v", again)
	}
	e.advance(5 * time.Minute)
	if retry := e.run(t, n); retry.Sent != 1 || retry.Failed != 0 {
		t.Fatalf("retry: %v", retry)
	}
	got := byRecipient(e.mail.messages())
	if len(got[busy]) != 1 || len(got[gone]) != 0 {
		t.Fatalf("the busy recipient received %d, the refused one %d", len(got[busy]), len(got[gone]))
	}
}

// Each person's choice per kind is honoured within what the administrator
// makes mandatory; deactivated people get nothing; an immediate message is
// enqueued with its cause and, for a person who takes the kind in the
// digest, carried by their next digest.
func TestPreferencesAndImmediateMessages(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	// The clock before the digest hour: only immediate messages go.
	e.now = time.Date(2026, 11, 23, 6, 0, 0, 0, e.loc)
	var supID, cwsID, caseID, workerID, offWorker, goneWorker, confID int64
	var cwsEmail, workerEmail, offEmail, goneEmail string
	if err := e.owner.QueryRow(ctx, `
		SELECT us.supervisor_id, r.casework_supervisor_id, cw.email
		FROM unit_supervisors us JOIN supervisor_reports r ON r.supervisor_id = us.supervisor_id AND r.during @> $1::date
		JOIN people cw ON cw.id = r.casework_supervisor_id
		WHERE us.during @> $1::date ORDER BY us.supervisor_id LIMIT 1`, today).Scan(&supID, &cwsID, &cwsEmail); err != nil {
		t.Fatal(err)
	}
	// A case of the supervisor's unit not at high risk, and a signed record
	// not yet shared.
	if err := e.owner.QueryRow(ctx, `
		SELECT a.case_id FROM case_assignments a
		JOIN unit_members m ON m.worker_id = a.worker_id AND m.during @> $1::date
		JOIN unit_supervisors us ON us.unit_id = m.unit_id AND us.during @> $1::date AND us.supervisor_id = $2
		JOIN cases c ON c.id = a.case_id AND c.closed IS NULL
		WHERE a.during @> $1::date AND coalesce((SELECT level FROM risk_assessments ra WHERE ra.case_id = a.case_id ORDER BY assessed_on DESC LIMIT 1), 'low') IN ('low', 'moderate')
		ORDER BY a.case_id LIMIT 1`, today, supID).Scan(&caseID); err != nil {
		t.Fatal(err)
	}
	if err := e.owner.QueryRow(ctx, `
		SELECT k.id, k.worker_id, p.email FROM conferences k JOIN people p ON p.id = k.worker_id
		WHERE k.supervisor_id = $1 AND k.status = 'signed' ORDER BY k.id LIMIT 1`, supID).Scan(&confID, &workerID, &workerEmail); err != nil {
		t.Skipf("the demo has no signed record unshared for supervisor %d: %v", supID, err)
	}
	// Two other workers: one turns the digest off, one is deactivated.
	if err := e.owner.QueryRow(ctx, `
		SELECT min(id), max(id), (SELECT email FROM people WHERE id = min(x.id)), (SELECT email FROM people WHERE id = max(x.id))
		FROM (SELECT id FROM people WHERE role = 'worker' AND id <> $1 ORDER BY id LIMIT 2) x`, workerID).Scan(&offWorker, &goneWorker, &offEmail, &goneEmail); err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	cws := access.Viewer{PersonID: cwsID, Role: access.CaseworkSupervisor}
	sup := access.Viewer{PersonID: supID, Role: access.Supervisor}
	// The casework supervisor takes emergent requests in the digest and
	// turns newly-high-risk off, which the policy makes mandatory: at once.
	must(e.st.SetMyNotificationChoices(ctx, cws, map[string]string{"emergent_request": "digest", "high_risk": "off"}))
	must(e.st.SetMyNotificationChoices(ctx, access.Viewer{PersonID: offWorker, Role: access.Worker}, map[string]string{"digest": "off"}))
	must(e.st.SetActive(ctx, access.Viewer{PersonID: 1, Role: access.Administrator}, goneWorker, false))

	must(e.st.FlagCase(ctx, sup, caseID, "critical_incident", "Typed details that must never be mailed", today, today.Add(10*time.Hour)))
	must(e.st.RecordRisk(ctx, sup, caseID, "very_high", today, today))
	must(e.st.ShareConference(ctx, sup, confID, today.Add(11*time.Hour)))
	// The same causes again enqueue nothing new (their keys).
	if n := e.scalar(t, `SELECT count(*) FROM outbox`); n != 3 {
		t.Fatalf("%d messages enqueued by three causes", n)
	}

	n := e.notifier(t)
	st := e.run(t, n)
	if st.Composed != 0 || st.Sent != 2 || st.Held != 1 {
		t.Fatalf("before the digest hour: %v", st)
	}
	got := byRecipient(e.mail.messages())
	if len(got[cwsEmail]) != 1 || !strings.Contains(got[cwsEmail][0].Subject, "very high risk") {
		t.Fatalf("the casework supervisor got %d messages at once, want the mandatory high-risk one", len(got[cwsEmail]))
	}
	if len(got[workerEmail]) != 1 || got[workerEmail][0].Subject != "A conference record is shared with you" {
		t.Fatalf("the worker got %d messages, want the shared record", len(got[workerEmail]))
	}
	for _, m := range e.mail.messages() {
		if strings.Contains(m.Text+m.HTML, "Typed details") {
			t.Errorf("a message to %s carries the request's typed details", m.To)
		}
	}

	// At the digest hour: the held request rides in the casework
	// supervisor's digest; the worker who turned it off and the one
	// deactivated get none.
	e.now = time.Date(2026, 11, 23, 7, 5, 0, 0, e.loc)
	before := len(e.mail.messages())
	st = e.run(t, n)
	if st.Composed == 0 || st.Sent != st.Composed {
		t.Fatalf("at the digest hour: %v", st)
	}
	got = byRecipient(e.mail.messages()[before:])
	if len(got[offEmail]) != 0 || len(got[goneEmail]) != 0 {
		t.Errorf("digests went to a worker who turned them off (%d) or one deactivated (%d)", len(got[offEmail]), len(got[goneEmail]))
	}
	var digests []received
	for _, m := range got[cwsEmail] {
		if strings.HasPrefix(m.Subject, "Casework daily digest") {
			digests = append(digests, m)
		}
	}
	if len(digests) != 1 {
		t.Fatalf("the casework supervisor got %d digests", len(digests))
	}
	since := section(digests[0].Text, "Since your last digest")
	if len(since) != 1 || !strings.Contains(since[0], "emergent conference") {
		t.Errorf("the digest does not carry the held request: %q", since)
	}
	if k := e.scalar(t, `SELECT count(*) FROM outbox WHERE kind = 'emergent_request' AND status = 'digested' AND digest_id IS NOT NULL`); k != 1 {
		t.Errorf("the held request is not marked as carried by the digest (%d)", k)
	}
}

// Two senders at once (two instances, one composing area by area as the
// server does, one the whole agency at once) send each message once.
func TestTwoSendersSendEachMessageOnce(t *testing.T) {
	e := setup(t)
	a, b := e.notifier(t), e.notifier(t)
	a.Batch, b.Batch = 3, 3
	a.ByArea = true // as the server composes; b as `casework notify run`
	var wg sync.WaitGroup
	var sa, sb notify.Stats
	wg.Go(func() { sa = e.run(t, a) })
	wg.Go(func() { sb = e.run(t, b) })
	wg.Wait()
	// One of them composed; whichever did, a further run sends the rest.
	rest := e.run(t, a)
	total := sa.Sent + sb.Sent + rest.Sent
	queued := int(e.scalar(t, `SELECT count(*) FROM outbox`))
	seen := map[string]int{}
	for _, m := range e.mail.messages() {
		seen[m.MessageID]++
	}
	if total != queued || len(seen) != queued || len(e.mail.messages()) != queued {
		t.Fatalf("%d queued; sent %d+%d+%d; %d received, %d distinct", queued, sa.Sent, sb.Sent, rest.Sent, len(e.mail.messages()), len(seen))
	}
}

// A unit whose supervisor reports to no casework supervisor is in no area:
// its supervisor and workers still get their digests, composed on their own.
func TestAUnitInNoAreaStillHasItsDigests(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	var supID int64
	var supEmail, unitName string
	if err := e.owner.QueryRow(ctx, `
		SELECT p.id, p.email, u.name FROM people p JOIN unit_supervisors us ON us.supervisor_id = p.id AND us.during @> $1::date
		JOIN units u ON u.id = us.unit_id ORDER BY p.id LIMIT 1`, today).Scan(&supID, &supEmail, &unitName); err != nil {
		t.Fatal(err)
	}
	if _, err := e.owner.Exec(ctx, `UPDATE supervisor_reports SET during = daterange(lower(during), $2::date)
		WHERE supervisor_id = $1 AND during @> $2::date`, supID, today); err != nil {
		t.Fatal(err)
	}
	workers := e.scalar(t, `SELECT count(*) FROM unit_members m JOIN unit_supervisors us ON us.unit_id = m.unit_id AND us.during @> $1::date
		WHERE us.supervisor_id = $2 AND m.during @> $1::date`, today, supID)
	e.run(t, e.notifier(t))
	got := byRecipient(e.mail.messages())
	if len(got[supEmail]) != 1 || len(section(got[supEmail][0].Text, "Overdue")) == 0 {
		t.Fatalf("the supervisor of a unit in no area got %d digests", len(got[supEmail]))
	}
	fromUnit := e.scalar(t, `SELECT count(*) FROM outbox o JOIN unit_members m ON m.worker_id = o.recipient_id AND m.during @> $1::date
		JOIN unit_supervisors us ON us.unit_id = m.unit_id AND us.during @> $1::date WHERE us.supervisor_id = $2 AND o.kind = 'digest'`, today, supID)
	if fromUnit == 0 {
		t.Fatalf("none of the unit's %d workers got a digest", workers)
	}
	for _, m := range e.mail.messages() {
		if strings.Contains(m.Text, "== Overdue, by unit ==") && strings.Contains(m.Text, unitName+" (") {
			t.Errorf("a casework supervisor's digest still lists %s", unitName)
		}
	}
}

// The daily run composes from the agency's facts loaded and evaluated once
// and split along the hierarchy; composing each area from its own load and
// evaluation (the area dashboard's path) gives the same messages.
func TestTheAgencyPathAndTheAreaPathAgree(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	// A unit in no area too.
	if _, err := e.owner.Exec(ctx, `UPDATE supervisor_reports SET during = daterange(lower(during), $1::date)
		WHERE supervisor_id = (SELECT min(supervisor_id) FROM unit_supervisors) AND during @> $1::date`, today); err != nil {
		t.Fatal(err)
	}
	n := e.notifier(t)
	all, err := n.ComposeAll(ctx, today)
	if err != nil {
		t.Fatal(err)
	}
	areas, err := e.st.DigestCaseworkSupervisors(ctx, today)
	if err != nil {
		t.Fatal(err)
	}
	lone, err := e.st.DigestLoneSupervisors(ctx, today)
	if err != nil || len(lone) != 1 {
		t.Fatalf("lone supervisors: %v %v", lone, err)
	}
	var each []store.NewMessage
	for _, c := range areas {
		m, err := n.ComposeArea(ctx, c, today)
		if err != nil {
			t.Fatal(err)
		}
		each = append(each, m...)
	}
	m, err := n.ComposeOwnUnit(ctx, lone[0], today)
	if err != nil {
		t.Fatal(err)
	}
	each = append(each, m...)
	index := func(ms []store.NewMessage) map[string]any {
		out := map[string]any{}
		for _, m := range ms {
			out[m.Key] = m.Params
		}
		return out
	}
	if len(all) < 50 {
		t.Fatalf("only %d messages composed", len(all))
	}
	if diff := cmp.Diff(index(each), index(all)); diff != "" {
		t.Errorf("the agency path differs from the areas' own (-areas +agency):\n%s", diff)
	}
}

// Credentials never travel in clear: with a user and password in SMTP_URL
// and a server that offers no STARTTLS, nothing is sent (and nothing lost:
// the messages wait, with the reason, until the setting is fixed).
func TestCredentialsAreNotSentInClear(t *testing.T) {
	e := setup(t)
	s, err := config.ParseSMTP("smtp://casework:secret@" + e.mail.addr)
	if err != nil {
		t.Fatal(err)
	}
	n := e.notifier(t)
	n.Mailer.SMTP = *s
	st := e.run(t, n)
	if st.Sent != 0 || st.Retry != st.Composed || st.Composed == 0 || len(e.mail.messages()) != 0 {
		t.Fatalf("credentials over a connection without TLS: %v, %d received", st, len(e.mail.messages()))
	}
	var reason string
	if err := e.owner.QueryRow(context.Background(), `SELECT reason FROM outbox ORDER BY id LIMIT 1`).Scan(&reason); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.ToLower(reason), "tls") || strings.Contains(reason, "secret") {
		t.Fatalf("the reason kept: %q", reason)
	}
	e.mail.mu.Lock()
	authed := len(e.mail.authed)
	e.mail.mu.Unlock()
	if authed != 0 {
		t.Fatal("the credentials reached the server")
	}

	// With ?insecure=1 the URL allows it: the waiting messages go, each once.
	s, err = config.ParseSMTP("smtp://casework:secret@" + e.mail.addr + "?insecure=1")
	if err != nil {
		t.Fatal(err)
	}
	n.Mailer.SMTP = *s
	e.advance(time.Hour)
	st = e.run(t, n)
	e.mail.mu.Lock()
	authed = len(e.mail.authed)
	e.mail.mu.Unlock()
	if queued := int(e.scalar(t, `SELECT count(*) FROM outbox`)); st.Sent != queued || authed == 0 || len(e.mail.messages()) != queued {
		t.Fatalf("with insecure=1: %v, %d authentications, %d received", st, authed, len(e.mail.messages()))
	}
}

// STARTTLS when the server offers it (credentials then go encrypted), and
// smtps:// (TLS from the first byte): every message arrives, over TLS.
func TestTLS(t *testing.T) {
	for _, implicit := range []bool{false, true} {
		e := setup(t)
		srv, roots := startTLSMailServer(t, implicit)
		e.mail = srv
		scheme := "smtp://"
		if implicit {
			scheme = "smtps://"
		}
		s, err := config.ParseSMTP(scheme + "casework:secret@" + srv.addr)
		if err != nil {
			t.Fatal(err)
		}
		n := e.notifier(t)
		n.Mailer.SMTP = *s
		n.Mailer.TLSConfig = &tls.Config{RootCAs: roots, ServerName: "127.0.0.1"}
		st := e.run(t, n)
		msgs := srv.messages()
		if st.Composed == 0 || st.Sent != st.Composed || len(msgs) != st.Sent || len(srv.authed) == 0 {
			t.Fatalf("%s: %v, %d received, %d authentications", scheme, st, len(msgs), len(srv.authed))
		}
		for _, m := range msgs {
			if !m.TLS {
				t.Fatalf("%s: a message came over a connection without TLS", scheme)
			}
		}
	}
}

// A message the server took (250 after its data) is sent, even when the
// connection is lost at the next command: it is not sent again.
func TestAMessageTakenIsNotSentAgainWhenTheConnectionDrops(t *testing.T) {
	e := setup(t)
	e.mail.mu.Lock()
	e.mail.dropNext = true
	e.mail.mu.Unlock()
	n := e.notifier(t)
	first := e.run(t, n)
	e.advance(2 * time.Hour)
	second := e.run(t, n)
	queued := int(e.scalar(t, `SELECT count(*) FROM outbox`))
	seen := map[string]int{}
	for _, m := range e.mail.messages() {
		seen[m.MessageID]++
	}
	if first.Sent == 0 || first.Retry == 0 || len(seen) != queued || len(e.mail.messages()) != queued {
		t.Fatalf("first run %v, second %v: %d queued, %d received, %d distinct", first, second, queued, len(e.mail.messages()), len(seen))
	}
}

// An administrator's reset of a password is told to its owner at once,
// naming who reset it and when, even when they turned every other message
// off; it carries nothing but that.
func TestAPasswordResetIsToldByMail(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	e.now = time.Date(2026, 11, 23, 6, 0, 0, 0, e.loc) // before the digest hour
	var supID, adminID int64
	var supEmail, adminName string
	if err := e.owner.QueryRow(ctx, `SELECT id, email FROM people WHERE role = 'supervisor' AND active AND password_hash IS NOT NULL ORDER BY id LIMIT 1`).Scan(&supID, &supEmail); err != nil {
		t.Fatal(err)
	}
	if err := e.owner.QueryRow(ctx, `SELECT id, full_name FROM people WHERE role = 'administrator' AND active ORDER BY id LIMIT 1`).Scan(&adminID, &adminName); err != nil {
		t.Fatal(err)
	}
	sup := access.Viewer{PersonID: supID, Role: access.Supervisor}
	// Whatever they chose (a stored "off" is not a choice this kind offers).
	_ = e.st.SetMyNotificationChoices(ctx, sup, map[string]string{"digest": "off", "password_reset": "off"})
	admin := access.Viewer{PersonID: adminID, Role: access.Administrator}
	if err := e.st.SetTemporaryPassword(ctx, admin, supID, "$argon2id$v=19$m=65536,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"); err != nil {
		t.Fatal(err)
	}
	st := e.run(t, e.notifier(t))
	if st.Sent != 1 {
		t.Fatalf("after one reset: %v, want one message sent", st)
	}
	got := byRecipient(e.mail.messages())[supEmail]
	if len(got) != 1 || got[0].Subject != "Your Casework password was reset" {
		t.Fatalf("the supervisor got %d messages: %+v", len(got), got)
	}
	if !strings.Contains(got[0].Text, adminName+" reset your Casework password on ") || !regexp.MustCompile(`on \d{4}-\d{2}-\d{2} \d{2}:\d{2} \(agency time\)`).MatchString(got[0].Text) {
		t.Errorf("the notice does not name who reset it and when:\n%s", got[0].Text)
	}
	if again := e.run(t, e.notifier(t)); again.Sent != 0 {
		t.Errorf("a second run sent %d more", again.Sent)
	}
}
