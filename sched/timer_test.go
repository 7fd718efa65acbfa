package sched_test

import (
	"context"
	"errors"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/corogo/coro/sched"
)

func TestSleepOrder(t *testing.T) {
	var ev events
	start := time.Now()
	run(t, func() {
		for _, d := range []int{30, 10, 20} {
			sched.Async(func() any {
				sched.Sleep(time.Duration(d) * time.Millisecond)
				ev.add("%d", d)
				return nil
			})
		}
		sched.Sleep(40 * time.Millisecond) // not a deadlock: timers are pending
		ev.add("main")
	})
	ev.check(t, "10", "20", "30", "main")
	if el := time.Since(start); el < 40*time.Millisecond {
		t.Errorf("slept %v, want at least 40ms", el)
	}
}

// The Coro::Timer::timeout pattern: wait for a condition or a deadline.
func TestTimeoutFlag(t *testing.T) {
	var ev events
	run(t, func() {
		waitFor := func(cond *bool, d time.Duration) bool {
			tm := sched.Timeout(d)
			defer tm.Stop()
			for !*cond {
				sched.Schedule()
				if tm.Expired() {
					return false
				}
			}
			return true
		}
		never, soon := false, false
		ev.add("never: %v", waitFor(&never, 5*time.Millisecond))
		main := sched.Current()
		sched.Async(func() any { soon = true; main.Ready(); return nil })
		ev.add("soon: %v", waitFor(&soon, time.Hour))
	})
	ev.check(t, "never: false", "soon: true")
}

func TestStoppedTimerDoesNotFire(t *testing.T) {
	err := sched.Run(func() {
		tm := sched.Timeout(time.Millisecond)
		tm.Stop()
		tm.Stop()
		sched.Schedule() // nothing can wake main now
	})
	if !errors.Is(err, sched.ErrDeadlock) {
		t.Fatalf("Run = %v, want a deadlock", err)
	}
}

func TestCancelledSleeperLeavesNoTimer(t *testing.T) {
	err := sched.Run(func() {
		c := sched.Async(func() any { sched.Sleep(time.Hour); return nil })
		sched.Cede()
		c.Cancel(nil)
		sched.Schedule() // the hour-long timer went with the sleeper
	})
	if !errors.Is(err, sched.ErrDeadlock) {
		t.Fatalf("Run = %v, want a deadlock", err)
	}
}

// fakePoller completes one "request" per Poll after a short wait.
type fakePoller struct {
	pending []*sched.Coro
	wake    chan struct{}
}

func (p *fakePoller) Outstanding() bool { return len(p.pending) > 0 }

func (p *fakePoller) Poll(deadline time.Time) {
	select {
	case <-p.wake:
	case <-time.After(time.Millisecond):
	}
	if len(p.pending) > 0 {
		p.pending[0].Ready()
		p.pending = p.pending[1:]
	}
}

