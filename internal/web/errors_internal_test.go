package web

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/casework/casework/internal/store"
	"github.com/casework/casework/internal/workspace"
)

// Each kind of refusal the store returns has its status and its page, from
// errors.go alone; an invalid form's messages are shown, never its field
// names; anything else is a failure that shows nothing of its cause.
func TestStoreErrorMapsEachKindOnce(t *testing.T) {
	a, err := loadAssets()
	if err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC) }
	app := &App{log: slog.New(slog.NewTextHandler(io.Discard, nil)), assets: a, now: now, loc: time.UTC, ws: workspace.New(nil, now, time.UTC, 0)}
	for _, tc := range []struct {
		err     error
		status  int
		says    string
		neverIn string
	}{
		{fmt.Errorf("Case(3): %w", store.ErrNotFound), http.StatusNotFound, "nothing at this address", "Case(3)"},
		{store.ErrSigned, http.StatusConflict, "Add a dated addendum", "conference record is signed"},
		{&store.ConflictError{Current: 4}, http.StatusConflict, "changed by someone else meanwhile", "version 4"},
		{fmt.Errorf("StartConference: %w", store.ErrInvalid), http.StatusUnprocessableEntity, "nothing was changed", "StartConference"},
		{store.FieldErrors{"unit_id": "Choose a unit that is open."}, http.StatusUnprocessableEntity, "Choose a unit that is open.", "unit_id"},
		{store.ErrBadScope, http.StatusUnprocessableEntity, "no longer exists", "no such scope"},
		{fmt.Errorf("UnitRead(7): %w", io.ErrClosedPipe), http.StatusInternalServerError, "tell IT the reference", "UnitRead"},
	} {
		w := httptest.NewRecorder()
		app.storeError(w, httptest.NewRequest("GET", "/x", nil), tc.err)
		body := w.Body.String()
		if w.Code != tc.status || statusOf(tc.err) != tc.status {
			t.Errorf("%v: status %d (statusOf %d), want %d", tc.err, w.Code, statusOf(tc.err), tc.status)
		}
		if !strings.Contains(body, tc.says) {
			t.Errorf("%v: the page does not say %q", tc.err, tc.says)
		}
		if strings.Contains(body, tc.neverIn) {
			t.Errorf("%v: the page shows %q", tc.err, tc.neverIn)
		}
		w = httptest.NewRecorder()
		app.apiStoreError(w, httptest.NewRequest("GET", "/api/x", nil), tc.err)
		if w.Code != tc.status || !strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
			t.Errorf("%v: the API answers %d %q, want %d in JSON", tc.err, w.Code, w.Header().Get("Content-Type"), tc.status)
		}
	}
}
