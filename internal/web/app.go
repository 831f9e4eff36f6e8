// Package web is the HTTP side of casework: the route table, middleware and
// handlers. Handlers parse the request, ask the store or the workspace
// (internal/workspace: the evaluated unit, area and worker) for what is within
// the signed-in person's reach, and render templ components from web/views.
// A refusal of the store or the workspace becomes a status and a page in
// errors.go alone.
package web

import (
	"context"
	"log/slog"
	"net/http"
	"runtime"
	"time"

	"github.com/alexedwards/scs/pgxstore"
	"github.com/alexedwards/scs/v2"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/auth"
	"github.com/casework/casework/internal/rules"
	"github.com/casework/casework/internal/store"
	"github.com/casework/casework/internal/workspace"
)

// Config is what the web tier needs from the outside.
type Config struct {
	Store  *store.Store
	Logger *slog.Logger
	// Now is the clock. Tests fix it; nothing else in this package reads time.
	Now func() time.Time
	// Location is the agency's time zone: "today" is a date there.
	Location *time.Location
	// SecureCookies marks the session cookie Secure: on whenever the app is
	// served over HTTPS (behind a TLS-terminating proxy too).
	SecureCookies bool
	// IdleTimeout signs a person out after this long without a request;
	// SessionLifetime after this long whatever they do.
	IdleTimeout     time.Duration
	SessionLifetime time.Duration
	// RequestTimeout bounds the work of one request.
	RequestTimeout time.Duration
	// EvalCacheBytes bounds the evaluated dashboards kept between views
	// (internal/workspace/cache.go): 0 is the default, 80 MiB; negative keeps none.
	EvalCacheBytes int64
	// SessionCleanup is how often expired sessions are deleted (default 5m).
	// Every instance runs it: the DELETE is idempotent, so several at once
	// are safe.
	SessionCleanup time.Duration
	// Throttle is the sign-in lockout policy; Sleep waits before answering a
	// repeated failure (tests replace it so they need not wait).
	Throttle *auth.Throttle
	Sleep    func(time.Duration)
	// SSO is sign-in through the agency's OpenID provider (oidc.go); nil: off.
	SSO *SSO
	// HashGate bounds the password hashes computed at once (nil: one per
	// core, four waiting per core); HashWait is the longest an attempt waits
	// in its queue (0: 3s).
	HashGate *auth.Gate
	HashWait time.Duration
	// ClosingHour is the agency's closing hour (1-23, its zone): an
	// emergent request made at or after it is due the next business day.
	// 0 is rules.DefaultClosingHour.
	ClosingHour int
	// MailSending says where e-mail goes (the SMTP URL without its
	// password); empty when none is set, and the administrator's outbox
	// page then shows each message as its recipient would read it (the
	// demo). AppURL is the app's address, for the links in a message.
	MailSending string
	AppURL      string
}

// App holds the dependencies of every handler.
type App struct {
	store    *store.Store
	log      *slog.Logger
	now      func() time.Time
	loc      *time.Location
	sessions *scs.SessionManager
	assets   *assets
	timeout  time.Duration
	stopGC   func()
	throttle auth.Throttle
	sleep    func(time.Duration)
	ws       *workspace.Service
	sso      *SSO
	hashGate *auth.Gate
	hashWait time.Duration

	closingHour int
	mail        mailSettings
}

// New wires the web tier. Close stops its background session cleanup.
func New(cfg Config) (*App, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	if cfg.IdleTimeout == 0 {
		cfg.IdleTimeout = 30 * time.Minute
	}
	if cfg.SessionLifetime == 0 {
		cfg.SessionLifetime = 12 * time.Hour
	}
	if cfg.RequestTimeout == 0 {
		cfg.RequestTimeout = 20 * time.Second
	}
	if cfg.Throttle == nil {
		cfg.Throttle = &auth.DefaultThrottle
	}
	if cfg.HashGate == nil {
		cfg.HashGate = auth.NewGate(0, 4*runtime.GOMAXPROCS(0))
	}
	if cfg.HashWait == 0 {
		cfg.HashWait = 3 * time.Second
	}
	if cfg.Sleep == nil {
		cfg.Sleep = time.Sleep
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	a, err := loadAssets()
	if err != nil {
		return nil, err
	}
	sm := scs.New()
	// Expired sessions are deleted every five minutes by this app's own
	// loop (sessionCleanup), not pgxstore's: its goroutine sets the channel
	// that stops it after starting, a data race with an early Close, and
	// logs failures through the log package. The DELETE is safe to run from
	// several instances at once.
	if cfg.SessionCleanup == 0 {
		cfg.SessionCleanup = 5 * time.Minute
	}
	ps := pgxstore.NewWithCleanupInterval(cfg.Store.Pool(), 0)
	// An unchanged session is written at most once a minute (sessionstore.go).
	sm.Store = newTouchLimitedStore(ps, time.Now) // real time, as scs counts expiry
	sm.IdleTimeout = cfg.IdleTimeout
	sm.Lifetime = cfg.SessionLifetime
	sm.HashTokenInStore = true // a copy of the sessions table yields no usable token
	sm.Cookie.Name = "casework_session"
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = cfg.SecureCookies
	sm.Cookie.Persist = false // a browser-session cookie: closing the browser signs out
	if cfg.EvalCacheBytes == 0 {
		cfg.EvalCacheBytes = 80 << 20
	}
	app := &App{
		ws:    workspace.New(cfg.Store, cfg.Now, cfg.Location, cfg.EvalCacheBytes),
		store: cfg.Store, log: cfg.Logger, now: cfg.Now, loc: cfg.Location,
		sessions: sm, assets: a, timeout: cfg.RequestTimeout,
		sso:      cfg.SSO,
		throttle: *cfg.Throttle, sleep: cfg.Sleep, hashGate: cfg.HashGate, hashWait: cfg.HashWait,
		closingHour: cfg.ClosingHour,
		mail:        mailSettings{sending: cfg.MailSending, appURL: cfg.AppURL},
	}
	if app.closingHour <= 0 || app.closingHour > 23 {
		app.closingHour = rules.DefaultClosingHour
	}
	sm.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) { app.serverError(w, r, err) }
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		app.sessionCleanup(ctx, cfg.SessionCleanup)
	}()
	app.stopGC = func() { stop(); <-done }
	return app, nil
}

// sessionCleanup deletes expired sessions every interval until ctx ends.
func (app *App) sessionCleanup(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if n, err := app.store.DeleteExpiredSessions(ctx); err != nil && ctx.Err() == nil {
				app.log.Warn("session cleanup", "error", err)
			} else if n > 0 {
				app.log.Info("session cleanup", "deleted", n)
			}
		}
	}
}

// Close stops background work.
func (app *App) Close() { app.stopGC() }

// today is the agency's calendar date now, as a UTC midnight.
func (app *App) today() time.Time { return app.ws.Today() }

type ctxKey int

const viewerKey ctxKey = iota

func withViewer(ctx context.Context, v access.Viewer) context.Context {
	return context.WithValue(ctx, viewerKey, v)
}

// viewerFrom returns the signed-in person, if any.
func viewerFrom(ctx context.Context) (access.Viewer, bool) {
	v, ok := ctx.Value(viewerKey).(access.Viewer)
	return v, ok
}
