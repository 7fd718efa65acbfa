package state_test

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/corogo/coro/state"
)

// trace collects events in order; every context of a host appends to it.
type trace []string

func (t *trace) add(format string, args ...any) { *t = append(*t, fmt.Sprintf(format, args...)) }

func (t trace) check(tb testing.TB, want ...string) {
	tb.Helper()
	if got := strings.Join(t, "\n"); got != strings.Join(want, "\n") {
		tb.Fatalf("events:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
}

func TestTransferPingPong(t *testing.T) {
	var ev trace
	state.Run(func() {
		main := state.Current()
		var a, b *state.State
		a = state.New(func() {
			for i := range 3 {
				ev.add("a%d", i)
				a.Transfer(b)
			}
			a.Transfer(main)
		}, state.Desc("a"))
		b = state.New(func() {
			for i := range 3 {
				ev.add("b%d", i)
				b.Transfer(a)
			}
		}, state.Desc("b"))
		if a.Status() != state.StatusNew {
			t.Errorf("a is %v before it ran", a.Status())
		}
		main.Transfer(a)
		ev.add("main back, a %v b %v", a.Status(), b.Status())
	})
	ev.check(t, "a0", "b0", "a1", "b1", "a2", "b2", "main back, a suspended b suspended")
}

func TestReturnResumesMainOrOnExit(t *testing.T) {
	var ev trace
	state.Run(func() {
		main := state.Current()
		var b *state.State
		a := state.New(func() { ev.add("a") }, state.OnExit(func() *state.State { return b }))
		b = state.New(func() { ev.add("b, current %s", state.Current().Desc()) }, state.Desc("b"))
		main.Transfer(a)
		ev.add("main, a %v b %v", a.Status(), b.Status())
	})
	ev.check(t, "a", "b, current b", "main, a done b done")
}

func TestCancelRunsDefersOnOwnStack(t *testing.T) {
	var ev trace
	state.Run(func() {
		main := state.Current()
		var a *state.State
		a = state.New(func() {
			defer ev.add("a deferred, current %s", state.Current().Desc())
			a.Transfer(main)
			ev.add("a resumed (must not happen)")
		}, state.Desc("a"))
		main.Transfer(a)
		a.Cancel()
		ev.add("cancelled: %v", a.Status())
		a.Cancel() // no-op on a finished context
		fresh := state.New(func() { ev.add("never") })
		fresh.Cancel()
		ev.add("fresh: %v", fresh.Status())
	})
	ev.check(t, "a deferred, current a", "cancelled: done", "fresh: done")
}

func TestCancelFromThirdContext(t *testing.T) {
	// The cancelled context is parked in a slot other than its own, and the
	// canceller is not the goroutine parked in the victim's slot: the exit
	// must hand control to the canceller through a relay.
	var ev trace
	state.Run(func() {
		main := state.Current()
		var a, b, c *state.State
		a = state.New(func() {
			defer ev.add("a unwound")
			a.Transfer(b)
		}, state.Desc("a"))
		b = state.New(func() {
			b.Transfer(c)
			ev.add("b back")
			b.Transfer(main)
		}, state.Desc("b"))
		c = state.New(func() {
			a.Cancel()
			ev.add("c after cancel, a %v", a.Status())
			c.Transfer(b)
		}, state.Desc("c"))
		main.Transfer(a)
		ev.add("main end")
	})
	ev.check(t, "a unwound", "c after cancel, a done", "b back", "main end")
}

// cancelledWhileSwitching makes context a, whose deferred call switches
// back to main, and context b, which cancels a; it leaves main with a
// unwinding in that call and b waiting in Cancel, and returns a.
func cancelledWhileSwitching(ev *trace, main *state.State) *state.State {
	var a, b *state.State
	a = state.New(func() {
		defer func() {
			ev.add("a unwinding")
			a.Transfer(main)
			ev.add("a's deferred call goes on")
		}()
		a.Transfer(main)
	}, state.Desc("a"))
	b = state.New(func() {
		defer ev.add("b unwound")
		a.Cancel()
		ev.add("b: a %v", a.Status())
		b.Transfer(main)
	}, state.Desc("b"))
	main.Transfer(a) // a parks
	main.Transfer(b) // b cancels a, whose deferred call comes back here
	return a
}

// A cancelled context's deferred call that switches is resumed like any
// other code and goes on: the cancel does not end it a second time.
func TestCancelLetsSwitchingDeferGoOn(t *testing.T) {
	var ev trace
	state.Run(func() {
		main := state.Current()
		a := cancelledWhileSwitching(&ev, main)
		ev.add("main: a %v", a.Status())
		main.Transfer(a) // a's deferred call goes on; a ends and b resumes
		ev.add("main end")
	})
	ev.check(t, "a unwinding", "main: a suspended", "a's deferred call goes on", "b: a done", "main end", "b unwound")
}

// A value raised at a context while a deferred call of its cancel waits
// panics in that call, as a timeout of the wait must; recovered there,
// the call goes on, and so does the cancel: the deferred calls before it
// run, and the canceller resumes.
func TestRaiseReachesDeferredCallOfCancel(t *testing.T) {
	var ev trace
	state.Run(func() {
		main := state.Current()
		var a, canceller *state.State
		a = state.New(func() {
			defer ev.add("a's outer deferred call runs")
			defer func() {
				defer func() { ev.add("deferred call recovered %v", recover()) }()
				a.Transfer(main) // waits, while the cancel unwinds a
				ev.add("never")
			}()
			a.Transfer(main)
		}, state.Desc("a"))
		canceller = state.New(func() {
			a.Cancel()
			ev.add("canceller: a %v", a.Status())
			canceller.Transfer(main)
		}, state.Desc("canceller"))
		main.Transfer(a)
		main.Transfer(canceller) // a unwinds; its deferred call comes back here
		a.Raise("timeout")
		main.Transfer(a)
		ev.add("main end")
	})
	ev.check(t, "deferred call recovered timeout", "a's outer deferred call runs", "canceller: a done", "main end")
}

// A value raised and a cancel that come while a context waits in
// Uninterrupted, or a value it raises at itself there, take effect at its
// first resume after it, not in it.
func TestUninterrupted(t *testing.T) {
	var ev trace
	state.Run(func() {
		main := state.Current()
		wait := func(s *state.State) {
			state.Uninterrupted(func() {
				s.Transfer(main)
				ev.add("%s resumed in Uninterrupted", s.Desc())
			})
			ev.add("%s after Uninterrupted", s.Desc())
			s.Transfer(main)
			ev.add("never")
		}
		var a, b *state.State
		a = state.New(func() {
			defer func() { ev.add("a recovered %v", recover()) }()
			wait(a)
		}, state.Desc("a"))
		main.Transfer(a)
		a.Raise("held")
		main.Transfer(a)
		main.Transfer(a)

		b = state.New(func() {
			defer ev.add("b unwound")
			wait(b)
		}, state.Desc("b"))
		var canceller *state.State
		canceller = state.New(func() {
			b.Cancel()
			ev.add("b cancelled: %v", b.Status())
			canceller.Transfer(main)
		}, state.Desc("canceller"))
		main.Transfer(b)
		main.Transfer(canceller) // b goes on in Uninterrupted, then comes back here
		main.Transfer(b)         // b unwinds, and canceller comes back here

		func() { // a value raised at the running context waits too
			defer func() { ev.add("main recovered %v", recover()) }()
			state.Uninterrupted(func() {
				main.Raise("own")
				ev.add("main raised at itself")
			})
			ev.add("main after Uninterrupted")
			main.Transfer(state.New(func() {})) // which ends at once, resuming main
			ev.add("never")
		}()
		ev.add("main end")
	})
	ev.check(t, "a resumed in Uninterrupted", "a after Uninterrupted", "a recovered held",
		"b resumed in Uninterrupted", "b after Uninterrupted", "b unwound", "b cancelled: done",
		"main raised at itself", "main after Uninterrupted", "main recovered own", "main end")
}

// TestRaise: a raised value is panicked with where the context resumes,
// once; on a new context, before fn; Raise(nil) withdraws it. Raised
// shows it until then.
func TestRaise(t *testing.T) {
	var ev trace
	state.Run(func() {
		main := state.Current()
		var a *state.State
		a = state.New(func() {
			for i := range 3 {
				func() {
					defer func() { ev.add("a %d recovered %v", i, recover()) }()
					a.Transfer(main)
				}()
			}
		}, state.Desc("a"))
		main.Transfer(a)
		a.Raise("boom")
		ev.add("raised %v", a.Raised())
		main.Transfer(a) // a panics in its Transfer and parks again
		ev.add("raised %v", a.Raised())
		main.Transfer(a) // a plain resume: nothing pending any more
		a.Raise("withdrawn")
		a.Raise(nil)
		ev.add("raised %v", a.Raised())
		main.Transfer(a)
		ev.add("a %v", a.Status())

		fresh := state.New(func() { ev.add("never") })
		fresh.Raise("early")
		func() {
			defer func() {
				pe, _ := recover().(*state.PanicError)
				ev.add("main recovered %v", pe.Value)
			}()
			main.Transfer(fresh)
		}()
	})
	ev.check(t, "raised boom", "a 0 recovered boom", "raised <nil>", "a 1 recovered <nil>", "raised <nil>",
		"a 2 recovered <nil>", "a done",
		"main recovered early")
}

func TestSelfCancelAndGoexit(t *testing.T) {
	var ev trace
	state.Run(func() {
		main := state.Current()
		for _, how := range []string{"cancel", "goexit"} {
			var a *state.State
			a = state.New(func() {
				defer ev.add("%s: deferred", how)
				if how == "cancel" {
					a.Cancel()
				} else {
					runtime.Goexit()
				}
				ev.add("unreachable")
			})
			main.Transfer(a)
			ev.add("%s: main resumed, a %v", how, a.Status())
		}
	})
	ev.check(t, "cancel: deferred", "cancel: main resumed, a done",
		"goexit: deferred", "goexit: main resumed, a done")
}

// Goexit while the goroutine parked in the exiting context's slot entered
// through next (the case iter.Pull would turn into a Goexit of that
// goroutine), with every combination of who is parked where.
func TestGoexitRelayPaths(t *testing.T) {
	for depth := 1; depth <= 4; depth++ {
		t.Run(fmt.Sprint(depth), func(t *testing.T) {
			var ev trace
			state.Run(func() {
				main := state.Current()
				ctx := make([]*state.State, depth)
				for i := range ctx {
					ctx[i] = state.New(func() {
						defer ev.add("%d deferred", i)
						if i+1 < depth {
							ctx[i].Transfer(ctx[i+1])
						}
						if i == depth-1 {
							runtime.Goexit()
						}
						ctx[i].Transfer(main)
					})
				}
				main.Transfer(ctx[0])
				ev.add("main resumed")
			})
			want := []string{fmt.Sprintf("%d deferred", depth-1), "main resumed"}
			for i := range depth - 1 {
				want = append(want, fmt.Sprintf("%d deferred", i)) // cancelled at host end
			}
			ev.check(t, want...)
		})
	}
}

// parkContexts enters a context per name, each of which parks back in
// main at once and records its unwinding.
func parkContexts(ev *trace, main *state.State, names ...string) {
	for _, name := range names {
		var s *state.State
		s = state.New(func() {
			defer ev.add("%s unwound", name)
			s.Transfer(main)
		}, state.Desc(name))
		main.Transfer(s)
	}
}

func TestHostEndCancelsLeftovers(t *testing.T) {
	var ev trace
	state.Run(func() {
		parkContexts(&ev, state.Current(), "x", "y", "z")
		_ = state.New(func() { ev.add("never entered") })
		ev.add("main returns")
	})
	ev.check(t, "main returns", "x unwound", "y unwound", "z unwound")
}

// The host ends while a Cancel unwinds a context whose deferred call has
// switched back to main: nothing else will resume that call now, so the
// host's own Cancel takes over and cuts it short, and the canceller, left
// waiting in Cancel, unwinds after it.
func TestHostEndCancelsAnUnwindingContext(t *testing.T) {
	var ev trace
	state.Run(func() {
		cancelledWhileSwitching(&ev, state.Current())
		ev.add("main returns")
	})
	ev.check(t, "a unwinding", "main returns", "b unwound")
}

func TestPanicSurfacesAsPanicError(t *testing.T) {
	var ev trace
	errBoom := errors.New("boom")
	defer func() {
		pe, ok := recover().(*state.PanicError)
		if !ok {
			t.Fatalf("want *state.PanicError")
		}
		if pe.Desc != "bomber" || !errors.Is(pe, errBoom) {
			t.Errorf("PanicError %q %v", pe.Desc, pe.Value)
		}
		if !strings.Contains(string(pe.Stack), "TestPanicSurfacesAsPanicError") {
			t.Errorf("stack does not show the panicking function:\n%s", pe.Stack)
		}
		ev.check(t, "main deferred", "bystander unwound") // main unwinds first, then Run cancels the rest
	}()
	state.Run(func() {
		main := state.Current()
		defer ev.add("main deferred")
		var by *state.State
		by = state.New(func() {
			defer ev.add("bystander unwound")
			by.Transfer(main)
		})
		main.Transfer(by)
		main.Transfer(state.New(func() { panic(errBoom) }, state.Desc("bomber")))
		ev.add("main resumed (must not happen)")
	})
}

func TestMisuse(t *testing.T) {
	mustPanic := func(name, want string, f func()) {
		t.Helper()
		defer func() {
			if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), want) {
				t.Errorf("%s: panic %v, want one containing %q", name, r, want)
			}
		}()
		f()
	}
	mustPanic("Current outside", "outside a host", func() { state.Current() })
	state.Run(func() {
		main := state.Current()
		main.Transfer(main) // does nothing
		state.Switch(func(from *state.State) *state.State { return from })
		done := state.New(func() {})
		main.Transfer(done)
		mustPanic("to done", "finished context", func() { main.Transfer(done) })
		mustPanic("done to itself", "not running", func() { done.Transfer(done) })
		mustPanic("from suspended", "not running", func() { done.Transfer(main) })
		mustPanic("cancel main", "cannot be cancelled", func() { main.Cancel() })
		mustPanic("nested Run", "inside a host", func() { state.Run(func() {}) })
		var other *state.State
		ch := make(chan struct{})
		go state.Run(func() { other = state.Current(); close(ch) })
		<-ch
		mustPanic("foreign", "another host", func() { main.Transfer(other) })
		// main runs, but the caller is a goroutine outside the host.
		outside := make(chan struct{})
		go func() {
			defer close(outside)
			mustPanic("from outside", "does not run it", func() {
				main.Transfer(state.New(func() { t.Error("a context ran on a goroutine outside its host") }))
			})
			mustPanic("to itself from outside", "does not run it", func() { main.Transfer(main) })
			// Raise of the running context from outside panicked with v,
			// in the caller, and the context got nothing.
			mustPanic("Raise from outside", "does not run it", func() { main.Raise("boom") })
		}()
		<-outside

		// A deferred call of a cancelled context comes back to main while
		// the Cancel, made by canceller, waits for the unwinding to end.
		var victim, canceller *state.State
		victim = state.New(func() {
			defer victim.Transfer(main)
			victim.Transfer(main)
		})
		canceller = state.New(func() { victim.Cancel(); canceller.Transfer(main) })
		main.Transfer(victim)
		main.Transfer(canceller)
		mustPanic("cancel twice", "an earlier Cancel is unwinding", victim.Cancel)
		main.Transfer(victim) // the unwinding ends; canceller comes back here
	})
}

