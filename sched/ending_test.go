package sched_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/corogo/coro/sched"
	"github.com/corogo/coro/state"
	cosync "github.com/corogo/coro/sync"
)

// A Throw that Join holds gives way to a panic that escaped another
// coroutine, and to a deadlock, which reach Run as they would without it.
func TestHeldThrowLetsPanicAndDeadlockPass(t *testing.T) {
	for _, panics := range []bool{true, false} {
		var err error
		var got any
		func() {
			defer func() { got = recover() }()
			err = sched.Run(func() {
				target := sched.Async(func() any { sched.Schedule(); return nil })
				m := sched.Current()
				sched.Async(func() any {
					m.Throw(errors.New("held"))
					if panics {
						panic("boom")
					}
					return nil
				})
				target.Join()
			})
		}()
		if pe, ok := got.(*state.PanicError); panics && (!ok || pe.Value != "boom") {
			t.Errorf("Run panicked with %v, want the PanicError of boom", got)
		}
		if !panics && (got != nil || !errors.Is(err, sched.ErrDeadlock)) {
			t.Errorf("Run returned %v and panicked with %v, want ErrDeadlock", err, got)
		}
	}
}

// A joiner already waiting when the target's value becomes final, and
// readied before the target runs, returns at once: Perl's join looks at
// the value at every wake-up.
func TestJoinReturnsWhenValueBecomesFinal(t *testing.T) {
	var ev events
	run(t, func() {
		target := sched.Async(func() any {
			defer ev.add("target unwinds")
			sched.Schedule()
			return nil
		})
		j := sched.Async(func() any { v, _ := target.Join(); ev.add("joiner got %v", v); return nil })
		sched.Cede()
		j.Ready()
		target.SafeCancel("s")
		sched.Cede()
		sched.Cede()
	})
	ev.check(t, "joiner got s", "target unwinds")
}

// Once Join has returned a value, it stays: a SafeCancel that comes while
// the coroutine waits in Uninterrupted is not undone by the coroutine
// returning from fn without switching again, and a SafeCancel of a
// coroutine that Terminate is unwinding fails.
func TestFinalValueStays(t *testing.T) {
	run(t, func() {
		c := sched.Async(func() any {
			sched.Uninterrupted(func() { sched.Schedule() })
			return "returned"
		})
		var destroyed any
		c.OnDestroy(func(v any) { destroyed = v })
		sched.Cede()
		c.SafeCancel("cancelled")
		v1, e1 := c.Join()
		sched.Cede()
		v2, e2 := c.Join()
		if v1 != "cancelled" || v2 != v1 || e2 != e1 || destroyed != v1 {
			t.Errorf("Join (%v, %v) then (%v, %v), OnDestroy %v; want the cancel's value throughout", v1, e1, v2, e2, destroyed)
		}

		c = sched.Async(func() any {
			defer sched.Schedule() // waits while c unwinds
			sched.Terminate("terminated")
			return nil
		})
		sched.Cede()
		if err := c.SafeCancel("late"); !errors.Is(err, sched.ErrNotCancellable) {
			t.Errorf("SafeCancel of an unwinding coroutine: %v, want ErrNotCancellable", err)
		}
		if v, err := c.Join(); v != "terminated" || err != nil {
			t.Errorf("Join after it: %v, %v", v, err)
		}
		c.Ready()
		sched.Cede()
	})
}

// A WithTimeout in a deferred call that runs while its coroutine is
// cancelled or safe-cancelled still ends the wait, also when another
// coroutine is the one idling as the timer fires.
func TestWithTimeoutInDeferredCallOfCancel(t *testing.T) {
	for _, safe := range []bool{false, true} {
		var werr error
		run(t, func() {
			forever := sched.Async(func() any { sched.Schedule(); return nil })
			c := sched.Async(func() any {
				defer func() {
					werr = sched.WithTimeout(time.Millisecond, func() { forever.Join() })
				}()
				sched.Schedule()
				return nil
			})
			sched.Cede()
			idler := func() any { sched.Sleep(20 * time.Millisecond); return nil }
			if safe {
				c.SafeCancel(nil)
				sched.Cede() // c unwinds and waits in its deferred call
				sched.Async(idler)
				sched.Sleep(50 * time.Millisecond)
			} else {
				sched.Async(idler)
				c.Cancel(nil)
			}
			if !c.IsDone() {
				t.Errorf("safe %v: c still waits in its deferred WithTimeout", safe)
			}
			forever.Cancel(nil)
		})
		if !errors.Is(werr, sched.ErrTimeout) {
			t.Errorf("safe %v: the deferred call's WithTimeout returned %v", safe, werr)
		}
	}
}

