package sched

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/corogo/coro/internal/ilist"
	"github.com/corogo/coro/state"
)

// ErrDeadlock matches (errors.Is) the error Run returns when no coroutine
// is ready and nothing can ready one.
var ErrDeadlock = errors.New("FATAL: deadlock detected.")

// DeadlockError is that error: Coro's message followed by the ps listing
// of the coroutines at the time.
type DeadlockError struct {
	Listing string
}

func (e *DeadlockError) Error() string { return ErrDeadlock.Error() + "\n" + e.Listing }

func (e *DeadlockError) Is(target error) bool { return target == ErrDeadlock }

// deadlock is called by the coroutine that found nothing to run; the
// listing shows it waiting, as Perl's does (there the idle coroutine is the
// one running).
func (s *Scheduler) deadlock() *DeadlockError { return &DeadlockError{Listing: s.listing(true)} }

// PS returns a listing of the scheduler's coroutines in Coro::Debug's ps
// format: main first, then the live coroutines in creation order.
//
//	PID    the coroutine's ID
//	S      N new, U running, R ready, - otherwise
//	C      C if it has a stack of its own, - if not
//	RSS    bytes of stack its goroutine holds
//	USES   times it was switched to
//	Where  [file:line] of the innermost call outside this module's
//	       scheduler and state packages, where it waits
//
// It must be called from a coroutine of s.
func (s *Scheduler) PS() string { return s.listing(false) }

// listing is PS; idle shows the running coroutine as waiting.
func (s *Scheduler) listing(idle bool) string {
	coros := []*Coro{s.main}
	for c := s.live.Front(); c != nil; c = ilist.Next(c, liveLinks) {
		coros = append(coros, c)
	}
	ctxs := make([]*state.State, len(coros))
	for i, c := range coros {
		ctxs[i] = c.st
	}
	traces := state.Tracebacks(ctxs)
	var b strings.Builder
	fmt.Fprintf(&b, "%20s %s%s %4s %4s %-24.24s %s\n", "PID", "S", "C", "RSS", "USES", "Description", "Where")
	for i, c := range coros {
		st, stack := "-", "-"
		switch {
		case !c.started:
			st = "N"
		case c.IsRunning() && !idle:
			st = "U"
		case c.ready:
			st = "R"
		}
		size := c.st.StackSize()
		if size > 0 {
			stack = "C"
		}
		fmt.Fprintf(&b, "%20d %s%s %4s %4s %-24.24s %s\n", c.id, st, stack,
			formatNum4(float64(size)), formatNum4(float64(c.uses)), c.desc, where(traces[i]))
	}
	return b.String()
}

// formatNum4 formats v in four columns, as Coro::Debug's format_num4.
func formatNum4(v float64) string {
	switch {
	case v < 1e4:
		return fmt.Sprintf("%4d", int64(v))
	case v < 1e6:
		return fmt.Sprintf("%3.0fk", v/1e3)
	case v < 1e7*.995:
		return fmt.Sprintf("%1.1fM", v/1e6)
	case v < 1e9:
		return fmt.Sprintf("%3.0fM", v/1e6)
	case v < 1e10*.995:
		return fmt.Sprintf("%1.1fG", v/1e9)
	case v < 1e12:
		return fmt.Sprintf("%3.0fG", v/1e9)
	}
	return "++++"
}

// internalFrames are the packages whose frames Where skips: the caller's
// wait happens inside them.
var internalFrames = []string{
	"github.com/corogo/coro/sched.",
	"github.com/corogo/coro/state.",
	"github.com/corogo/coro/sync.",
	"runtime.",
	"iter.",
}

// where returns "[file:line]" of the first frame of a traceback that is
// not internal, or "-".
func where(trace string) string {
	lines := strings.Split(trace, "\n")
	for i := 1; i+1 < len(lines); i += 2 {
		fn := lines[i]
		if strings.HasPrefix(fn, "created by ") {
			break
		}
		internal := false
		for _, p := range internalFrames {
			if strings.HasPrefix(fn, p) {
				internal = true
				break
			}
		}
		if internal {
			continue
		}
		loc := strings.TrimSpace(lines[i+1])
		loc, _, _ = strings.Cut(loc, " +0x")
		return "[" + filepath.Base(loc) + "]"
	}
	return "-"
}
