package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/casework/casework/internal/config"
	"github.com/casework/casework/internal/store"
	"github.com/casework/casework/internal/web"
)

func cmdServe(args []string) int {
	cfg, err := config.Load(os.Getenv)
	if err != nil {
		return fail("%v", err)
	}
	return serve(cfg)
}

func newLogger(cfg config.Config) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, opts))
}

func serve(cfg config.Config) int {
	log := newLogger(cfg)
	// A soft memory limit, unless GOMEMLIMIT sets another: under a steady
	// stream of pages the collector otherwise lets the heap grow to twice
	// what is live (the kept dashboards included) before collecting.
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(240 << 20)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	st, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return fail("%v", err)
	}
	defer st.Close()
	if err := st.CheckLeastPrivilege(ctx); err != nil {
		return fail("%v", err)
	}
	// The closing hour is kept with the agency: every facts loader (pages,
	// exports, the state-wide run) reads it from there.
	if err := st.SetClosingHour(ctx, cfg.ClosingHour); err != nil {
		return fail("%v", err)
	}
	tz, err := st.AgencyTimeZone(ctx)
	if err != nil {
		return fail("reading the agency's time zone (is the database migrated and seeded?): %v", err)
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return fail("agency time zone %q: %v", tz, err)
	}
	ssoSet, err := ssoSetting(ctx, cfg.SSO, st, log)
	if err != nil {
		return fail("%v", err)
	}
	app, err := web.New(web.Config{
		Store: st, Logger: log, Now: time.Now, Location: loc,
		SecureCookies: cfg.SecureCookies, IdleTimeout: cfg.IdleTimeout,
		SessionLifetime: cfg.SessionLifetime, RequestTimeout: cfg.RequestTimeout,
		SessionCleanup: cfg.SessionCleanup, EvalCacheBytes: evalCacheBytes(cfg.EvalCacheMB),
		SSO:         ssoSet,
		ClosingHour: cfg.ClosingHour,
		MailSending: mailSending(cfg), AppURL: cfg.AppURL,
	})
	if err != nil {
		return fail("%v", err)
	}
	defer app.Close()
	if cfg.DebugAddr != "" {
		stopDebug, err := serveDebug(cfg.DebugAddr, log)
		if err != nil {
			return fail("%v", err)
		}
		defer stopDebug()
	}
	if cfg.AuditCheckpointInterval > 0 {
		cpCtx, stopCheckpoints := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { defer close(done); auditCheckpoints(cpCtx, st, cfg, log) }()
		defer func() { stopCheckpoints(); <-done }()
	}
	// Every instance composes and sends (docs/notifications.md): digests
	// under a lock and keys, each message claimed by one sender.
	n, err := newNotifier(ctx, cfg, st, log)
	if err != nil {
		return fail("%v", err)
	}
	n.ByArea = true // within the server's memory limit above
	notifyDone := make(chan struct{})
	go func() { defer close(notifyDone); n.Loop(ctx, notifyInterval) }()
	defer func() { stop(); <-notifyDone }()
	ln, err := net.Listen("tcp", cfg.ListenAddr)
	if err != nil {
		return fail("listen on %s: %v", cfg.ListenAddr, err)
	}
	if err := web.Serve(ctx, ln, app.Routes(), log, cfg.ShutdownTimeout); err != nil {
		return fail("%v", err)
	}
	return 0
}

// serveDebug serves Go's profiler (net/http/pprof) on a loopback address of
// its own, apart from the app's routes, for finding where the time goes
// (docs/performance.md). Off unless DEBUG_ADDR is set.
func serveDebug(addr string, log *slog.Logger) (func(), error) {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("DEBUG_ADDR %s: %w", addr, err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	log.Info("profiler listening", "addr", ln.Addr().String())
	return func() { _ = srv.Close() }, nil
}

// evalCacheBytes turns EVAL_CACHE_MB into the web tier's setting, where 0
// means the default and a negative number none.
func evalCacheBytes(mb int) int64 {
	if mb == 0 {
		return -1
	}
	return int64(mb) << 20
}

// mailSending is where mail goes, for the administrator's outbox page; ""
// when SMTP_URL is unset (the page then shows each message instead).
func mailSending(cfg config.Config) string {
	if cfg.SMTP == nil {
		return ""
	}
	return cfg.SMTP.Redacted()
}
