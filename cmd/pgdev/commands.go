package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/casework/casework/internal/pgcluster"
)

// cmdRun serves `make run`: persistent cluster, DATABASE_URL, child.
func cmdRun(args []string) (int, error) {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	dir := fs.String("dir", defaultDir, "cluster directory")
	env := fs.String("env", "DATABASE_URL", "environment variable that receives the URL")
	var settings []string
	fs.Func("set", "a postgresql.conf setting, name=value, for this start (repeatable)", func(kv string) error {
		if _, _, err := pgcluster.ParseSetting(kv); err != nil {
			return err
		}
		settings = append(settings, kv)
		return nil
	})
	argv, err := parseFlags(fs, args, true)
	if err != nil {
		return 0, err
	}
	sup := newSupervisor()
	opts, err := options(sup.ctx)
	if err != nil {
		return 0, err
	}
	opts.Settings = settings
	start := time.Now()
	c, err := pgcluster.Ensure(sup.ctx, *dir, opts)
	if err != nil {
		if code, ok := sup.interrupted(); ok {
			return code, nil
		}
		return 0, err
	}
	url := c.URL(pgcluster.DefaultDatabase)
	logf("PostgreSQL ready in %.1fs: %s=%s", time.Since(start).Seconds(), *env, url)
	code, runErr := sup.runChild(argv, *env, url)

	// A server we found running belongs to whoever started it (say, a
	// `make run` in another terminal); stopping it would pull the database
	// from under them.
	if c.WasRunning {
		logf("leaving PostgreSQL running (it was already running when we started)")
	} else {
		logf("stopping PostgreSQL")
		if err := c.Stop(); err != nil {
			logf("warning: stopping PostgreSQL: %v", err)
		}
	}
	if runErr != nil {
		return 0, runErr
	}
	return code, nil
}

// cmdTest serves `make test`: throwaway cluster, TEST_DATABASE_URL, child,
// and the cluster deleted afterwards whatever happens.
func cmdTest(args []string) (int, error) {
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	env := fs.String("env", "TEST_DATABASE_URL", "environment variable that receives the URL")
	argv, err := parseFlags(fs, args, true)
	if err != nil {
		return 0, err
	}
	sup := newSupervisor()
	opts, err := options(sup.ctx)
	if err != nil {
		return 0, err
	}
	start := time.Now()
	c, err := pgcluster.Throwaway(sup.ctx, opts)
	if err != nil {
		if code, ok := sup.interrupted(); ok {
			return code, nil
		}
		return 0, err
	}
	// The "postgres" database: tests CREATE DATABASE per test from there.
	url := c.URL("postgres")
	logf("PostgreSQL ready in %.1fs: %s=%s", time.Since(start).Seconds(), *env, url)
	code, runErr := sup.runChild(argv, *env, url)
	logf("stopping PostgreSQL and deleting %s", c.Dir)
	if err := c.Stop(); err != nil {
		logf("warning: removing throwaway cluster %s: %v", c.Dir, err)
	}
	if runErr != nil {
		return 0, runErr
	}
	return code, nil
}

// cmdURL prints the persistent cluster's URL, starting it if needed. The
// server keeps running afterwards (that is the point); `pgdev stop` or
// `pgdev reset` stops it.
func cmdURL(args []string) (int, error) {
	fs := flag.NewFlagSet("url", flag.ContinueOnError)
	dir := fs.String("dir", defaultDir, "cluster directory")
	db := fs.String("db", pgcluster.DefaultDatabase, "database name in the URL")
	if _, err := parseFlags(fs, args, false); err != nil {
		return 0, err
	}
	ctx := context.Background()
	opts, err := options(ctx)
	if err != nil {
		return 0, err
	}
	c, err := pgcluster.Ensure(ctx, *dir, opts)
	if err != nil {
		return 0, err
	}
	fmt.Println(c.URL(*db))
	return 0, nil
}

func cmdStop(args []string) (int, error) {
	fs := flag.NewFlagSet("stop", flag.ContinueOnError)
	dir := fs.String("dir", defaultDir, "cluster directory")
	if _, err := parseFlags(fs, args, false); err != nil {
		return 0, err
	}
	// No install here: with nothing installed there is nothing to stop.
	return 0, pgcluster.StopDir(context.Background(), *dir, pgcluster.Options{Logf: logf})
}

func cmdReset(args []string) (int, error) {
	fs := flag.NewFlagSet("reset", flag.ContinueOnError)
	dir := fs.String("dir", defaultDir, "cluster directory")
	if _, err := parseFlags(fs, args, false); err != nil {
		return 0, err
	}
	return 0, pgcluster.Reset(context.Background(), *dir, pgcluster.Options{Logf: logf})
}
