package sched_test

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/corogo/coro/internal/churn"
	"github.com/corogo/coro/sched"
	"github.com/corogo/coro/state"
)

type events []string

func (e *events) add(format string, args ...any) { *e = append(*e, fmt.Sprintf(format, args...)) }

func (e events) check(t *testing.T, want ...string) {
	t.Helper()
	if got := strings.Join(e, "\n"); got != strings.Join(want, "\n") {
		t.Fatalf("events:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
}

func run(t *testing.T, main func()) {
	t.Helper()
	if err := sched.Run(main); err != nil {
		t.Fatal(err)
	}
}

func TestCancelReadyCoroNeverRuns(t *testing.T) {
	var ev events
	run(t, func() {
		c := sched.Async(func() any { ev.add("ran"); return nil })
		c.OnDestroy(func(v any) { ev.add("on_destroy %v", v) })
		ev.add("nready %d", sched.NReady())
		c.Cancel("bye")
		ev.add("nready %d done %v", sched.NReady(), c.IsDone())
		v, err := c.Join()
		ev.add("join %v %v", v, errors.Is(err, sched.ErrCancelled))
		sched.Cede()
	})
	ev.check(t, "nready 1", "on_destroy bye", "nready 0 done true", "join bye true")
}

// A ready coroutine cancelled while a deferred call of its own cedes:
// the scheduler may take its queue entry while it unwinds, and must count
// it out once, or NReady goes negative and a coroutine that a timer
// readies goes unseen, making Run report a deadlock. (Found by review.)
func TestCancelReadyCoroThatCedesInDefer(t *testing.T) {
	var ev events
	run(t, func() {
		c := sched.Async(func() any {
			defer sched.Cede()
			sched.Schedule()
			return nil
		})
		sched.Cede() // c waits in Schedule
		c.Ready()
		d := sched.Async(func() any { ev.add("d ran"); return nil })
		ev.add("before cancel nready %d", sched.NReady())
		c.Cancel(nil)
		ev.add("after cancel nready %d, d done %v", sched.NReady(), d.IsDone())
		sched.Cede()
		ev.add("end nready %d", sched.NReady())
		sched.Async(func() any { time.Sleep(5 * time.Millisecond); return nil })
		sched.Sleep(time.Millisecond) // its timer is due when the scheduler idles
		ev.add("slept")
	})
	ev.check(t, "before cancel nready 2", "after cancel nready 1, d done false", "d ran", "end nready 0", "slept")
}

// A second Cancel comes while a deferred call of the coroutine that a
// first Cancel unwinds waits: it waits for the coroutine to end too, and
// the first Cancel returns. (Found by review: the second took the first's
// place, which never returned, and Run ended in a deadlock.)
func TestSecondCancelWaitsForTheFirst(t *testing.T) {
	var ev events
	run(t, func() {
		victim := sched.Async(func() any {
			defer func() {
				ev.add("victim unwinding")
				sched.Sleep(time.Millisecond) // the second Cancel comes meanwhile
				ev.add("victim unwound")
			}()
			sched.Schedule()
			return nil
		})
		sched.Cede() // victim waits
		sched.Async(func() any {
			victim.Cancel("second")
			ev.add("second Cancel returned, done %v", victim.IsDone())
			return nil
		})
		victim.Cancel("first")
		v, _ := victim.Join()
		ev.add("first Cancel returned, value %v", v)
		sched.Cede()
	})
	ev.check(t, "victim unwinding", "victim unwound", "first Cancel returned, value first", "second Cancel returned, done true")
}

// Main returns while a coroutine waits in a Cancel whose victim waits in
// a deferred call. Run cancels the canceller first, and the victim, its
// canceller gone, still ends, so Run returns.
func TestRunEndsWhileACancelWaits(t *testing.T) {
	var ev events
	run(t, func() {
		var victim *sched.Coro
		canceller := sched.Async(func() any {
			defer ev.add("canceller unwound")
			sched.Schedule()
			victim.Cancel(nil)
			ev.add("never: Run cancels the canceller first")
			return nil
		})
		victim = sched.Async(func() any {
			defer func() {
				ev.add("victim unwinding")
				sched.Sleep(time.Millisecond)
				ev.add("victim unwound")
			}()
			sched.Schedule()
			return nil
		})
		sched.Cede() // both wait
		canceller.Ready()
		sched.Cede() // the canceller waits in Cancel, the victim in its deferred call
	})
	ev.check(t, "victim unwinding", "canceller unwound", "victim unwound")
}

func TestCancelUnwindsDefersThenOnDestroy(t *testing.T) {
	var ev events
	run(t, func() {
		c := sched.Async(func() any {
			defer ev.add("defer, current is victim: %v", sched.Current().Desc() == "victim")
			sched.Schedule()
			return nil
		})
		c.SetDesc("victim")
		c.OnDestroy(func(v any) { ev.add("first registered %v", v) })
		c.OnDestroy(func(v any) { ev.add("second registered %v", v) })
		sched.Cede()
		c.Cancel(7)
		ev.add("canceller continues")
	})
	ev.check(t, "defer, current is victim: true", "second registered 7", "first registered 7", "canceller continues")
}

func TestMainReturnCancelsLeftovers(t *testing.T) {
	var ev events
	run(t, func() {
		for _, name := range []string{"a", "b"} {
			c := sched.Async(func() any {
				defer ev.add("%s unwound", name)
				sched.Schedule()
				return nil
			})
			c.OnDestroy(func(any) { ev.add("%s destroyed", name) })
		}
		sched.Async(func() any { ev.add("queued one never runs"); return nil }).Cancel(nil)
		sched.Cede()
		ev.add("main returns")
	})
	ev.check(t, "main returns", "a unwound", "a destroyed", "b unwound", "b destroyed")
}

func TestTerminateInMainEndsRun(t *testing.T) {
	var ev events
	run(t, func() {
		defer ev.add("main deferred")
		sched.Async(func() any { defer ev.add("other unwound"); sched.Schedule(); return nil })
		sched.Cede()
		sched.Terminate(nil)
		ev.add("unreachable")
	})
	ev.check(t, "main deferred", "other unwound")
}

func TestPanicInCoroutineReachesRun(t *testing.T) {
	boom := errors.New("boom")
	defer func() {
		pe, ok := recover().(*state.PanicError)
		if !ok || !errors.Is(pe, boom) || pe.Desc != "bomber" {
			t.Fatalf("recovered %v, want a *state.PanicError for boom from bomber", pe)
		}
	}()
	sched.Run(func() {
		c := sched.Async(func() any { panic(boom) })
		c.SetDesc("bomber")
		c.Join()
	})
}

func TestDeadlockFromEndingCoroutine(t *testing.T) {
	err := sched.Run(func() {
		sched.Async(func() any { return nil }).SetDesc("ender")
		sched.Schedule() // main sleeps; the coroutine ends and nothing is left to run
	})
	var de *sched.DeadlockError
	if !errors.Is(err, sched.ErrDeadlock) || !errors.As(err, &de) {
		t.Fatalf("err = %v, want a deadlock", err)
	}
	lines := strings.Split(strings.TrimSpace(err.Error()), "\n")
	if lines[0] != "FATAL: deadlock detected." || !strings.Contains(lines[1], "PID SC  RSS USES Description") {
		t.Fatalf("deadlock text:\n%s", err)
	}
	if len(lines) != 3 || !strings.Contains(lines[2], "[main::]") || !strings.Contains(lines[2], "sched_test.go:") {
		t.Errorf("want one row, for main, waiting in this file:\n%s", err)
	}
}

func TestThrow(t *testing.T) {
	var ev events
	errX := errors.New("x")
	run(t, func() {
		c := sched.Async(func() any {
			defer func() { ev.add("recovered %v", recover()) }()
			sched.Schedule()
			ev.add("unreachable")
			return nil
		})
		sched.Cede()
		c.Throw(errX)
		ev.add("ready after throw %v", c.IsReady())
		sched.Cede()
		fresh := sched.NewCoro(func() any { ev.add("body ran"); return nil })
		fresh.OnDestroy(func(any) { ev.add("fresh destroyed") })
		fresh.Throw(nil) // withdraws nothing, but readies it
		sched.Cede()
	})
	ev.check(t, "ready after throw true", "recovered x", "body ran", "fresh destroyed")
}

// A Throw at a coroutine waiting in Join is held until Join ends: when a
// WithTimeout around it fires, it passes through in place of the timeout;
// when the joiner is cancelled, it is dropped with it.
func TestThrowHeldByJoin(t *testing.T) {
	var ev events
	errX := errors.New("x")
	run(t, func() {
		target := sched.Async(func() any { sched.Schedule(); return nil })
		joiner := sched.Async(func() any {
			defer func() { ev.add("joiner recovered %v", recover()) }()
			err := sched.WithTimeout(20*time.Millisecond, func() { target.Join() })
			ev.add("WithTimeout returned %v", err)
			return nil
		})
		sched.Cede()
		joiner.Throw(errX)
		sched.Cede()
		ev.add("after the throw the joiner still waits: done %v", joiner.IsDone())
		joiner.Join()

		cancelled := sched.Async(func() any {
			defer ev.add("cancelled joiner unwinds")
			target.Join()
			return nil
		})
		sched.Cede()
		cancelled.Throw(errX)
		cancelled.Cancel(nil)
		ev.add("target done %v", target.IsDone())
	})
	ev.check(t, "after the throw the joiner still waits: done false", "joiner recovered x",
		"cancelled joiner unwinds", "target done false")
}

func TestSafeCancel(t *testing.T) {
	run(t, func() {
		if err := sched.Main().SafeCancel(nil); !errors.Is(err, sched.ErrNotCancellable) {
			t.Errorf("SafeCancel(main) = %v", err)
		}
		c := sched.Async(func() any {
			if err := sched.Current().SafeCancel(nil); !errors.Is(err, sched.ErrNotCancellable) {
				t.Errorf("SafeCancel(self) = %v", err)
			}
			sched.Schedule()
			return nil
		})
		sched.Cede()
		if err := c.SafeCancel(1); err != nil || c.IsDone() || !c.IsReady() {
			t.Errorf("SafeCancel(suspended) = %v, done %v, ready %v; want nil, not done (yet), ready", err, c.IsDone(), c.IsReady())
		}
		sched.Cede()
		if v, err := c.Join(); !c.IsDone() || v != 1 || !errors.Is(err, sched.ErrCancelled) {
			t.Errorf("after it ran: done %v, Join %v, %v", c.IsDone(), v, err)
		}
	})
}

// AsyncPool hands out the same coroutine again once its call has
// returned, with its coroutine-local values kept and its priority and
// description reset; one that a call terminates is not reused.
func TestAsyncPoolReusesCoroutines(t *testing.T) {
	var ev events
	run(t, func() {
		sp := sched.NewSpecific[int]()
		var first *sched.Coro
		for i := range 3 {
			c := sched.AsyncPool(func() {
				cur := sched.Current()
				ev.add("call %d: %s prio %d local %d", i, cur.Desc(), cur.Prio(), sp.Get())
				sp.Set(sp.Get() + 1)
				cur.SetPrio(sched.PrioMax)
			})
			if first == nil {
				first = c
				c.OnDestroy(func(v any) { ev.add("first destroyed with %v", v) })
			}
			sched.Cede()
			ev.add("same %v, %s prio %d done %v", c == first, c.Desc(), c.Prio(), c.IsDone())
		}
		c := sched.AsyncPool(func() { sched.Terminate("t") })
		v, err := c.Join()
		ev.add("terminated: same %v, Join %v %v", c == first, v, err)
		c = sched.AsyncPool(func() {})
		ev.add("next is new %v", c != first)
	})
	ev.check(t,
		"call 0: [async_pool] prio 0 local 0", "same true, [async pool idle] prio 0 done false",
		"call 1: [async_pool] prio 0 local 1", "same true, [async pool idle] prio 0 done false",
		"call 2: [async_pool] prio 0 local 2", "same true, [async pool idle] prio 0 done false",
		"first destroyed with t", "terminated: same true, Join t <nil>",
		"next is new true")
}

// A pooled coroutine that leaves the pool by SafeCancel, Throw or Cancel
// while idle is not handed out again, and the pool loses it.
func TestAsyncPoolIdleCoroutineThatEndsLeavesThePool(t *testing.T) {
	run(t, func() {
		idle := func() *sched.Coro {
			c := sched.AsyncPool(func() {})
			sched.Cede()
			return c
		}
		for _, end := range []func(c *sched.Coro){
			func(c *sched.Coro) { c.SafeCancel(nil) },
			func(c *sched.Coro) { c.Cancel(nil) },
		} {
			c := idle()
			end(c)
			ran := false
			if next := sched.AsyncPool(func() { ran = true }); next == c {
				t.Error("AsyncPool handed out a coroutine that is ending")
			}
			sched.Cede()
			if !ran || !c.IsDone() {
				t.Errorf("the next call ran %v; the cancelled coroutine done %v", ran, c.IsDone())
			}
		}
	})
	errX := errors.New("x")
	err := func() (r any) {
		defer func() { r = recover() }()
		return sched.Run(func() {
			c := sched.AsyncPool(func() {})
			sched.Cede()
			c.Throw(errX)
			if sched.AsyncPool(func() {}) == c {
				t.Error("AsyncPool handed out a coroutine a Throw readied")
			}
			sched.Cede()
		})
	}()
	if pe, ok := err.(*state.PanicError); !ok || pe.Value != errX {
		t.Errorf("a Throw at an idle pooled coroutine: %v, want a PanicError of it", err)
	}
}

// A reused pool context takes its new coroutine's description, so that a
// panic there names that one, not the last user of the context.
func TestAsyncPoolPanicNamesItsCoroutine(t *testing.T) {
	r := func() (r any) {
		defer func() { r = recover() }()
		sched.Run(func() {
			a := sched.AsyncPool(func() {})
			sched.Cede()
			a.SetDesc("finished worker")
			sched.AsyncPool(func() { panic("boom") })
			sched.Cede()
		})
		return nil
	}()
	if pe, ok := r.(*state.PanicError); !ok || pe.Desc != "[async_pool]" {
		t.Fatalf("the second pool user's panic: %v, want one of context \"[async_pool]\"", r)
	}
}

func TestPostAndHoldFromOtherGoroutines(t *testing.T) {
	s := sched.New()
	release := s.Hold()
	const n = 50
	got := 0
	go func() {
		for range n {
			s.Post(func() { got++ })
		}
		time.Sleep(10 * time.Millisecond)
		s.Post(func() { release() })
	}()
	err := s.Run(func() {
		for got < n {
			sched.Schedule() // idles until posts arrive
			sched.Cede()
		}
		sched.Schedule() // waits for the release post, then deadlocks: nothing holds s
	})
	if !errors.Is(err, sched.ErrDeadlock) {
		t.Fatalf("Run = %v, want deadlock once released", err)
	}
	if got != n {
		t.Fatalf("ran %d posts, want %d", got, n)
	}
}

// A posted function runs in a pooled coroutine, as unblock_sub's callbacks
// run in async_pool ones: one after the other, they share one coroutine.
func TestPostRunsInPooledCoroutines(t *testing.T) {
	s := sched.New()
	var ran []*sched.Coro
	var descs []string
	err := s.Run(func() {
		for i := range 3 {
			s.Post(func() { ran = append(ran, sched.Current()); descs = append(descs, sched.Current().Desc()) })
			for len(ran) <= i { // it has gone back to the pool when main sees it ran
				sched.Cede()
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(ran) != 3 || ran[0] != ran[1] || ran[1] != ran[2] || descs[0] != "[async_pool]" {
		t.Errorf("posts ran in %v, described %q; want one pooled coroutine, [async_pool]", ran, descs)
	}
}

func TestIdleHook(t *testing.T) {
	var waiter *sched.Coro
	calls := 0
	s := sched.New(sched.Idle(func() bool {
		calls++
		if calls == 1 {
			waiter.Ready() // the event loop found something
			return true
		}
		return false
	}))
	err := s.Run(func() {
		waiter = sched.Current()
		sched.Schedule()
	})
	if err != nil || calls != 1 {
		t.Fatalf("Run = %v after %d idle calls", err, calls)
	}
}

func TestSpecificAndRouse(t *testing.T) {
	var ev events
	run(t, func() {
		sp := sched.NewSpecific[string]()
		sp.Set("main")
		for _, name := range []string{"x", "y"} {
			sched.Async(func() any {
				ev.add("%s sees %q", name, sp.Get())
				sp.Set(name)
				sched.Cede()
				ev.add("%s still %q", name, sp.Get())
				return nil
			})
		}
		sched.Cede()
		sched.Cede()
		ev.add("main %q", sp.Get())

		cb := sched.RouseCb()
		sched.Async(func() any { cb(1, "two"); cb("ignored"); return nil })
		ev.add("rouse %v", sched.RouseWait(cb))
		early := sched.RouseCb()
		early("now")
		ev.add("early %v", sched.RouseWait(nil))
	})
	ev.check(t, `x sees ""`, `y sees ""`, `x still "x"`, `y still "y"`, `main "main"`, "rouse [1 two]", "early [now]")
}

func TestMisuseOutsideScheduler(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "outside a scheduler") {
			t.Fatalf("panic %v", r)
		}
	}()
	sched.Cede()
}

// The methods that change a coroutine panic when called from outside its
// scheduler, instead of changing it under the scheduler's feet; Join from
// another scheduler panics as Cancel does. (Before, Throw from a plain
// goroutine at the running coroutine panicked in the caller with err, and
// Join from another scheduler hung or reported a false deadlock.)
func TestCoroMethodsFromOutside(t *testing.T) {
	panicOf := func(f func()) (msg string) {
		defer func() { msg = fmt.Sprint(recover()) }()
		f()
		return "no panic"
	}
	s := sched.New()
	release := s.Hold()
	defer release()
	var c *sched.Coro
	err := s.Run(func() {
		main := sched.Current()
		c = sched.Async(func() any { sched.Schedule(); return "done" })
		sched.Cede()
		outside := make(chan struct{})
		go func() {
			defer close(outside)
			for _, m := range []struct {
				name, want string
				call       func()
			}{
				{"Throw", "from outside its scheduler", func() { c.Throw(errors.New("x")) }},
				{"Throw at the running main", "from outside its scheduler", func() { main.Throw(errors.New("x")) }},
				{"SetPrio", "from outside its scheduler", func() { c.SetPrio(sched.PrioHigh) }},
				{"Suspend", "from outside its scheduler", c.Suspend},
				{"Resume", "from outside its scheduler", c.Resume},
				{"OnDestroy", "from outside its scheduler", func() { c.OnDestroy(func(any) {}) }},
				{"SetDesc", "from outside its scheduler", func() { c.SetDesc("x") }},
				{"Join", "from another scheduler", func() { sched.Run(func() { c.Join() }) }},
			} {
				if msg := panicOf(m.call); !strings.Contains(msg, m.want) {
					t.Errorf("%s: panic %s, want one containing %q", m.name, msg, m.want)
				}
			}
		}()
		for {
			select {
			case <-outside:
				c.Ready()
				if v, err := c.Join(); v != "done" || err != nil {
					t.Errorf("Join = %v, %v", v, err)
				}
				return
			default:
				sched.Cede()
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
}

// An idle hook that switches while a coroutine ends (the scheduler picks
// the next one from that coroutine's exit) makes Run panic with a
// message. (Found by review: after b55b5b9 the portable engine, like
// turbo before, switched away from the ended context for good, leaking
// its goroutine, and Run reported a false deadlock.)
func TestIdleHookSwitchingFromAnExit(t *testing.T) {
	before := runtime.NumGoroutine()
	calls := 0
	s := sched.New(sched.Idle(func() bool {
		if calls++; calls > 1 {
			return false
		}
		sched.Sleep(time.Millisecond) // reached from the ending coroutine's pick
		return true
	}))
	r := func() (r any) {
		defer func() { r = recover() }()
		s.Run(func() {
			sched.Async(func() any { return nil })
			sched.Schedule()
		})
		return nil
	}()
	if !strings.Contains(fmt.Sprint(r), "which has ended") {
		t.Fatalf("Run: panic %v, want one saying the context has ended", r)
	}
	time.Sleep(10 * time.Millisecond) // the ended context's goroutine exits
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines after Run, %d before", n, before)
	}
}

// TestGCTorture keeps objects reachable only from suspended coroutines'
// stacks, defers and closures while other goroutines churn the heap and
// the GC runs constantly, and checks every object afterwards.
func TestGCTorture(t *testing.T) {
	defer setGCPercent(1)()
	defer churn.Start()()
	const coros, rounds = 300, 20
	run(t, func() {
		sums := make([]int, coros)
		for i := range coros {
			sched.Async(func() any {
				local := make([]int, 64) // only this stack refers to it
				for j := range local {
					local[j] = i
				}
				p := &local // address-taken local
				defer func() { sums[i] = len(*p) }()
				for r := range rounds {
					if r%5 == 0 && i%10 == 0 {
						runtime.GC()
					}
					if r%7 == 0 {
						time.Sleep(time.Microsecond) // the host blocks in a syscall
					}
					func() {
						defer func() { recover() }()
						if r%3 == 0 {
							panic("caught")
						}
					}()
					sched.Cede()
					for j := range local {
						if local[j] != i {
							t.Errorf("coroutine %d: local[%d] = %d", i, j, local[j])
							return i
						}
					}
					local = append(local[:0:0], local...) // fresh copy, old one garbage
					p = &local
				}
				return i
			})
		}
		spin := sched.Async(func() any { // preemption-only loop between cedes
			for k := 0; k < 1e6; k++ {
				_ = k * k
			}
			return nil
		})
		spin.Join()
		for range rounds + 1 {
			sched.Cede()
		}
		runtime.GC()
		for i, s := range sums {
			if s != 64 {
				t.Errorf("coroutine %d: defer saw %d elements", i, s)
			}
		}
	})
}

// KillAll from b cancels everything but b and main, queued ones included.
func TestKillAll(t *testing.T) {
	var ev events
	run(t, func() {
		main := sched.Current()
		names := []string{"a", "b", "c"}
		coros := make([]*sched.Coro, len(names))
		for i, name := range names {
			coros[i] = sched.Async(func() any {
				defer ev.add("%s unwound", name)
				sched.Schedule()
				if name == "b" {
					sched.KillAll()
					ev.add("b survives; nready %d", sched.NReady())
					main.Ready()
				}
				return nil
			})
		}
		sched.Cede() // a, b, c start and sleep
		coros[1].Ready()
		sched.Async(func() any { ev.add("queued behind b, never runs"); return nil })
		sched.Schedule()
		ev.add("main resumed; b done %v", coros[1].IsDone())
	})
	ev.check(t, "c unwound", "a unwound", "b survives; nready 0", "b unwound", "main resumed; b done true")
}

// A coroutine that readies itself and then ends leaves a queue entry,
// which the scheduler must skip, and must not be counted as ready.
func TestEndWhileQueued(t *testing.T) {
	var ev events
	run(t, func() {
		sched.Async(func() any {
			sched.Current().Ready()
			ev.add("queued itself, nready %d", sched.NReady())
			return nil
		})
		sched.Async(func() any { ev.add("next runs"); return nil })
		sched.Cede() // both run, main last; the first one's stale entry is skipped after main
		ev.add("main, nready %d", sched.NReady())
		sched.Cede() // pops the stale entry: must not run an ended coroutine
		ev.add("main again")
	})
	ev.check(t, "queued itself, nready 3", "next runs", "main, nready 0", "main again")
}

// TestStackSizeOption: with sched.StackSize, coroutines (AsyncPool ones
// too) recurse far deeper than the turbo engine's default 64 KiB stack
// allows, and cede at the bottom, while the GC runs.
func TestStackSizeOption(t *testing.T) {
	defer churn.Start()()
	var sums []int
	err := sched.New(sched.StackSize(1 << 20)).Run(func() {
		deep := func() {
			n := descend(3000, func() {
				runtime.GC()
				sched.Cede()
			})
			sums = append(sums, n)
		}
		a := sched.Async(func() any { deep(); return nil })
		sched.AsyncPool(deep)
		a.Join()
		sched.Cede()
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(sums) != 2 || sums[0] != 3000*3001/2 || sums[1] != sums[0] {
		t.Errorf("sums %v, want two of %d", sums, 3000*3001/2)
	}
}

// descend recurses n frames of about 100 bytes, calls at at the bottom,
// and returns n+(n-1)+...+1 from the frames' own copies.
//
//go:noinline
func descend(n int, at func()) int {
	var frame [8]int
	frame[n%8] = n
	if n == 0 {
		at()
		return 0
	}
	return descend(n-1, at) + frame[n%8]
}

func TestStackSizeOptionOutOfRange(t *testing.T) {
	defer func() {
		if r := recover(); r == nil {
			t.Error("sched.StackSize(0) did not panic")
		}
	}()
	sched.StackSize(0)
}

// A scheduler keeps to one OS thread, as Perl's Coro does: every
// coroutine runs on it, across cedes, sleeps and joins, while other
// goroutines keep the threads busy.
func TestRunKeepsToOneThread(t *testing.T) {
	host := -1
	on := func(where string) {
		if tid := unix.Gettid(); host < 0 {
			host = tid
		} else if tid != host {
			t.Errorf("%s ran on thread %d, the scheduler's is %d", where, tid, host)
		}
	}
	defer churn.Start()()
	err := sched.Run(func() {
		on("main")
		var cs []*sched.Coro
		for i := range 4 {
			cs = append(cs, sched.Async(func() any {
				for range 20 {
					on(fmt.Sprint("coroutine ", i))
					runtime.GC() // a blocking call, which may move an unlocked goroutine
					sched.Cede()
					sched.Sleep(time.Millisecond)
				}
				return nil
			}))
		}
		for _, c := range cs {
			c.Join()
			on("main after Join")
		}
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A coroutine that suspends itself and cedes with nothing else ready is
// dropped, and the wait for it is a deadlock, as in Perl. (Found by
// review: the cede's shortcut ran it on.)
func TestSuspendedSelfCedeAloneDeadlocks(t *testing.T) {
	var after bool
	err := sched.Run(func() {
		a := sched.Async(func() any {
			sched.Current().Suspend()
			sched.Cede()
			after = true
			return nil
		})
		a.Join()
	})
	if !errors.Is(err, sched.ErrDeadlock) || after {
		t.Errorf("Run = %v, and the suspended coroutine went on: %v; want a deadlock, and no", err, after)
	}
}

// CedeNotSelf delivers a Wake from another goroutine, as Cede does, so a
// loop that waits with it for a woken coroutine ends. (Found by review:
// it looked at the ready queues only, and spun.)
func TestCedeNotSelfDeliversWake(t *testing.T) {
	run(t, func() {
		woken := false
		b := sched.Async(func() any { sched.Schedule(); woken = true; return nil })
		sched.Cede() // b sleeps
		done := make(chan struct{})
		go func() { b.Wake(); close(done) }()
		<-done
		for i := 0; !woken; i++ {
			if i == 1000 {
				t.Fatalf("the woken coroutine did not run in 1000 CedeNotSelf calls (NReady %d)", sched.NReady())
			}
			sched.CedeNotSelf()
		}
	})
}

// RouseWait does not call a function that RouseCb did not make, which
// it tells by its code. (Found by review: it called it once to ask.)
func TestRouseWaitCallsNoStranger(t *testing.T) {
	run(t, func() {
		called := 0
		msg := plEval(func() { sched.RouseWait(func(...any) { called++ }) })
		if called != 0 || !strings.Contains(msg, "RouseCb did not make") {
			t.Errorf("RouseWait on a stranger: called %d times, panic %q", called, msg)
		}
	})
}

// StackSize sizes main's stack too: main is a coroutine ([main::]). On
// the turbo engine (TestTurbo) 200 KiB of frames overflowed main's 64 KiB.
// (Found by review.)
func TestStackSizeCoversMain(t *testing.T) {
	err := sched.New(sched.StackSize(1 << 20)).Run(func() {
		if got := deepFrames(200); got != 200*201/2 {
			t.Errorf("deepFrames = %d", got)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
}

// deepFrames recurses n deep with a frame of 1 KiB each.
//
//go:noinline
func deepFrames(n int) int {
	var b [1024]byte
	b[n%len(b)] = byte(n)
	if n == 0 {
		return 0
	}
	return deepFrames(n-1) + n + int(b[n%len(b)]) - int(byte(n))
}
