package state_test

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/corogo/coro/internal/churn"
	"github.com/corogo/coro/internal/selfexec"
	"github.com/corogo/coro/state"
)

// runRecover runs state.Run(main) on a goroutine of its own and returns
// what reached Run's caller: nil, a panic value, or "goexit".
func runRecover(main func()) (got any) {
	done := make(chan struct{})
	go func() {
		returned := false
		defer func() {
			if !returned {
				if got = recover(); got == nil {
					got = "goexit"
				}
			}
			close(done)
		}()
		state.Run(main)
		returned = true
	}()
	<-done
	return got
}

// panicWhileHeld makes a context panic while main holds interrupts.
func panicWhileHeld(main *state.State) {
	state.Uninterrupted(func() {
		main.Transfer(state.New(func() { panic("boom") }, state.Desc("bomber")))
	})
}

// A panic that escapes a context while main holds interrupts, and that
// main never resumes to raise, still reaches Run's caller, after the
// contexts left have been cancelled; the goroutine can host again.
// (Found by review: Run returned nil, or, with contexts left, raised the
// panic in the middle of cancelling them and left the goroutine marked
// as a host.)
func TestHeldPanicReachesRun(t *testing.T) {
	got := runRecover(func() { panicWhileHeld(state.Current()) })
	if pe, ok := got.(*state.PanicError); !ok || pe.Value != "boom" {
		t.Fatalf("Run ended with %v (%T), want a *PanicError for bomber", got, got)
	}

	var ev trace
	got = runRecover(func() {
		main := state.Current()
		parkContexts(&ev, main, "x", "y")
		panicWhileHeld(main)
		ev.add("main returns")
	})
	if pe, ok := got.(*state.PanicError); !ok || pe.Value != "boom" {
		t.Errorf("Run with contexts left ended with %v (%T), want a *PanicError for bomber", got, got)
	}
	ev.check(t, "main returns", "x unwound", "y unwound")
	if got := runRecover(func() {}); got != nil {
		t.Errorf("the next Run: %v", got)
	}
}

// While main holds a panic in Uninterrupted, the host goes on as it
// would: an ending context's OnExit still picks who runs next. (Found by
// review: every ending context resumed main.)
func TestHeldPanicLeavesOnExitAlone(t *testing.T) {
	var ev trace
	runRecover(func() {
		main := state.Current()
		state.Uninterrupted(func() {
			main.Transfer(state.New(func() { panic("boom") }, state.Desc("bomber")))
			ev.add("main resumed in Uninterrupted")
			var b *state.State
			b = state.New(func() { ev.add("b picked by a's OnExit"); b.Transfer(main) }, state.Desc("b"))
			a := state.New(func() { ev.add("a ends") }, state.Desc("a"),
				state.OnExit(func() *state.State { return b }))
			main.Transfer(a)
			ev.add("main back in Uninterrupted")
		})
	})
	ev.check(t, "main resumed in Uninterrupted", "a ends", "b picked by a's OnExit", "main back in Uninterrupted")
}

// v's canceller c is cancelled itself and waits in a deferred call of its
// own: v's end must not resume c there, as if its Cancel had returned.
// (Found by review: c's deferred call went on at v's end.)
func TestCancelledCancellerIsNotResumedByItsVictim(t *testing.T) {
	var ev trace
	state.Run(func() {
		main := state.Current()
		var v, c, d *state.State
		v = state.New(func() {
			defer func() {
				v.Transfer(main)
				ev.add("v's deferred call goes on")
			}()
			v.Transfer(main)
		}, state.Desc("v"))
		c = state.New(func() {
			defer func() {
				c.Transfer(main)
				ev.add("c's deferred call goes on")
			}()
			v.Cancel()
		}, state.Desc("c"))
		d = state.New(func() {
			c.Cancel()
			ev.add("d: c %v", c.Status())
			d.Transfer(main)
		}, state.Desc("d"))
		main.Transfer(v) // v parks
		main.Transfer(c) // c cancels v; v's deferred call comes back here
		main.Transfer(d) // d cancels c; c's deferred call comes back here
		main.Transfer(v) // v's deferred call goes on and v ends
		ev.add("main: v %v, c %v", v.Status(), c.Status())
		if c.Status() == state.StatusSuspended {
			main.Transfer(c)
		}
		ev.add("main end")
	})
	ev.check(t, "v's deferred call goes on", "main: v done, c suspended",
		"c's deferred call goes on", "d: c done", "main end")
}

