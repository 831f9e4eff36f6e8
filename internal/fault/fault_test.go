package fault

import (
	"errors"
	"fmt"
	"testing"
)

// Each sentinel, bare or wrapped, is its own kind; Fields is invalid; an
// error of no kind is Unknown, a failure.
func TestKindOf(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want Kind
	}{
		{nil, Unknown},
		{errors.New("connection reset"), Unknown},
		{ErrNotFound, NotFound},
		{fmt.Errorf("Case(3): %w", ErrNotFound), NotFound},
		{ErrInvalid, Invalid},
		{Fields{"name": "Give a name."}, Invalid},
		{fmt.Errorf("SavePerson: %w", Fields{"email": "Give an e-mail address."}), Invalid},
		{fmt.Errorf("SaveDraft(1): %w", ErrConflict), Conflict},
		{fmt.Errorf("SaveDraft(1): %w", ErrFrozen), Frozen},
		{ErrBadScope, BadScope},
	} {
		if got := KindOf(tc.err); got != tc.want {
			t.Errorf("KindOf(%v) = %d, want %d", tc.err, got, tc.want)
		}
	}
	if errors.Is(ErrConflict, ErrInvalid) || errors.Is(Fields{"a": "b"}, ErrNotFound) {
		t.Error("kinds match each other")
	}
	if f, ok := FieldsOf(fmt.Errorf("x: %w", Fields{"a": "b"})); !ok || f["a"] != "b" {
		t.Errorf("FieldsOf lost the fields: %v %v", f, ok)
	}
	if _, ok := FieldsOf(ErrInvalid); ok {
		t.Error("a bare ErrInvalid has no fields")
	}
	if got := (Fields{"b": "2", "a": "1"}).Error(); got != "a: 1; b: 2" {
		t.Errorf("Fields.Error() = %q", got)
	}
}
