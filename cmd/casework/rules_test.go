package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/rules"
	"github.com/casework/casework/internal/rules/rulescli"
	"github.com/casework/casework/internal/store"
	"github.com/casework/casework/internal/testdb"
)

// `casework rules profile show ID` and `rules list --profile ID` read the
// agency's uploaded versions and own profiles from the database given
// (--database, or DATABASE_URL); without one, the built-in files only, and
// they say so.
func TestRulesCommandsReadTheDatabase(t *testing.T) {
	url, _ := testdb.New(t)
	ctx := context.Background()
	st, err := store.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	admin := access.Viewer{Role: access.Administrator, Name: "test"}
	data, _ := rules.BuiltinFile("nj-cpp")
	at := bytes.Index(data, []byte("\neffective = "))
	end := at + 1 + bytes.IndexByte(data[at+1:], '\n')
	nov := string(data[:at]) + "\neffective = 2026-11-01" + string(data[end:])
	own := strings.Replace(nov, `id = "nj-cpp"`, `id = "ok-dhs"`, 1)
	own = strings.Replace(own, `label = "Case assigned"`, `label = "Case assigned to a worker"`, 1)
	nov1 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	if _, err := st.UploadProfileVersion(ctx, admin, "ok-dhs", nov1, []byte(own)); err != nil {
		t.Fatal(err)
	}
	if _, err := st.UploadProfileVersion(ctx, admin, "nj-cpp", nov1, []byte(nov)); err != nil {
		t.Fatal(err)
	}
	rulesRun := func(db rulescli.Database, args ...string) (int, string, string) {
		return run(t, func(o, e *bytes.Buffer) int { return rulescli.MainWith(db, args, nil, o, e) })
	}

	// Without a database: built-in files only, and the message says where
	// an uploaded profile is read from.
	if code, out, errs := rulesRun(rulesDatabase(""), "profile", "show", "ok-dhs"); code != 2 || out != "" || !strings.Contains(errs, "--database") {
		t.Errorf("own profile without a database: exit %d, stderr %q", code, errs)
	}
	if code, out, _ := rulesRun(rulesDatabase(""), "profile", "show", "nj-cpp"); code != 0 || out != string(data) {
		t.Errorf("nj-cpp without a database: exit %d, not the built-in file", code)
	}
	// --database, or DATABASE_URL.
	for _, db := range []struct {
		env  string
		args []string
	}{{"", []string{"--database", url}}, {url, nil}} {
		code, out, errs := rulesRun(rulesDatabase(db.env), append([]string{"profile", "show", "ok-dhs"}, db.args...)...)
		if code != 0 || errs != "" || out != own {
			t.Errorf("own profile %v: exit %d, stderr %q, file %.60q", db.args, code, errs, out)
		}
	}
	db := rulesDatabase(url)
	// A built-in profile's uploaded version, on its date; the built-in
	// one before it (an earlier block of the built-in file, said so).
	if code, out, _ := rulesRun(db, "profile", "show", "nj-cpp", "--as-of", "2026-11-15"); code != 0 || out != nov {
		t.Errorf("nj-cpp on 2026-11-15: exit %d, not the uploaded file", code)
	}
	if code, out, errs := rulesRun(db, "profile", "show", "nj-cpp", "--as-of", "2026-10-15"); code != 0 || out != string(data) || !strings.Contains(errs, "[[earlier]] block effective 2016-06-26") {
		t.Errorf("nj-cpp on 2026-10-15: exit %d, stderr %q", code, errs)
	}
	if code, out, errs := rulesRun(db, "profile", "show", "no-such"); code != 2 || out != "" || !strings.Contains(errs, "neither built in") {
		t.Errorf("unknown with a database: exit %d, stderr %q", code, errs)
	}
	// list: each rule with its label and tags, from the database.
	code, out, errs := rulesRun(db, "list", "--profile", "ok-dhs")
	if code != 0 || errs != "" || !strings.Contains(out, `"label": "Case assigned to a worker"`) || !strings.Contains(out, `"tags": [`) || !strings.Contains(out, `"id": "ok-dhs"`) {
		t.Errorf("list --profile ok-dhs: exit %d, stderr %q\n%.400s", code, errs, out)
	}
}
