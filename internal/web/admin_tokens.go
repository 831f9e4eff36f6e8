package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/casework/casework/internal/store"
	"github.com/casework/casework/web/views"
)

func (app *App) tokensPage(w http.ResponseWriter, r *http.Request) {
	app.renderTokens(w, r, http.StatusOK, views.TokensView{})
}

func (app *App) renderTokens(w http.ResponseWriter, r *http.Request, status int, tv views.TokensView) {
	v, _ := viewerFrom(r.Context())
	var err error
	if tv.Tokens, err = app.store.Tokens(r.Context(), v); err != nil {
		app.storeError(w, r, err)
		return
	}
	if tv.Choices, err = app.store.ScopeChoices(r.Context(), v); err != nil {
		app.storeError(w, r, err)
		return
	}
	tv.Zone = app.loc
	app.render(w, r, status, views.AdminTokensPage(app.chrome(r, "API tokens", "/admin"), tv))
}

// issueToken issues a token and shows it, this once.
func (app *App) issueToken(w http.ResponseWriter, r *http.Request) {
	v, _ := viewerFrom(r.Context())
	if err := r.ParseForm(); err != nil {
		app.errorPage(w, r, http.StatusBadRequest, "API tokens", "The form could not be read. Please try again.")
		return
	}
	tv := views.TokensView{Name: strings.TrimSpace(r.PostForm.Get("name")), Scope: r.PostForm.Get("scope"), Problems: map[string]string{}}
	if tv.Name == "" {
		tv.Problems["name"] = "Say what the token is for (the system that will use it)."
	} else if len(tv.Name) > 100 {
		tv.Problems["name"] = "At most 100 characters."
	}
	kind, idText, _ := strings.Cut(tv.Scope, ":")
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil || (kind != store.ScopeKindOffice && kind != store.ScopeKindArea && kind != store.ScopeKindUnit) {
		tv.Problems["scope"] = "Choose what the token may read."
	}
	if len(tv.Problems) > 0 {
		app.renderTokens(w, r, http.StatusUnprocessableEntity, tv)
		return
	}
	token, t, err := app.store.IssueToken(r.Context(), v, tv.Name, kind, id)
	if errors.Is(err, store.ErrBadScope) {
		tv.Problems["scope"] = "That office, area or unit no longer exists or is inactive."
		app.renderTokens(w, r, http.StatusUnprocessableEntity, tv)
		return
	}
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	app.renderTokens(w, r, http.StatusOK, views.TokensView{Issued: token, IssuedAs: t.Name})
}

func (app *App) revokeToken(w http.ResponseWriter, r *http.Request) {
	v, _ := viewerFrom(r.Context())
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil {
		app.notFound(w, r)
		return
	}
	if err := app.store.RevokeToken(r.Context(), v, id); err != nil {
		app.storeError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/tokens", http.StatusSeeOther)
}