// SafeCancel of a coroutine that waits in a Cancel of another, whose
// deferred call cedes: both end, and the canceller keeps its value.
func TestSafeCancelOfCanceller(t *testing.T) {
	var ev events
	run(t, func() {
		victim := sched.Async(func() any {
			defer func() {
				ev.add("victim: deferred call begins")
				sched.Cede()
				sched.Cede()
				ev.add("victim: deferred call ends")
			}()
			sched.Schedule()
			return nil
		})
		canceller := sched.Async(func() any {
			defer ev.add("canceller unwinds")
			victim.Cancel("cv")
			ev.add("never: the canceller unwinds in its Cancel")
			return nil
		})
		sched.Cede()
		if err := canceller.SafeCancel("xs"); err != nil {
			t.Error(err)
		}
		for range 5 {
			sched.Cede()
		}
		vx, ex := canceller.Join()
		vv, ev2 := victim.Join()
		ev.add("canceller %v %v done %v; victim %v %v done %v", vx, ex, canceller.IsDone(), vv, ev2, victim.IsDone())
	})
	ev.check(t, "victim: deferred call begins", "canceller unwinds", "victim: deferred call ends",
		fmt.Sprintf("canceller xs %v done true; victim cv %v done true", sched.ErrCancelled, sched.ErrCancelled))
}

// Main returns while a deferred call of a cancelled coroutine waits for
// something that never comes: Run reports the deadlock, and ends.
func TestRunEndsWhileDeferredCallWaitsForEver(t *testing.T) {
	var sig cosync.Signal
	err := sched.Run(func() {
		c := sched.Async(func() any {
			defer sig.Wait()
			sched.Schedule()
			return nil
		})
		sched.Cede()
		c.SafeCancel("v")
		sched.Cede()
	})
	if !errors.Is(err, sched.ErrDeadlock) || !strings.Contains(err.Error(), "ending_test.go") {
		t.Errorf("Run: %v, want a deadlock naming the deferred call's wait", err)
	}
}

// A Throw at a coroutine that waits in Join inside Uninterrupted is held
// by Uninterrupted, not by Join: Join returns its value, and the error
// comes at the first resume after Uninterrupted, even when the wait there
// is one that only the Throw would end.
func TestThrowAtJoinInUninterrupted(t *testing.T) {
	var ev events
	run(t, func() {
		target := sched.Async(func() any { sched.Schedule(); return "v" })
		j := sched.Async(func() any {
			defer func() { ev.add("recovered %v", recover()) }()
			sched.Uninterrupted(func() {
				v, _ := target.Join()
				ev.add("join %v", v)
			})
			ev.add("after Uninterrupted")
			var sig cosync.Signal
			sig.Wait()
			return nil
		})
		sched.Cede()
		j.Throw(errors.New("boom"))
		sched.Cede()
		target.Ready()
		j.Join()
	})
	ev.check(t, "join v", "after Uninterrupted", "recovered boom")
}

// A Cancel, or Run's end, of a coroutine that Terminate unwinds, a
// deferred call waiting, waits for it and keeps Terminate's value.
func TestCancelOfTerminatingCoroutineWaits(t *testing.T) {
	for _, atRunEnd := range []bool{false, true} {
		var ev events
		run(t, func() {
			c := sched.Async(func() any {
				defer func() { sched.Sleep(10 * time.Millisecond); ev.add("deferred call done") }()
				sched.Terminate("t")
				return nil
			})
			c.OnDestroy(func(v any) { ev.add("destroyed with %v", v) })
			sched.Cede()
			if !atRunEnd {
				c.Cancel("c")
				v, err := c.Join()
				ev.add("Join %v %v", v, err)
			}
		})
		want := []string{"deferred call done", "destroyed with t"}
		if !atRunEnd {
			want = append(want, "Join t <nil>")
		}
		ev.check(t, want...)
	}
}