// A panic in OnExit escapes the ending context like one in its function.
// (Found by review: on turbo a fault, on the portable engine a bare panic
// out of the runtime's switch.)
func TestOnExitPanicIsThePanicOfItsContext(t *testing.T) {
	got := runRecover(func() {
		state.Current().Transfer(state.New(func() {}, state.Desc("a"),
			state.OnExit(func() *state.State { panic("OnExit boom") })))
	})
	if pe, ok := got.(*state.PanicError); !ok || pe.Value != "OnExit boom" || pe.Desc != "a" {
		t.Fatalf("Run ended with %v (%T), want a *PanicError for a", got, got)
	}
}

// Cancel, from another goroutine, of the context a host is running
// panics as any Cancel from outside does. (Found by review: the caller
// quietly ended as if it had called runtime.Goexit.)
func TestCancelOfRunningContextFromOutside(t *testing.T) {
	running, release := make(chan *state.State), make(chan struct{})
	go state.Run(func() {
		main := state.Current()
		var a *state.State
		a = state.New(func() { running <- a; <-release }, state.Desc("a"))
		main.Transfer(a)
	})
	a := <-running
	defer close(release)
	got := make(chan string)
	go func() {
		returned := false
		defer func() {
			if !returned {
				got <- fmt.Sprint("panic: ", recover())
			}
		}()
		a.Cancel()
		returned = true
		got <- "returned"
	}()
	if r := <-got; r != `panic: state: Cancel of context "a" from outside its host` {
		t.Fatalf("Cancel from outside: %s", r)
	}
}

// A context may end holding runtime.LockOSThread, as a goroutine may.
// (Found by review: on the portable engine the runtime threw, as the
// switch out of the ending goroutine found the thread locked.) It runs in
// a child process, which such a throw would end.
func TestContextEndsLocked(t *testing.T) {
	if os.Getenv("CORO_TEST_LOCKED_CHILD") != "" {
		state.Run(func() {
			main := state.Current()
			main.Transfer(state.New(func() { runtime.LockOSThread() }, state.Desc("locker")))
			fmt.Println("host went on")
		})
		return
	}
	out, err := selfexec.Output([]string{"CORO_TEST_LOCKED_CHILD=1"}, "-test.run=^TestContextEndsLocked$", "-test.v")
	if s := string(out); err != nil || !strings.Contains(s, "host went on") {
		t.Fatalf("child (%v):\n%.300s", err, s)
	}
}

// A deferred call panics while a Cancel or runtime.Goexit unwinds a
// context: the panic escapes the context like any other, and the Goexit
// under it ends the context. (Found by review: on turbo a fault, as the
// Goexit went on past the context's first frame; on the portable engine
// Run's caller got the Goexit and the panic was lost.)
func TestPanicInDeferWhileUnwinding(t *testing.T) {
	got := runRecover(func() {
		main := state.Current()
		var a *state.State
		a = state.New(func() {
			defer panic("boom in a deferred call")
			a.Transfer(main)
		}, state.Desc("a"))
		main.Transfer(a)
		a.Cancel()
	})
	if pe, ok := got.(*state.PanicError); !ok || pe.Value != "boom in a deferred call" || pe.Desc != "a" {
		t.Errorf("cancelled context: Run ended with %v (%T), want a *PanicError for a", got, got)
	}

	got = runRecover(func() {
		defer panic("boom in main's deferred call")
		runtime.Goexit()
	})
	if got != "boom in main's deferred call" {
		t.Errorf("main: Run ended with %v (%T), want the panic", got, got)
	}

	var ev trace
	got = runRecover(func() { // at the host's end: the others are cancelled too
		main := state.Current()
		var x *state.State
		x = state.New(func() {
			defer ev.add("x unwound")
			defer panic("boom at the host's end")
			x.Transfer(main)
		}, state.Desc("x"))
		main.Transfer(x)
		parkContexts(&ev, main, "y")
	})
	if pe, ok := got.(*state.PanicError); !ok || pe.Value != "boom at the host's end" {
		t.Errorf("host end: Run ended with %v (%T), want a *PanicError for x", got, got)
	}
	ev.check(t, "x unwound", "y unwound")
	if got := runRecover(func() {}); got != nil {
		t.Errorf("the next Run: %v", got)
	}
}

