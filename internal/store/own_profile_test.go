package store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/casework/casework/internal/rules"
	"github.com/casework/casework/internal/store"
)

// ownFile is nj-cpp's file from 2026-11-01 as the agency's own profile
// "ok-dhs", every rule under a new id; and nj-cpp's file from that date.
func ownFile(t *testing.T) (own, nj []byte, ids map[string]string) {
	t.Helper()
	data, _ := rules.BuiltinFile("nj-cpp")
	s := string(data)
	at := strings.Index(s, "\neffective = ")
	end := at + 1 + strings.Index(s[at+1:], "\n")
	s = s[:at] + "\neffective = 2026-11-01" + s[end:]
	nj = []byte(s)
	p, problems := rules.ParseProfile(nj)
	if len(problems) > 0 {
		t.Fatal(problems[0])
	}
	var old []string
	for _, v := range p.Versions {
		for _, r := range v.Rules {
			if !slices.Contains(old, r.ID) {
				old = append(old, r.ID)
			}
		}
	}
	slices.Sort(old) // the new ids in the old ones' order: the engine lists by rule id on a tie
	ids = map[string]string{}
	for i, id := range old {
		ids[id] = fmt.Sprintf("ok.r%02d", i+1)
		s = strings.ReplaceAll(s, `"`+id+`"`, `"`+ids[id]+`"`)
	}
	s = strings.Replace(s, `id = "nj-cpp"`, `id = "ok-dhs"`, 1)
	s = regexp.MustCompile(`(?m)^name = ".*"$`).ReplaceAllString(s, `name = "Oklahoma DHS Child Welfare"`)
	return []byte(s), nj, ids
}

// The agency's own profile: uploaded with a new id, checked, kept, chosen
// from a date (not before its first version), and what the export of a date
// names; evaluated with its file, the export owes what the same rules under
// nj-cpp's ids owe.
func TestOwnProfileIsChosenAndExported(t *testing.T) {
	st, pool := seededApp(t)
	ctx := context.Background()
	own, nj, ids := ownFile(t)
	nov1 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

	var pp store.ProfileProblems
	if _, err := st.UploadProfileVersion(ctx, admin, "ok-other", nov1, own); !errors.As(err, &pp) {
		t.Errorf("a file uploaded under another id: %v", err)
	}
	if _, err := st.UploadProfileVersion(ctx, admin, "ok-dhs", nov1, bytes.Replace(own, []byte(`cadence = "once"`), []byte(`cadence = "sometimes"`), 1)); !errors.As(err, &pp) {
		t.Errorf("a bad cadence: %v", err)
	}
	var fe store.FieldErrors
	if err := st.ChoosePolicy(ctx, admin, "ok-dhs", nov1, nil); !errors.As(err, &fe) || fe["profile"] == "" {
		t.Errorf("choosing a profile not uploaded: %v", err)
	}
	if _, err := st.UploadProfileVersion(ctx, admin, "ok-dhs", nov1, own); err != nil {
		t.Fatal(err)
	}
	if list, err := st.OwnProfiles(ctx, admin); err != nil || !slices.Equal(list, []store.OwnProfile{{ID: "ok-dhs", Name: "Oklahoma DHS Child Welfare"}}) {
		t.Errorf("own profiles: %v %v", list, err)
	}
	if err := st.ChoosePolicy(ctx, admin, "ok-dhs", nov1.AddDate(0, 0, -1), nil); !errors.As(err, &fe) || fe["effective_on"] == "" {
		t.Errorf("choosing it before its first version: %v", err)
	}
	if err := st.ChoosePolicy(ctx, admin, "ok-dhs", nov1, nil); err != nil {
		t.Fatal(err)
	}

	// Before its date the export names the profile chosen then, built in.
	var buf bytes.Buffer
	n, err := st.ExportFacts(ctx, admin, store.ExportOptions{On: nov1.AddDate(0, 0, -1)}, &buf)
	if err != nil {
		t.Fatal(err)
	}
	if f := decode(t, buf.Bytes()); f.Profile != "nj-cpp" || !n.Uploaded.IsZero() {
		t.Errorf("as of 2026-10-31: profile %s, uploaded %s", f.Profile, n.Uploaded)
	}
	buf.Reset()
	n, err = st.ExportFacts(ctx, admin, store.ExportOptions{On: asOf}, &buf)
	if err != nil {
		t.Fatal(err)
	}
	f := decode(t, buf.Bytes())
	if f.Profile != "ok-dhs" || n.Uploaded != rules.MustDate("2026-11-01") {
		t.Fatalf("as of %s: profile %s, uploaded %s", asOf.Format(time.DateOnly), f.Profile, n.Uploaded)
	}
	var audited string
	if err := pool.QueryRow(ctx, `SELECT detail->>'uploaded_version' FROM audit_log WHERE entity = 'facts' AND action = 'exported' ORDER BY id DESC LIMIT 1`).Scan(&audited); err != nil || audited != "2026-11-01" {
		t.Errorf("the export's audit names uploaded version %q (%v)", audited, err)
	}
	// The facts name a profile the engine does not have built in: the
	// file is needed, and with it the obligations are nj-cpp's, renamed.
	if _, err := rules.Evaluate(f, rules.Options{}); err == nil {
		t.Error("facts naming the own profile evaluated without its file")
	}
	p, err := st.PolicyProfile(ctx, "ok-dhs")
	if err != nil {
		t.Fatal(err)
	}
	got, err := rules.Evaluate(f, rules.Options{Use: p})
	if err != nil {
		t.Fatal(err)
	}
	njp, _ := rules.ParseProfile(nj)
	want, err := rules.Evaluate(f, rules.Options{Use: njp})
	if err != nil {
		t.Fatal(err)
	}
	for i := range want.Obligations {
		want.Obligations[i].Rule = ids[want.Obligations[i].Rule]
	}
	if len(want.Obligations) < 1000 {
		t.Fatalf("only %d obligations", len(want.Obligations))
	}
	if diff := cmp.Diff(want.Obligations, got.Obligations, dateCmp); diff != "" {
		t.Errorf("the own profile's obligations differ from nj-cpp's renamed (-want +got):\n%s", diff)
	}
	// The export imports back: the facts' profile is the agency's own,
	// known to this database; an id neither built in nor uploaded is not.
	exported := slices.Clone(buf.Bytes())
	if rep := importFacts(t, st, "own.json", exported); !rep.OK() {
		t.Errorf("the own profile's export does not import back: %v", rep.Problems)
	}
	if !bytes.Contains(exported, []byte(`"profile": "ok-dhs"`)) {
		t.Fatal("the export does not name the profile as expected")
	}
	rep, err := st.ImportFacts(ctx, admin, "nope.json", bytes.Replace(exported, []byte(`"profile": "ok-dhs"`), []byte(`"profile": "ok-nope"`), 1))
	if err != nil || rep.OK() {
		t.Errorf("facts naming an unknown profile imported: %v", err)
	}
	// Choosing another profile for the export reads it with its versions;
	// an unknown one is a field error.
	if _, err := st.ExportFacts(ctx, admin, store.ExportOptions{On: asOf, Profile: "nope"}, &buf); !errors.As(err, &fe) || fe["profile"] == "" {
		t.Errorf("--profile nope: %v", err)
	}
}