func TestManyHostsInParallel(t *testing.T) {
	const hosts, ctxs, rounds = 8, 50, 100
	errs := make(chan error, hosts)
	for h := range hosts {
		go func() {
			sum := 0
			state.Run(func() {
				main := state.Current()
				all := make([]*state.State, ctxs)
				for i := range all {
					all[i] = state.New(func() {
						for {
							sum++
							all[i].Transfer(all[(i+1)%ctxs])
						}
					})
				}
				all[ctxs-1] = state.New(func() {
					for r := 0; r < rounds; r++ {
						sum++
						all[ctxs-1].Transfer(all[0])
					}
					all[ctxs-1].Transfer(main)
				})
				main.Transfer(all[0])
			})
			if want := ctxs - 1 + ctxs*rounds; sum != want { // first lap, then full laps
				errs <- fmt.Errorf("host %d: %d steps, want %d", h, sum, want)
				return
			}
			errs <- nil
		}()
	}
	for range hosts {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// The runtime's coroutine switch throws (killing the process) when the
// thread-lock state differs from the one at creation; Transfer must panic
// with an explanation instead, and a host that is locked as a whole works.
func TestThreadLocking(t *testing.T) {
	// The runtime's coroutine switch cannot move a locked thread; the turbo
	// engine's switch stays on the host's goroutine, so it can.
	turbo := state.Engine().Name == "turbo"
	// switchLocked runs a host whose context locks its thread once more
	// and transfers back to main.
	switchLocked := func(host string) {
		defer func() {
			r := recover()
			pe, ok := r.(*state.PanicError)
			switch {
			case turbo && r != nil:
				t.Errorf("turbo, %s host: recovered %v, want no panic", host, r)
			case !turbo && (!ok || !strings.Contains(fmt.Sprint(pe.Value), "LockOSThread")):
				t.Errorf("%s host: recovered %v, want a PanicError about LockOSThread", host, r)
			}
		}()
		state.Run(func() {
			main := state.Current()
			var c *state.State
			c = state.New(func() {
				runtime.LockOSThread()
				defer runtime.UnlockOSThread()
				c.Transfer(main)
			})
			main.Transfer(c)
		})
	}
	switchLocked("unlocked")

	// A locked context's transfer to a new one panics before starting it:
	// a goroutine started from a locked one would take that lock for
	// every switch into it, and the runtime throws at the next unlocked
	// one. (Found by review: the check came after the start.)
	if !turbo {
		state.Run(func() {
			main := state.Current()
			fresh := state.New(func() {})
			var locked *state.State
			locked = state.New(func() {
				runtime.LockOSThread()
				defer runtime.UnlockOSThread()
				func() {
					defer func() { recover() }()
					locked.Transfer(fresh)
				}()
			})
			main.Transfer(locked)
			main.Transfer(fresh) // a fatal error before the fix
		})
	}

	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	n := 0
	state.Run(func() {
		main := state.Current()
		var c *state.State
		c = state.New(func() {
			for {
				n++
				c.Transfer(main)
			}
		})
		for range 3 {
			main.Transfer(c)
		}
	})
	if n != 3 {
		t.Errorf("locked host ran the context %d times, want 3", n)
	}
	// On a locked host the counts must match as well.
	switchLocked("locked")

	// main ends locked, so Run cannot switch to the suspended context to
	// cancel it and panics; the goroutine that called Run is then outside
	// every host. (Found by review: the panic skipped the clean-up, and
	// Running went on finding main.)
	if !turbo {
		func() {
			defer func() {
				runtime.UnlockOSThread() // main's
				if r := recover(); !strings.Contains(fmt.Sprint(r), "LockOSThread") {
					t.Errorf("Run ending locked with a suspended context: recovered %v, want a panic about LockOSThread", r)
				}
				if s := state.Running(); s != nil {
					t.Errorf("after Run panicked, its caller still finds context %q running", s.Desc())
				}
			}()
			state.Run(func() {
				main := state.Current()
				c := state.New(func() { state.Current().Transfer(main) })
				main.Transfer(c)
				runtime.LockOSThread()
			})
		}()
	}
}