// SafeCancel marks a suspended context and returns without switching;
// the context unwinds, its deferred calls running on its own stack with
// what it alone refers to intact after collections, when it next resumes,
// and its OnExit then picks who goes on. A Cancel before that takes over
// and unwinds it at once; a new context just ends; the running and the
// main context cannot be safely cancelled.
func TestSafeCancel(t *testing.T) {
	defer churn.Start()()
	var ev trace
	state.Run(func() {
		main := state.Current()
		parked := func(name string, next func() *state.State) *state.State {
			var s *state.State
			s = state.New(func() {
				box := &[64]int{}
				box[63] = len(name) // referred to only from this stack
				defer func() {
					runtime.GC()
					ev.add("%s unwinds on its own stack %v, box %d", name, state.Current() == s, box[63])
				}()
				s.Transfer(main)
				ev.add("%s resumed (must not happen)", name)
			}, state.Desc(name), state.OnExit(next))
			main.Transfer(s)
			return s
		}
		var other *state.State
		other = state.New(func() {
			ev.add("other runs after a has unwound")
			other.Transfer(main)
		}, state.Desc("other"))
		a := parked("a", func() *state.State { return other })
		a.SafeCancel()
		a.SafeCancel() // a second one changes nothing
		ev.add("a marked: %v", a.Status())
		for range 3 {
			runtime.GC()
		}
		a.Raise("dropped: the cancel comes first")
		main.Transfer(a)
		ev.add("main: a %v", a.Status())

		b := parked("bb", nil)
		b.SafeCancel()
		b.Cancel()
		ev.add("bb cancelled at once: %v", b.Status())

		fresh := state.New(func() { ev.add("never") })
		fresh.SafeCancel()
		ev.add("fresh: %v", fresh.Status())
		for _, s := range []*state.State{main, state.Current()} {
			func() {
				defer func() { ev.add("refused: %v", recover() != nil) }()
				s.SafeCancel()
			}()
		}
	})
	ev.check(t, "a marked: suspended", "a unwinds on its own stack true, box 1", "other runs after a has unwound",
		"main: a done", "bb unwinds on its own stack true, box 2", "bb cancelled at once: done", "fresh: done",
		"refused: true", "refused: true")
}

// A Cancel of a context that a SafeCancel is unwinding, whose deferred
// call has switched, panics: Unwinding says so beforehand.
func TestCancelOfSafeCancelledUnwindingContext(t *testing.T) {
	var ev trace
	state.Run(func() {
		main := state.Current()
		var a *state.State
		a = state.New(func() {
			defer func() {
				a.Transfer(main)
				ev.add("a's deferred call goes on")
			}()
			a.Transfer(main)
		}, state.Desc("a"))
		main.Transfer(a)
		a.SafeCancel()
		ev.add("before resume: unwinding %v", a.Unwinding())
		main.Transfer(a) // a unwinds; its deferred call comes back here
		ev.add("after: unwinding %v", a.Unwinding())
		func() {
			defer func() { ev.add("Cancel panics %v", recover() != nil) }()
			a.Cancel()
		}()
		main.Transfer(a)
		ev.add("a %v", a.Status())
	})
	ev.check(t, "before resume: unwinding false", "after: unwinding true", "Cancel panics true", "a's deferred call goes on", "a done")
}