// An outer WithTimeout that fires while an inner one's throw unwinds
// through an Uninterrupted wait (as aio's does) ends the outer call, and
// its throw, held meanwhile, does not come again later.
func TestOuterTimeoutDuringInnerUnwinding(t *testing.T) {
	var ev events
	run(t, func() {
		outer := sched.WithTimeout(20*time.Millisecond, func() {
			inner := sched.WithTimeout(5*time.Millisecond, func() {
				defer sched.Uninterrupted(func() { sched.Sleep(30 * time.Millisecond) })
				sched.Schedule()
			})
			ev.add("never: inner returned %v", inner)
		})
		ev.add("outer returned %v", outer)
		sched.Sleep(time.Millisecond)
		ev.add("slept after")
	})
	ev.check(t, "outer returned "+sched.ErrTimeout.Error(), "slept after")
}

// A Ready of a coroutine waiting in a Cancel whose target's deferred call
// waits does not make the Cancel return before the target has ended.
func TestCancelWaitsThroughReady(t *testing.T) {
	var ev events
	run(t, func() {
		target := sched.Async(func() any {
			defer func() { sched.Sleep(10 * time.Millisecond); ev.add("target's deferred call done") }()
			sched.Schedule()
			return nil
		})
		sched.Cede()
		canceller := sched.Async(func() any {
			target.Cancel("x")
			ev.add("Cancel returned, target done %v", target.IsDone())
			return nil
		})
		sched.Cede()
		canceller.Ready()
		canceller.Join()
	})
	ev.check(t, "target's deferred call done", "Cancel returned, target done true")
}

// The canceller, resumed early by a Ready, waits on in awaitEnd; then it
// is cancelled itself. The target still ends with the first Cancel's value.
func TestCancellerCancelledWhileItWaits(t *testing.T) {
	for _, terminate := range []bool{false, true} {
		var ev events
		run(t, func() {
			target := sched.Async(func() any {
				defer func() { sched.Sleep(5 * time.Millisecond); ev.add("target deferred done") }()
				if terminate {
					sched.Terminate("t")
				}
				sched.Schedule()
				return nil
			})
			target.OnDestroy(func(v any) { ev.add("target destroyed %v", v) })
			sched.Cede()
			x := sched.Async(func() any {
				defer ev.add("x unwound")
				target.Cancel("c")
				ev.add("never: x's Cancel returned")
				return nil
			})
			sched.Cede()
			x.Ready()
			sched.Cede() // x resumes early, waits on
			x.Cancel("xc")
			v, err := x.Join()
			ev.add("x joined %v %v, nready %d", v, err, sched.NReady())
			v, err = target.Join()
			ev.add("target joined %v %v, nready %d", v, err, sched.NReady())
		})
		want := "c"
		if terminate {
			want = "t"
		}
		cerr := "sched: coroutine cancelled"
		if terminate {
			cerr = "<nil>"
		}
		ev.check(t, "x unwound", "x joined xc sched: coroutine cancelled, nready 0",
			"target joined "+want+" "+cerr+", nready 0", "target deferred done", "target destroyed "+want)
	}
}

// SafeCancel, Throw at a canceller waiting in awaitEnd for a terminated
// coroutine; KillAll while a terminated coroutine's deferred call waits.
func TestKillAllWaitsForTerminated(t *testing.T) {
	var ev events
	run(t, func() {
		target := sched.Async(func() any {
			defer func() { sched.Sleep(5 * time.Millisecond); ev.add("target deferred done") }()
			sched.Terminate("t")
			return nil
		})
		target.OnDestroy(func(v any) { ev.add("target destroyed %v", v) })
		other := sched.Async(func() any { sched.Schedule(); return nil })
		other.OnDestroy(func(v any) { ev.add("other destroyed %v", v) })
		sched.Cede()
		w := sched.Async(func() any {
			defer func() { ev.add("w recovered %v", recover()) }()
			target.Cancel("c")
			return nil
		})
		sched.Cede()
		w.Throw(errors.New("boom"))
		sched.Cede()
		sched.KillAll()
		ev.add("KillAll returned, nready %d", sched.NReady())
	})
	ev.check(t, "w recovered boom", "other destroyed <nil>", "target deferred done", "target destroyed t", "KillAll returned, nready 0")
}
