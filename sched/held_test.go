package sched_test

import (
	"errors"
	"testing"
	"time"

	"github.com/corogo/coro/aio"
	"github.com/corogo/coro/sched"
	cosync "github.com/corogo/coro/sync"
)

// What Uninterrupted holds back (a Throw, a Cancel, a timeout) comes at
// the coroutine's first resume after it, and a WithTimeout withdraws only
// its own throw. (Found by review helper 26.)

// An outer WithTimeout whose time runs out while an inner one's function
// waits inside Uninterrupted: the inner call's function returns normally,
// and the pending raise, the outer call's throw, is not the inner call's
// to withdraw. (Found by review: the outer call waited for ever.)
func TestInnerTimeoutLeavesOuterThrow(t *testing.T) {
	var outer error
	done := false
	err := sched.Run(func() {
		outer = sched.WithTimeout(10*time.Millisecond, func() {
			sched.WithTimeout(5*time.Millisecond, func() {
				sched.Uninterrupted(func() { sched.Sleep(20 * time.Millisecond) })
			})
			sched.Cede()     // a resume: the outer throw, held meanwhile, should come here
			sched.Schedule() // or at the latest end this wait
		})
		done = true
	})
	if err != nil || !done || !errors.Is(outer, sched.ErrTimeout) {
		t.Fatalf("Run: %.60v; outer WithTimeout returned %v (done %v); want ErrTimeout", err, outer, done)
	}
}

// A user Throw that comes while a WithTimeout's own throw is held by
// Uninterrupted replaces that throw; when the function then returns
// normally, the user's Throw still comes. (Found by review: it was lost.)
func TestTimeoutLeavesUserThrow(t *testing.T) {
	var got any
	var ev events
	run(t, func() {
		c := sched.Async(func() any {
			defer func() { got = recover() }()
			r := sched.WithTimeout(5*time.Millisecond, func() {
				sched.Uninterrupted(func() { sched.Sleep(20 * time.Millisecond) })
			})
			ev.add("WithTimeout returned %v", r)
			sched.Cede()
			sched.Cede()
			ev.add("no throw seen")
			return nil
		})
		sched.Sleep(10 * time.Millisecond)
		c.Throw(errors.New("user"))
		c.Join()
	})
	if e, _ := got.(error); e == nil || e.Error() != "user" {
		t.Errorf("events %q; recovered %v, want the user's Throw", ev, got)
	}
}

// A Cancel of a coroutine whose deferred call waits in a Sleep, inside a
// WithTimeout that fires during that Sleep.
func TestCancelOfDeferredSleepInsideTimeout(t *testing.T) {
	var ev events
	run(t, func() {
		c := sched.Async(func() any {
			r := sched.WithTimeout(2*time.Millisecond, func() {
				defer func() { sched.Sleep(10 * time.Millisecond); ev.add("deferred sleep done") }()
				sched.Schedule()
			})
			ev.add("never: WithTimeout returned %v", r)
			return nil
		})
		sched.Cede()
		c.Cancel("x")
		ev.add("Cancel returned, done %v", c.IsDone())
	})
	ev.check(t, "Cancel returned, done true")
}

// A Cancel that comes while its target waits inside Uninterrupted takes
// effect at the target's first resume after Uninterrupted, also when the
// target then blocks in a wait that nothing else ends. (Found by review:
// the Cancel never returned.)
func TestCancelHeldByUninterruptedThenWait(t *testing.T) {
	var sig cosync.Signal
	var ev events
	err := sched.Run(func() {
		c := sched.Async(func() any {
			defer ev.add("target unwound")
			sched.Uninterrupted(func() { sched.Sleep(5 * time.Millisecond) })
			sig.Wait() // nobody sends: only the Cancel can end this
			ev.add("never")
			return nil
		})
		sched.Cede()
		c.Cancel("x")
		ev.add("Cancel returned")
	})
	if err != nil {
		t.Errorf("Run: %.40v", err)
	}
	ev.check(t, "target unwound", "Cancel returned")
}

// A WithTimeout whose time runs out while its function waits inside
// Uninterrupted ends the wait the function blocks in after it.
func TestTimeoutHeldByUninterruptedThenWait(t *testing.T) {
	var sig cosync.Signal
	var got error
	err := sched.Run(func() {
		got = sched.WithTimeout(5*time.Millisecond, func() {
			sched.Uninterrupted(func() { sched.Sleep(10 * time.Millisecond) })
			sig.Wait()
		})
	})
	if err != nil || got != sched.ErrTimeout {
		t.Errorf("Run: %.40v; WithTimeout returned %v, want ErrTimeout", err, got)
	}
}

// A Throw ends a coroutine's wait while an Uninterrupted wait runs in its
// unwinding (as aio's abandon does for a request in flight); the coroutine
// recovers and waits again. A Cancel then must end it, whether it comes
// while the Uninterrupted wait still runs or after.
func TestCancelAfterThrowThroughUninterruptedWait(t *testing.T) {
	deferredWait := func(wait func()) func() {
		return func() {
			defer sched.Uninterrupted(wait)
			sched.Schedule()
		}
	}
	for name, waits := range map[string]func(){
		"aio request":    func() { aio.Nop() },
		"deferred sleep": deferredWait(func() { sched.Sleep(time.Millisecond) }),
		"deferred cede":  deferredWait(sched.Cede),
		"deferred none":  deferredWait(func() {}),
	} {
		for _, settle := range []time.Duration{0, 5 * time.Millisecond} {
			var ev events
			err := sched.Run(func() {
				c := sched.Async(func() any {
					defer ev.add("unwound")
					func() {
						defer func() { ev.add("recovered %v", recover()) }()
						waits()
					}()
					sched.Schedule() // only the Cancel ends this
					ev.add("never")
					return nil
				})
				sched.Cede()
				c.Throw(errors.New("boom"))
				sched.Cede()
				if settle > 0 {
					sched.Sleep(settle)
				}
				c.Cancel("x")
				ev.add("Cancel returned")
			})
			if err != nil {
				t.Errorf("%s, Cancel after %v: Run: %.50v", name, settle, err)
			}
			ev.check(t, "recovered boom", "unwound", "Cancel returned")
		}
	}
}

// A WithTimeout whose throw, held by Uninterrupted, it withdraws as its
// function returns leaves no wake-up behind: the coroutine is not counted
// ready, and its next Schedule waits. (Found by review helper 27: the
// coroutine stayed queued while it ran, and Schedule returned at once.)
func TestWithdrawnTimeoutLeavesNoWakeUp(t *testing.T) {
	run(t, func() {
		sched.WithTimeout(5*time.Millisecond, func() {
			sched.Uninterrupted(func() { sched.Sleep(30 * time.Millisecond) })
		})
		if n := sched.NReady(); n != 0 || sched.Current().IsReady() {
			t.Errorf("NReady %d, running coroutine ready %v; want 0, false", n, sched.Current().IsReady())
		}
		sched.Async(func() any { sched.Sleep(10 * time.Millisecond); sched.Main().Ready(); return nil })
		start := time.Now()
		sched.Schedule()
		if d := time.Since(start); d < 8*time.Millisecond {
			t.Errorf("Schedule returned after %v, before anything readied main", d)
		}
	})
}
