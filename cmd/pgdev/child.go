package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"unsafe"
)

// supervisor owns signal handling for run/test. pgdev must outlive its
// child so it can stop (and for tests delete) the cluster afterwards, so it
// never dies of SIGINT/SIGTERM itself:
//   - before the child starts, a signal cancels the setup context, which
//     aborts initdb/pg_ctl and leads to cleanup;
//   - while the child runs, signals are passed on to it and pgdev waits
//     for it to exit, then cleans up and exits with the child's status.
type supervisor struct {
	ctx    context.Context
	cancel context.CancelFunc

	mu    sync.Mutex
	child *os.Process
	sig   os.Signal // first signal received before the child started
}

func newSupervisor() *supervisor {
	ctx, cancel := context.WithCancel(context.Background())
	s := &supervisor{ctx: ctx, cancel: cancel}
	ch := make(chan os.Signal, 8)
	signal.Notify(ch, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	go func() {
		for sig := range ch {
			s.handle(sig)
		}
	}()
	return s
}

func (s *supervisor) handle(sig os.Signal) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.child == nil {
		if s.sig == nil {
			s.sig = sig
			logf("got %v, cleaning up", sig)
		}
		s.cancel()
		return
	}
	// Ctrl-C in a terminal already sends SIGINT to the whole foreground
	// process group, child included. Sending it again would look like a
	// second Ctrl-C, which many programs treat as "quit now, skip
	// graceful shutdown". So only pass SIGINT on when it did not come
	// from our terminal (e.g. `kill -INT`).
	if sig == syscall.SIGINT && inForegroundOfTerminal() {
		return
	}
	s.child.Signal(sig)
}

// interrupted returns the exit code for a run cut short by a signal.
func (s *supervisor) interrupted() (int, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sig == nil {
		return 0, false
	}
	return 128 + int(s.sig.(syscall.Signal)), true
}

// runChild runs argv with envName=envValue added to our environment,
// sharing our stdin/stdout/stderr, and returns its exit code (128+N if it
// died from signal N, as shells report it).
func (s *supervisor) runChild(argv []string, envName, envValue string) (int, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(withoutVar(os.Environ(), envName), envName+"="+envValue)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr

	s.mu.Lock()
	if s.sig != nil { // a signal arrived while the database was starting
		s.mu.Unlock()
		code, _ := s.interrupted()
		return code, nil
	}
	if err := cmd.Start(); err != nil {
		s.mu.Unlock()
		return 0, err
	}
	s.child = cmd.Process
	s.mu.Unlock()

	err := cmd.Wait()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		return 0, err
	}
	ws, _ := cmd.ProcessState.Sys().(syscall.WaitStatus)
	if ws.Signaled() {
		return 128 + int(ws.Signal()), nil
	}
	return cmd.ProcessState.ExitCode(), nil
}

func withoutVar(env []string, name string) []string {
	out := env[:0:0]
	for _, kv := range env {
		if !strings.HasPrefix(kv, name+"=") {
			out = append(out, kv)
		}
	}
	return out
}

// inForegroundOfTerminal reports whether our process group is the
// foreground group of our controlling terminal, i.e. whether a Ctrl-C
// there reached our child directly.
func inForegroundOfTerminal() bool {
	tty, err := os.Open("/dev/tty")
	if err != nil {
		return false // no controlling terminal: the signal was sent by kill
	}
	defer tty.Close()
	var pgrp int32
	_, _, errno := syscall.Syscall(syscall.SYS_IOCTL, tty.Fd(), uintptr(syscall.TIOCGPGRP), uintptr(unsafe.Pointer(&pgrp)))
	return errno == 0 && int(pgrp) == syscall.Getpgrp()
}
