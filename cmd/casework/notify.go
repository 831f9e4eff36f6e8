package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/casework/casework/internal/config"
	"github.com/casework/casework/internal/notify"
	"github.com/casework/casework/internal/store"
)

// cmdNotify: `casework notify run [--once]`: compose today's digests when
// their hour has come, send what is due, and exit (--once, for cron and
// tests) or go on every minute.
func cmdNotify(args []string) int {
	if len(args) < 1 || args[0] != "run" {
		return fail("usage: casework notify run [--once]")
	}
	fs := flag.NewFlagSet("notify run", flag.ContinueOnError)
	once := fs.Bool("once", false, "send everything due now, then exit")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	cfg, err := config.Load(os.Getenv)
	if err != nil {
		return fail("%v", err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	st, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return fail("%v", err)
	}
	defer st.Close()
	n, err := newNotifier(ctx, cfg, st, newLogger(cfg))
	if err != nil {
		return fail("%v", err)
	}
	if cfg.SMTP == nil {
		fmt.Fprintln(os.Stderr, "casework: SMTP_URL is not set: digests are composed and kept in the outbox, nothing is sent")
	}
	if !*once {
		n.Loop(ctx, notifyInterval)
		return 0
	}
	stats, err := n.RunOnce(ctx)
	if err != nil {
		return fail("notify: %v", err)
	}
	fmt.Println(stats.String())
	return 0
}

// notifyInterval is how often a server looks for mail to compose or send.
const notifyInterval = 30 * time.Second

// newNotifier wires the notifier from the settings: the agency's zone from
// the database, a mailer when SMTP_URL is set.
func newNotifier(ctx context.Context, cfg config.Config, st *store.Store, log *slog.Logger) (*notify.Notifier, error) {
	tz, err := st.AgencyTimeZone(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading the agency's time zone (is the database migrated and seeded?): %w", err)
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return nil, fmt.Errorf("agency time zone %q: %w", tz, err)
	}
	n := &notify.Notifier{Store: st, Log: log, Now: time.Now, Location: loc, DigestHour: cfg.DigestHour, BaseURL: cfg.AppURL}
	if cfg.SMTP != nil {
		n.Mailer = &notify.Mailer{SMTP: *cfg.SMTP, From: cfg.MailFrom}
	}
	return n, nil
}
