// Package fault is the one vocabulary of the errors the store and the
// workspace return for what a person did (as opposed to what broke): a thing
// not found or not theirs, something invalid (perhaps with a message per
// field), a conflict with what is stored, a record frozen by its signing,
// a scope that does not exist. The web tier maps each kind to a status and a
// page in one place (internal/web/errors.go); anything else is a failure.
//
// It imports nothing of the app, so every layer may use it.
package fault

import (
	"errors"
	"sort"
	"strings"
)

// Kind is what kind of refusal an error is.
type Kind int

const (
	Unknown  Kind = iota // not one of ours: a failure
	NotFound             // does not exist, or not within the viewer's reach (the two look the same)
	Invalid              // the request names something it may not; Fields says which field, when known
	Conflict             // collides with data stored meanwhile or already there
	Frozen               // the record is signed and cannot change (an addendum can)
	BadScope             // a scope (office, area, unit) that does not exist or is inactive
)

// kindError is a sentinel of a kind.
type kindError struct {
	kind Kind
	msg  string
}

func (e *kindError) Error() string { return e.msg }

// The sentinels. Wrap them (fmt.Errorf("...: %w", fault.ErrNotFound)) or
// return them; test with errors.Is or KindOf.
var (
	ErrNotFound error = &kindError{NotFound, "not found"}
	ErrInvalid  error = &kindError{Invalid, "invalid"}
	ErrConflict error = &kindError{Conflict, "conflict"}
	ErrFrozen   error = &kindError{Frozen, "the conference record is signed"}
	ErrBadScope error = &kindError{BadScope, "no such scope"}
)

// Fields is an invalid request with a message per field, the messages
// written for the person who filled the form. errors.Is(f, ErrInvalid).
type Fields map[string]string

func (f Fields) Error() string {
	parts := make([]string, 0, len(f))
	for k, v := range f {
		parts = append(parts, k+": "+v)
	}
	sort.Strings(parts)
	return strings.Join(parts, "; ")
}

// Is makes Fields an ErrInvalid.
func (f Fields) Is(target error) bool { return target == ErrInvalid }

// KindOf is the kind of err: the first of ours in its chain, else Unknown.
func KindOf(err error) Kind {
	var k *kindError
	switch {
	case err == nil:
		return Unknown
	case errors.As(err, &k):
		return k.kind
	case errors.Is(err, ErrInvalid): // Fields, or a type that says it is invalid
		return Invalid
	}
	return Unknown
}

// FieldsOf returns the per-field messages of an invalid error, if it has them.
func FieldsOf(err error) (Fields, bool) {
	var f Fields
	if errors.As(err, &f) && len(f) > 0 {
		return f, true
	}
	return nil, false
}