func (p *fakePoller) Wake() {
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

func TestPollerCompletesRequests(t *testing.T) {
	p := &fakePoller{wake: make(chan struct{}, 1)}
	s := sched.New()
	s.SetPoller(p)
	var ev events
	var posting sync.WaitGroup
	err := s.Run(func() {
		for i := range 3 {
			sched.Async(func() any {
				p.pending = append(p.pending, sched.Current())
				sched.Schedule() // "in flight": only the poller can wake it
				ev.add("request %d done", i)
				return nil
			})
		}
		sched.Cede()
		done := false
		posting.Add(1)
		go func() {
			defer posting.Done()
			s.Post(func() { done = true })
		}()
		for !done || len(p.pending) > 0 {
			sched.Cede()
			sched.Sleep(time.Millisecond)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	ev.check(t, "request 0 done", "request 1 done", "request 2 done")
	posting.Wait()
}

// idlePoller waits in Poll until Wake, or for 5 s, and counts the wakes.
type idlePoller struct {
	polling chan struct{} // capacity 1: a Poll has begun
	wake    chan struct{}
	wakes   atomic.Int32
}

func (p *idlePoller) Outstanding() bool { return false }

func (p *idlePoller) Poll(time.Time) {
	select {
	case p.polling <- struct{}{}:
	default:
	}
	select {
	case <-p.wake:
	case <-time.After(5 * time.Second):
	}
}

func (p *idlePoller) Wake() {
	p.wakes.Add(1)
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// A Post or Wake from another goroutine wakes the Poller a scheduler
// waits in, and costs nothing while the scheduler is busy: it looks at
// them before it next waits.
func TestPostWakesOnlyAnIdleScheduler(t *testing.T) {
	p := &idlePoller{polling: make(chan struct{}, 1), wake: make(chan struct{}, 1)}
	s := sched.New()
	s.SetPoller(p)
	err := s.Run(func() {
		var posted atomic.Bool
		go s.Post(func() { posted.Store(true) })
		for !posted.Load() {
			sched.Cede() // busy: never idle, so never in Poll
		}
		if n := p.wakes.Load(); n != 0 {
			t.Errorf("a Post to a busy scheduler woke its Poller %d times", n)
		}
		release := s.Hold() // idle, the scheduler waits for the Wake
		me := sched.Current()
		go func() {
			<-p.polling
			me.Wake()
			release()
		}()
		start := time.Now()
		sched.Schedule()
		if d := time.Since(start); d > 4*time.Second {
			t.Errorf("woken after %v: the Wake did not end the Poll", d)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if p.wakes.Load() == 0 {
		t.Error("Wake did not wake the idle scheduler's Poller")
	}
}

func TestWithTimeout(t *testing.T) {
	var ev events
	run(t, func() {
		// A wait that never ends times out; the wait leaves no trace.
		err := sched.WithTimeout(5*time.Millisecond, func() {
			sched.Schedule()
			ev.add("unreachable")
		})
		ev.add("timed out: %v %v", errors.Is(err, sched.ErrTimeout), errors.Is(err, os.ErrDeadlineExceeded))

		// A wait that ends in time returns nil, and the timer is gone.
		main := sched.Current()
		err = sched.WithTimeout(time.Hour, func() {
			sched.Async(func() any { main.Ready(); return nil })
			sched.Schedule()
		})
		ev.add("in time: %v", err)

		// Nested: the inner one expires first; the outer one is unaffected.
		err = sched.WithTimeout(time.Hour, func() {
			inner := sched.WithTimeout(time.Millisecond, func() { sched.Sleep(time.Hour) })
			ev.add("inner: %v", errors.Is(inner, sched.ErrTimeout))
		})
		ev.add("outer: %v", err)

		// Panics pass through untouched.
		func() {
			defer func() { ev.add("recovered %v", recover()) }()
			sched.WithTimeout(time.Hour, func() { panic("own") })
		}()
	})
	ev.check(t, "timed out: true true", "in time: <nil>", "inner: true", "outer: <nil>", "recovered own")
}

// The outer deadline passes while an inner WithTimeout is waiting: the
// inner one lets it through to its owner.
func TestWithTimeoutOuterFirst(t *testing.T) {
	run(t, func() {
		var inner error = errors.New("unset")
		outer := sched.WithTimeout(time.Millisecond, func() {
			inner = sched.WithTimeout(time.Hour, func() { sched.Schedule() })
		})
		if !errors.Is(outer, sched.ErrTimeout) || inner.Error() != "unset" {
			t.Errorf("outer %v, inner %v", outer, inner)
		}
	})
}

// Both deadlines pass while the coroutine is suspended, and another
// coroutine's idling fires them. Whichever fires first, the outer one's
// throw must end the outer function: the inner WithTimeout must not take
// it for its own when it comes last, and the inner timer's throw must not
// replace it when it comes first. Either mistake lets the outer function
// run on past its deadline, and the outer call return nil.
func TestWithTimeoutBothPass(t *testing.T) {
	for _, order := range []struct {
		name         string
		outer, inner time.Duration
	}{
		{"inner first", 20 * time.Millisecond, 10 * time.Millisecond},
		{"outer first", 10 * time.Millisecond, 20 * time.Millisecond},
	} {
		run(t, func() {
			var outer, inner error
			pastInner := false
			c := sched.Async(func() any {
				outer = sched.WithTimeout(order.outer, func() {
					inner = sched.WithTimeout(order.inner, func() { sched.Schedule() })
					pastInner = true
				})
				return nil
			})
			sched.Cede()                      // c waits in both
			time.Sleep(30 * time.Millisecond) // both pass while nothing yields
			sched.Sleep(time.Millisecond)     // main idles: both fire
			c.Join()
			if !errors.Is(outer, sched.ErrTimeout) || pastInner {
				t.Errorf("%s: outer returned %v, inner %v: the outer deadline did not end the outer function", order.name, outer, inner)
			}
		})
	}
}

// An outer WithContext's cancel and an inner WithTimeout's deadline both
// come while the coroutine is suspended: whichever the scheduler delivers
// first, the outer one's ends the outer function.
func TestWithContextOuterWinsOverInnerTimeout(t *testing.T) {
	run(t, func() {
		ctx, cancel := context.WithCancel(context.Background())
		var outer, inner error
		pastInner := false
		c := sched.Async(func() any {
			outer = sched.WithContext(ctx, func() {
				inner = sched.WithTimeout(10*time.Millisecond, func() { sched.Schedule() })
				pastInner = true
			})
			return nil
		})
		sched.Cede() // c waits in both
		cancel()
		time.Sleep(20 * time.Millisecond) // the deadline passes while nothing yields
		sched.Sleep(time.Millisecond)     // main idles: both reach c
		c.Join()
		if !errors.Is(outer, context.Canceled) || pastInner || inner != nil {
			t.Errorf("outer returned %v, inner %v, past the inner call %v: the cancel did not end the outer function", outer, inner, pastInner)
		}
	})
}

// A Throw that waits for a coroutine in WithTimeout or WithContext is a
// panic of fn: the call's own throw, coming meanwhile, must not replace
// it, and it passes through the call. If fn recovers it and waits on, the
// call's throw comes after it and ends fn.
func TestScopedThrowKeepsOthersThrow(t *testing.T) {
	errUser := errors.New("user throw")
	var cancel context.CancelFunc
	for _, scope := range []struct {
		name   string
		call   func(fn func()) error
		expire func() // the call's time runs out
		want   error
	}{
		{"WithTimeout", func(fn func()) error { return sched.WithTimeout(time.Millisecond, fn) }, func() {}, sched.ErrTimeout},
		{"WithContext", func(fn func()) error {
			ctx, stop := context.WithCancel(context.Background())
			cancel = stop
			return sched.WithContext(ctx, fn)
		}, func() { cancel() }, context.Canceled},
	} {
		for _, recovers := range []bool{false, true} {
			var got any
			var err error
			keep := func() {
				if r := recover(); r != nil {
					got = r
				}
			}
			run(t, func() {
				c := sched.Async(func() any {
					defer keep()
					err = scope.call(func() {
						if recovers {
							func() {
								defer keep()
								sched.Schedule()
							}()
						}
						sched.Schedule()
					})
					return nil
				})
				sched.Cede() // c waits in the call
				c.SetPrio(sched.PrioLow)
				c.Throw(errUser)
				scope.expire()
				time.Sleep(5 * time.Millisecond)
				sched.Poll() // the call throws while c has the other throw to see
				c.Join()
			})
			if got != errUser || recovers != errors.Is(err, scope.want) {
				t.Errorf("%s, fn recovers %v: recovered %v, the call returned %v", scope.name, recovers, got, err)
			}
		}
	}
}

// A WithTimeout's timer is its whole state, flag and token, and an ended
// call leaves it for the next: once warm, a call allocates nothing, and
// neither does a socket read with a deadline.
func TestWithTimeoutAllocs(t *testing.T) {
	run(t, func() {
		allocs := testing.AllocsPerRun(100, func() {
			if err := sched.WithTimeout(time.Hour, func() {}); err != nil {
				t.Fatal(err)
			}
		})
		if allocs != 0 {
			t.Errorf("WithTimeout made %v allocations, want 0", allocs)
		}
	})
}

// Timers are reused, but a token is a call's own only while the call
// lasts: rounds of nested calls, timing out in every combination twice
// over, each get their own outcome, though later rounds run on the
// timers of earlier ones.
func TestWithTimeoutReusedTimers(t *testing.T) {
	run(t, func() {
		for round := range 8 {
			innerOut, outerOut := round&1 != 0, round&2 != 0
			wait := func(out bool, d time.Duration) time.Duration {
				if out {
					return d
				}
				return time.Hour
			}
			var inner error
			outer := sched.WithTimeout(wait(outerOut, 3*time.Millisecond), func() {
				inner = sched.WithTimeout(wait(innerOut, time.Millisecond), func() {
					if innerOut || outerOut {
						sched.Sleep(time.Hour)
					}
				})
				if outerOut && !innerOut {
					t.Errorf("round %d: the outer deadline did not end the outer function", round)
				}
				if outerOut {
					sched.Sleep(time.Hour)
				}
			})
			if got := errors.Is(outer, sched.ErrTimeout); got != outerOut {
				t.Errorf("round %d: outer returned %v", round, outer)
			}
			if got := errors.Is(inner, sched.ErrTimeout); got != innerOut {
				t.Errorf("round %d: inner returned %v", round, inner)
			}
		}
	})
}

func TestWithContext(t *testing.T) {
	run(t, func() {
		ctx, cancel := context.WithCancel(context.Background())
		go func() { time.Sleep(5 * time.Millisecond); cancel() }() // from outside the scheduler
		err := sched.WithContext(ctx, func() { sched.Schedule() })
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled context: %v", err)
		}
		if err := sched.WithContext(ctx, func() {}); !errors.Is(err, context.Canceled) {
			t.Fatalf("already cancelled: %v", err)
		}
		dl, stop := context.WithTimeout(context.Background(), time.Hour)
		defer stop()
		if err := sched.WithContext(dl, func() { sched.Sleep(time.Millisecond) }); err != nil {
			t.Fatalf("in time: %v", err)
		}
	})
}

// Wake from other goroutines readies a sleeping coroutine, including one
// whose scheduler idles in an event loop; so does Ready, which from
// outside the scheduler is Wake. (Before, Ready from outside changed the
// ready queue unsynchronised and woke nothing: Run hung.)
func TestWakeFromOutside(t *testing.T) {
	for _, tc := range []struct {
		name string
		wake func(*sched.Coro)
	}{
		{"Wake", (*sched.Coro).Wake},
		{"Ready", func(c *sched.Coro) {
			if !c.Ready() {
				t.Error("Ready from outside reported false")
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := sched.New()
			release := s.Hold()
			defer release()
			got := 0
			err := s.Run(func() {
				me := sched.Current()
				for i := range 3 {
					go func() {
						time.Sleep(time.Duration(i) * time.Millisecond)
						tc.wake(me)
					}()
					sched.Schedule() // only the wake can end this
					got++
				}
			})
			if err != nil || got != 3 {
				t.Fatalf("Run = %v after %d wake-ups", err, got)
			}
		})
	}
}

// Ready from outside while the scheduler is busy: the wake-ups reach the
// sleeper and leave the ready count whole. (Before, NReady went below 0
// and cedePick met a nil entry.)
func TestReadyFromOutsideWhileBusy(t *testing.T) {
	var stop atomic.Bool
	wakes := 0
	run(t, func() {
		sleeper := sched.Async(func() any {
			for !stop.Load() {
				sched.Schedule() // only the outside goroutine wakes it
				wakes++
			}
			return nil
		})
		for range 4 {
			sched.Async(func() any {
				for !stop.Load() {
					sched.Cede()
				}
				return nil
			})
		}
		done := make(chan struct{})
		go func() {
			defer close(done)
			for !stop.Load() {
				sleeper.Ready()
			}
		}()
		for start := time.Now(); time.Since(start) < 200*time.Millisecond; {
			sched.Cede()
			if n := sched.NReady(); n < 0 {
				t.Fatalf("NReady = %d", n)
			}
		}
		stop.Store(true)
		<-done
		sleeper.Ready()
		sleeper.Join()
	})
	if wakes == 0 {
		t.Error("the sleeper was never woken from outside")
	}
}

// A coroutine that never idles the scheduler still sees its timers fire
// when it polls, and not when it only cedes.
func TestPollFiresTimers(t *testing.T) {
	run(t, func() {
		woke := false
		sched.Async(func() any { sched.Sleep(time.Millisecond); woke = true; return nil })
		sched.Cede()
		start := time.Now()
		for time.Since(start) < 5*time.Millisecond {
			sched.Cede() // the sleeper's timer is due, but nobody idles
		}
		if woke {
			t.Fatal("the timer fired without the scheduler idling or polling")
		}
		for !woke && time.Since(start) < time.Second {
			sched.Poll()
		}
		if !woke {
			t.Fatal("Poll did not fire the due timer")
		}
	})
}

// WithContext with a context that is never done holds nothing, so a
// deadlock inside it is reported. (Found by review: Run hung.)
func TestWithContextNeverDoneStillDeadlocks(t *testing.T) {
	res := make(chan error, 1)
	go func() {
		res <- sched.Run(func() { sched.WithContext(context.Background(), sched.Schedule) })
	}()
	select {
	case err := <-res:
		if !errors.Is(err, sched.ErrDeadlock) {
			t.Fatalf("Run = %v, want ErrDeadlock", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run hangs")
	}
}

// Throw(nil) withdraws the caller's own throws, not a WithTimeout's that
// has fired and waits for the coroutine. (Found by review: the timeout
// was lost, and the wait went on.)
func TestThrowNilKeepsTimeout(t *testing.T) {
	var got error = errors.New("WithTimeout did not return")
	err := sched.Run(func() {
		c := sched.Async(func() any { got = sched.WithTimeout(5*time.Millisecond, sched.Schedule); return nil })
		sched.Cede()
		h := sched.Async(func() any { sched.Sleep(6 * time.Millisecond); c.Throw(nil); return nil })
		h.SetPrio(sched.PrioHigh)
		sched.Cede()
		time.Sleep(20 * time.Millisecond) // both timers fire in one idle pass; h runs first
		c.Join()
	})
	if !errors.Is(got, sched.ErrTimeout) {
		t.Fatalf("WithTimeout = %v, Run = %v; want ErrTimeout", got, err)
	}
}

// closingPoller is a fakePoller that counts its closes.
type closingPoller struct {
	fakePoller
	closes int
}

func (p *closingPoller) Close() error {
	p.closes++
	return nil
}

// A Poller replaced by another is closed, as Run closes the one it ends
// with; set again, it stays open; with work outstanding it is refused,
// being the only one that could wake the coroutines waiting for it.
func TestSetPollerClosesTheOneItReplaces(t *testing.T) {
	first := &closingPoller{fakePoller: fakePoller{wake: make(chan struct{}, 1)}}
	second := &closingPoller{fakePoller: fakePoller{wake: make(chan struct{}, 1)}}
	s := sched.New()
	s.SetPoller(first)
	s.SetPoller(first)
	if first.closes != 0 {
		t.Errorf("a Poller set again was closed %d times", first.closes)
	}
	err := s.Run(func() {
		waiter := sched.Async(func() any {
			second.pending = append(second.pending, sched.Current())
			sched.Schedule() // in flight in second
			return nil
		})
		s.SetPoller(second)
		if first.closes != 1 || s.Poller() != second {
			t.Errorf("replaced: closed %d times, poller is the new one %v; want 1, true", first.closes, s.Poller() == second)
		}
		sched.Cede() // waiter is in flight
		refused := func() (r any) {
			defer func() { r = recover() }()
			s.SetPoller(first)
			return nil
		}()
		if refused == nil || s.Poller() != second || second.closes != 0 {
			t.Errorf("replacing a Poller with work outstanding: panic %v, poller unchanged %v, closed %d times; want a panic, true, 0", refused, s.Poller() == second, second.closes)
		}
		waiter.Join()
	})
	if err != nil {
		t.Fatal(err)
	}
	if first.closes != 1 || second.closes != 1 {
		t.Errorf("closes after Run: first %d, second %d; want 1 each", first.closes, second.closes)
	}
}
