package store_test

import (
	"context"
	"regexp"
	"slices"
	"testing"

	"github.com/casework/casework/internal/store"
	"github.com/casework/casework/internal/testdb"
)

// An event pack made by PostgreSQL (event_pack_entry, migration 000127)
// reads back in Go as the same kinds and dates, in order: every kind the
// events table admits, each coded as a byte (a kind admitted but not coded
// would still read, spelled out, but the pack would be larger: the test
// says to code it), and a kind no code knows, spelled out; a pack of the
// form before the codes reads the same. A pack cut short, or with a code no
// kind has, is an error, never a partial list.
func TestEventPacksReadBackInGo(t *testing.T) {
	owner, _ := testdb.App(t)
	ctx := context.Background()
	var check string
	if err := owner.QueryRow(ctx, `SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'events_kind_check'`).Scan(&check); err != nil {
		t.Fatal(err)
	}
	var admitted []string
	for _, m := range regexp.MustCompile(`'(\w+)'::text`).FindAllStringSubmatch(check, -1) {
		admitted = append(admitted, m[1])
	}
	if len(admitted) < 13 {
		t.Fatalf("the events' kinds read from %q: %v", check, admitted)
	}
	kinds := append(slices.Clone(admitted), "a_kind_not_yet_coded")
	var dates []string
	for i := range kinds {
		dates = append(dates, []string{"2026-12-01", "1999-12-31", "2000-01-01", "2031-02-28"}[i%4])
	}
	var pack []byte
	var coded int
	if err := owner.QueryRow(ctx, `
		SELECT string_agg(event_pack_entry(d::date, k), ''::bytea ORDER BY n),
		       count(*) FILTER (WHERE octet_length(event_pack_entry(d::date, k)) = 5)
		FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS x(k, d, n)`, kinds, dates).Scan(&pack, &coded); err != nil {
		t.Fatal(err)
	}
	if coded != len(admitted) {
		t.Errorf("%d of the %d kinds the events admit are coded as a byte: give each a code in event_pack_entry and store.packedEventKinds", coded, len(admitted))
	}
	gotKinds, gotDates, err := store.DecodeEventPackForTest(pack)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(gotKinds, kinds) || !slices.Equal(gotDates, dates) {
		t.Fatalf("read back %v %v, want %v %v", gotKinds, gotDates, kinds, dates)
	}
	// A pack made before the codes (migration 000111's form, every kind
	// spelled out) reads the same: no length is taken for a code.
	var old []byte
	if err := owner.QueryRow(ctx, `
		SELECT string_agg(int4send(d::date - date '2000-01-01') || set_byte('\x00'::bytea, 0, octet_length(k)) || convert_to(k, 'UTF8'), ''::bytea ORDER BY n)
		FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS x(k, d, n)`, kinds, dates).Scan(&old); err != nil {
		t.Fatal(err)
	}
	if gotKinds, gotDates, err := store.DecodeEventPackForTest(old); err != nil || !slices.Equal(gotKinds, kinds) || !slices.Equal(gotDates, dates) {
		t.Fatalf("a pack of 000111's form read back %v %v (%v), want %v %v", gotKinds, gotDates, err, kinds, dates)
	}
	for _, bad := range [][]byte{pack[:len(pack)-3], pack[:4], append(slices.Clone(pack[:4]), 99), append(slices.Clone(pack[:4]), 0),
		append(slices.Clone(pack[:4]), 128), append(slices.Clone(pack[:4]), 128+99)} {
		if k, _, err := store.DecodeEventPackForTest(bad); err == nil {
			t.Errorf("a bad pack % x read as %v", bad, k)
		}
	}
}
