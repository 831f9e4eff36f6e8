package conference

import (
	"fmt"
	"testing"
)

// The lifecycle as the policy and the pages read it, every state × action ×
// relation written out: "ok", or why not. Reading by a recipient waits for
// the share; a signed record is final for everyone; only the recipient
// acknowledges; only the author writes, signs, shares and adds addenda.
func TestCanEveryStateActionAndRelation(t *testing.T) {
	const ok = Reason("ok")
	type row struct{ draft, signed, shared, acknowledged Reason }
	want := map[Action]map[Relation]row{
		Read: {
			Author:    {ok, ok, ok, ok},
			Recipient: {NotYours, NotYours, ok, ok},
			Reader:    {ok, ok, ok, ok},
		},
		Edit: {
			Author:    {ok, Final, Final, Final},
			Recipient: {NotYours, Final, Final, Final},
			Reader:    {NotYours, Final, Final, Final},
		},
		Sign: {
			Author:    {ok, Final, Final, Final},
			Recipient: {NotYours, Final, Final, Final},
			Reader:    {NotYours, Final, Final, Final},
		},
		Share: {
			Author:    {NotYet, ok, Done, Done},
			Recipient: {NotYet, NotYours, Done, Done},
			Reader:    {NotYet, NotYours, Done, Done},
		},
		Acknowledge: {
			Author:    {NotYet, NotYet, NotYours, Done},
			Recipient: {NotYet, NotYet, ok, Done},
			Reader:    {NotYet, NotYet, NotYours, Done},
		},
		Addendum: {
			Author:    {NotYet, ok, ok, ok},
			Recipient: {NotYet, NotYours, NotYours, NotYours},
			Reader:    {NotYet, NotYours, NotYours, NotYours},
		},
	}
	n := 0
	for _, a := range Actions() {
		for _, r := range Relations() {
			w, listed := want[a][r]
			if !listed {
				t.Errorf("%s by %s: not in the table", a, r)
				continue
			}
			for i, s := range Statuses() {
				exp := []Reason{w.draft, w.signed, w.shared, w.acknowledged}[i]
				got, why := Can(r, a, s)
				if exp == ok {
					if !got || why != "" {
						t.Errorf("%s by %s in %s: refused (%s), want allowed", a, r, s, why)
					}
				} else if got || why != exp {
					t.Errorf("%s by %s in %s: %v %q, want refused: %q", a, r, s, got, why, exp)
				}
				n++
			}
		}
	}
	if n != 4*6*3 {
		t.Errorf("%d cases checked, want 72", n)
	}
}

// Next moves a record one step forward at a time, never back, and only
// from the state the step needs.
func TestNextMovesForwardOneStep(t *testing.T) {
	want := map[string]Status{
		"draft/sign":            Signed,
		"signed/share":          Shared,
		"shared/acknowledge":    Acknowledged,
		"draft/edit":            Draft,
		"signed/addendum":       Signed,
		"shared/addendum":       Shared,
		"acknowledged/addendum": Acknowledged,
		"draft/read":            Draft,
		"signed/read":           Signed,
		"shared/read":           Shared,
		"acknowledged/read":     Acknowledged,
	}
	for _, s := range Statuses() {
		for _, a := range Actions() {
			key := fmt.Sprintf("%s/%s", s, a)
			to, ok := Next(s, a)
			exp, allowed := want[key]
			if ok != allowed || (ok && to != exp) {
				t.Errorf("Next(%s, %s) = %s %v, want %s %v", s, a, to, ok, exp, allowed)
			}
			if ok && to.order() < s.order() {
				t.Errorf("Next(%s, %s) goes back to %s", s, a, to)
			}
			if ok && to.order() > s.order()+1 {
				t.Errorf("Next(%s, %s) skips a step to %s", s, a, to)
			}
		}
	}
	if _, ok := Next("archived", Read); ok {
		t.Error("an unknown state moved on")
	}
	if ok, why := Can(Author, "delete", Draft); ok || why != Unknown {
		t.Errorf("an unknown action: %v %q", ok, why)
	}
}

// Who is who on each kind of record; anyone else is a reader.
func TestRelationOfEachKind(t *testing.T) {
	sup := Parties{Kind: Supervision, Supervisor: 10, Worker: 20}
	rev := Parties{Kind: CaseworkReview, Supervisor: 10, CaseworkSupervisor: 30}
	for _, c := range []struct {
		p      Parties
		person int64
		want   Relation
	}{
		{sup, 10, Author}, {sup, 20, Recipient}, {sup, 30, Reader}, {sup, 0, Reader},
		{rev, 30, Author}, {rev, 10, Recipient}, {rev, 20, Reader}, {rev, 0, Reader},
		{Parties{Kind: "other", Supervisor: 10}, 10, Reader},
	} {
		if got := c.p.RelationOf(c.person); got != c.want {
			t.Errorf("%s record, person %d: %s, want %s", c.p.Kind, c.person, got, c.want)
		}
	}
	for _, s := range Statuses() {
		held := s != Draft
		if s.Held() != held {
			t.Errorf("%s held: %v", s, s.Held())
		}
	}
	if len(HeldStatuses()) != 3 || HeldStatuses()[0] != Signed {
		t.Errorf("held statuses %v", HeldStatuses())
	}
}

func TestWordsSayWithWhomARecordIsShared(t *testing.T) {
	for _, c := range []struct {
		k    Kind
		s    Status
		want string
	}{
		{Supervision, Draft, "draft"},
		{Supervision, Signed, "signed"},
		{Supervision, Shared, "shared with the worker"},
		{CaseworkReview, Shared, "shared with the supervisor"},
		{CaseworkReview, Acknowledged, "acknowledged"},
		{Supervision, Status("archived"), "archived"},
	} {
		if got := Words(c.k, c.s); got != c.want {
			t.Errorf("Words(%s, %s) = %q, want %q", c.k, c.s, got, c.want)
		}
	}
}
