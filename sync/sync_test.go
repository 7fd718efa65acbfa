package sync

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/corogo/coro/sched"
)

// recorder collects events from coroutines in the order they happen.
type recorder struct{ ev []string }

func (r *recorder) add(format string, args ...any) { r.ev = append(r.ev, fmt.Sprintf(format, args...)) }

func (r *recorder) check(t *testing.T, want ...string) {
	t.Helper()
	if got, w := strings.Join(r.ev, " "), strings.Join(want, " "); got != w {
		t.Errorf("events:\n got  %s\n want %s", got, w)
	}
	r.ev = r.ev[:0]
}

// mustPanic runs fn and checks that it panics with a message containing
// want.
func mustPanic(t *testing.T, want string, fn func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		if r == nil {
			t.Fatalf("no panic, want one containing %q", want)
		}
		if msg := fmt.Sprint(r); !strings.Contains(msg, want) {
			t.Fatalf("panic %q, want one containing %q", msg, want)
		}
	}()
	fn()
}

var errBoom = errors.New("boom")

// catch runs fn in a coroutine body, recording a panic instead of
// propagating it.
func catch(r *recorder, name string, fn func()) func() {
	return func() {
		defer func() {
			if p := recover(); p != nil {
				r.add("%s:panic(%v)", name, p)
			}
		}()
		fn()
	}
}

func TestZeroValues(t *testing.T) {
	run(t, func() {
		var s Semaphore
		if s.Count() != 1 || !s.TryDown() || s.TryDown() {
			t.Error("zero Semaphore is not a count-1 semaphore")
		}
		var sig Signal
		sig.Send()
		sig.Wait() // remembered: returns at once
		var l RWLock
		if !l.TryLock() || l.TryRLock() {
			t.Error("zero RWLock is not unlocked")
		}
		l.Unlock()
		var set SemaphoreSet[int]
		if set.Count(7) != 1 || !set.TryDown(7) || set.TryDown(7) || set.Count(7) != 0 {
			t.Error("zero SemaphoreSet does not start keys at count 1")
		}
		set.Up(7)
		if set.Len() != 0 {
			t.Error("idle key kept")
		}
		var c Chan[int]
		for i := range 100 {
			c.Put(i) // unbounded: never waits
		}
		for i := range 100 {
			if v, ok := c.Get(); !ok || v != i {
				t.Fatalf("Get = %d, %v; want %d", v, ok, i)
			}
		}
		c.Shutdown()
		if v, ok := c.Get(); ok || v != 0 {
			t.Errorf("Get after Shutdown = %d, %v", v, ok)
		}
	})
}

func TestSemaphoreCancelQueuedWaiter(t *testing.T) {
	run(t, func() {
		var r recorder
		s := NewSemaphore(0)
		a := async(func() { s.Down(); r.add("a") })
		async(func() { s.Down(); r.add("b") })
		sched.Cede()
		a.Cancel(nil)
		if s.Waiters() != 1 {
			t.Fatalf("waiters = %d after cancel, want 1", s.Waiters())
		}
		s.Up() // must go to b, not to the dead a
		sched.Cede()
		r.check(t, "b")
		if s.Count() != 0 || s.Waiters() != 0 {
			t.Errorf("count %d waiters %d", s.Count(), s.Waiters())
		}
	})
}

func TestSemaphoreCancelWokenWaiter(t *testing.T) {
	run(t, func() {
		var r recorder
		s := NewSemaphore(0)
		var cs []*sched.Coro
		for _, n := range []string{"a", "b", "c"} {
			cs = append(cs, async(func() { s.Down(); r.add("%s", n) }))
		}
		sched.Cede()
		s.Adjust(2) // wakes a and b
		cs[0].Cancel(nil)
		// a's wake-up went on to c
		if s.Waiters() != 0 {
			t.Fatalf("waiters = %d, want 0", s.Waiters())
		}
		cedeWhileReady()
		r.check(t, "b", "c")
		if s.Count() != 0 {
			t.Errorf("count = %d", s.Count())
		}
	})
}

func TestSemaphoreThrowWhileWaiting(t *testing.T) {
	run(t, func() {
		var r recorder
		s := NewSemaphore(0)
		a := async(catch(&r, "a", func() { s.Down(); r.add("a") }))
		b := async(catch(&r, "b", func() { s.Down(); r.add("b") }))
		async(catch(&r, "c", func() { s.Down(); r.add("c") }))
		sched.Cede()
		a.Throw(errBoom) // queued: a leaves the list
		s.Up()           // wakes b
		b.Throw(errBoom) // woken: b passes the wake-up on to c
		cedeWhileReady()
		r.check(t, "a:panic(boom)", "b:panic(boom)", "c")
		if s.Count() != 0 || s.Waiters() != 0 {
			t.Errorf("count %d waiters %d", s.Count(), s.Waiters())
		}
	})
}

func TestSemaphoreWaitCancelled(t *testing.T) {
	run(t, func() {
		var r recorder
		s := NewSemaphore(0)
		w := async(func() { s.Wait(); r.add("w") })
		async(func() { s.Down(); r.add("d") })
		sched.Cede()
		s.Up()        // wakes w
		w.Cancel(nil) // passes it on to d
		sched.Cede()
		r.check(t, "d")
	})
}

func TestSemaphoreSpuriousWakeup(t *testing.T) {
	run(t, func() {
		var r recorder
		s := NewSemaphore(0)
		a := async(func() { s.Down(); r.add("a") })
		async(func() { s.Down(); r.add("b") })
		sched.Cede()
		a.Ready() // not a wake-up from the semaphore
		sched.Cede()
		if s.Waiters() != 2 {
			t.Fatalf("waiters = %d after a spurious wake-up, want 2", s.Waiters())
		}
		s.Up()
		sched.Cede()
		r.check(t, "a") // a kept its place
		// A spurious wake-up while the count is free: a takes it and
		// leaves the list.
		c := async(func() { s.Down(); r.add("c") })
		sched.Cede()
		s.Up() // wakes b
		c.Ready()
		sched.Cede()
		r.check(t, "b")
		if s.Waiters() != 1 {
			t.Fatalf("waiters = %d", s.Waiters())
		}
	})
}

func TestGuardReleasedOnCancel(t *testing.T) {
	run(t, func() {
		var r recorder
		s := NewSemaphore(1)
		holder := async(func() {
			defer s.Guard().Release()
			r.add("holds")
			sched.Schedule() // forever
		})
		async(func() {
			g := s.Guard()
			defer g.Release()
			r.add("second")
		})
		sched.Cede()
		if s.Count() != 0 || s.Waiters() != 1 {
			t.Fatalf("count %d waiters %d", s.Count(), s.Waiters())
		}
		holder.Cancel(nil)
		sched.Cede()
		r.check(t, "holds", "second")
		if s.Count() != 1 {
			t.Errorf("count = %d, want 1", s.Count())
		}
	})
}

func TestGuardReleasedOnPanic(t *testing.T) {
	run(t, func() {
		s := NewSemaphore(1)
		func() {
			defer func() { recover() }()
			g := s.Guard()
			defer g.Release()
			panic("fail")
		}()
		if s.Count() != 1 {
			t.Errorf("count = %d, want 1", s.Count())
		}
	})
}

func TestMisusePanics(t *testing.T) {
	run(t, func() {
		s := NewSemaphore(3)
		g := s.Guard()
		g2 := g // a copy is the same guard
		g.Release()
		mustPanic(t, "Guard released twice", g2.Release)
		mustPanic(t, "Guard released twice", g.Release)
		// The slot is reused by a new guard; the old one stays dead.
		h := s.Guard()
		mustPanic(t, "Guard released twice", g.Release)
		h.Release()
		if s.Count() != 3 {
			t.Errorf("count = %d, want 3", s.Count())
		}
		mustPanic(t, "zero Guard", Guard{}.Release)

		set := NewSemaphoreSet[string](1)
		sg := set.Guard("k")
		sg.Release()
		mustPanic(t, "SetGuard released twice", sg.Release)
		mustPanic(t, "zero SetGuard", SetGuard[string]{}.Release)
		if set.Count("k") != 1 || set.Len() != 0 {
			t.Errorf("count %d len %d", set.Count("k"), set.Len())
		}

		var l RWLock
		mustPanic(t, "Unlock of unlocked RWLock", l.Unlock)
		l.RLock()
		l.Unlock()
		mustPanic(t, "Unlock of unlocked RWLock", l.Unlock)
		l.Lock()
		l.Unlock()
		mustPanic(t, "Unlock of unlocked RWLock", l.Unlock)

		mustPanic(t, "negative size", func() { NewChannel(-1) })
	})
}

func TestSignalCancel(t *testing.T) {
	run(t, func() {
		var r recorder
		var sig Signal
		a := async(func() { sig.Wait(); r.add("a") })
		b := async(func() { sig.Wait(); r.add("b") })
		async(func() { sig.Wait(); r.add("c") })
		sched.Cede()
		a.Cancel(nil) // queued: leaves the list
		sig.Send()    // wakes b
		b.Cancel(nil) // passes the send on to c
		sched.Cede()
		r.check(t, "c")
		if sig.Awaited() {
			t.Error("still awaited")
		}

		// A send passed on with nobody waiting is remembered.
		d := async(func() { sig.Wait(); r.add("d") })
		sched.Cede()
		sig.Send()
		d.Cancel(nil)
		sig.Wait() // returns at once
		r.check(t)

		// A broadcast is not passed on.
		e := async(func() { sig.Wait(); r.add("e") })
		async(func() { sig.Wait(); r.add("f") })
		sched.Cede()
		sig.Broadcast()
		e.Cancel(nil)
		sched.Cede()
		r.check(t, "f")
		async(func() { sig.Wait(); r.add("g") })
		sched.Cede()
		if !sig.Awaited() {
			t.Error("broadcast was remembered")
		}
		sig.Send()
		sched.Cede()
		r.check(t, "g")
	})
}

func TestSignalThrow(t *testing.T) {
	run(t, func() {
		var r recorder
		var sig Signal
		a := async(catch(&r, "a", func() { sig.Wait(); r.add("a") }))
		async(catch(&r, "b", func() { sig.Wait(); r.add("b") }))
		sched.Cede()
		sig.Send()
		a.Throw(errBoom)
		cedeWhileReady()
		r.check(t, "a:panic(boom)", "b")
	})
}

func TestSignalSpuriousWakeup(t *testing.T) {
	run(t, func() {
		var r recorder
		var sig Signal
		a := async(func() { sig.Wait(); r.add("a") })
		sched.Cede()
		a.Ready()
		sched.Cede()
		r.check(t)
		if !sig.Awaited() {
			t.Fatal("waiter left the list on a spurious wake-up")
		}
		sig.Send()
		sched.Cede()
		r.check(t, "a")
	})
}

func TestRWLockCancel(t *testing.T) {
	run(t, func() {
		var r recorder
		var l RWLock
		l.Lock()
		w1 := async(func() { l.Lock(); r.add("w1"); l.Unlock() })
		w2 := async(func() { l.Lock(); r.add("w2"); l.Unlock() })
		async(func() { l.Lock(); r.add("w3"); l.Unlock() })
		rd := async(func() { l.RLock(); r.add("r"); l.Unlock() })
		sched.Cede()
		w1.Cancel(nil) // queued
		rd.Cancel(nil) // queued
		l.Unlock()     // wakes w2
		w2.Cancel(nil) // passes it on to w3
		cedeWhileReady()
		r.check(t, "w3")
		if l.writers != 0 || l.readers != 0 || l.wq.len() != 0 || l.rq.len() != 0 {
			t.Errorf("lock state w%d r%d wq%d rq%d", l.writers, l.readers, l.wq.len(), l.rq.len())
		}

		// A holder that defers Unlock gives the lock up when cancelled.
		h := async(func() {
			l.RLock()
			defer l.Unlock()
			sched.Schedule()
		})
		async(func() { l.Lock(); r.add("writer"); l.Unlock() })
		sched.Cede()
		h.Cancel(nil)
		sched.Cede()
		r.check(t, "writer")
	})
}

func TestRWLockWokenReaderCancelled(t *testing.T) {
	run(t, func() {
		var r recorder
		var l RWLock
		l.Lock()
		r1 := async(func() { l.RLock(); r.add("r1"); l.Unlock() })
		async(func() { l.RLock(); r.add("r2"); l.Unlock() })
		sched.Cede()
		l.Unlock() // wakes both readers
		r1.Cancel(nil)
		cedeWhileReady()
		r.check(t, "r2")
	})
}

func TestChannelCancel(t *testing.T) {
	run(t, func() {
		var r recorder
		c := NewChan[int](2) // buffers one value
		g1 := async(func() { v, _ := c.Get(); r.add("g1:%d", v) })
		async(func() { v, _ := c.Get(); r.add("g2:%d", v) })
		sched.Cede()
		c.Put(1)       // wakes g1
		g1.Cancel(nil) // passes the value's wake-up on to g2
		sched.Cede()
		r.check(t, "g2:1")

		// A putter cancelled while it waits for space has stored its value.
		c.Put(2)
		p := async(func() { c.Put(3); r.add("put 3 returned") })
		sched.Cede()
		if c.Size() != 2 {
			t.Fatalf("size = %d", c.Size())
		}
		p.Cancel(nil)
		for _, want := range []int{2, 3} {
			if v, ok := c.Get(); v != want || !ok {
				t.Fatalf("Get = %d, %v, want %d", v, ok, want)
			}
		}
		r.check(t)
	})
}

func TestChannelShutdownWakesGetters(t *testing.T) {
	run(t, func() {
		var r recorder
		c := NewChannel(0)
		for _, n := range []string{"a", "b"} {
			async(func() {
				v, ok := c.Get()
				r.add("%s:%v,%v", n, v, ok)
			})
		}
		sched.Cede()
		c.Put("x")
		c.Shutdown()
		cedeWhileReady()
		r.check(t, "a:x,true", "b:<nil>,false")
		c.Put("y")
		if v, ok := c.Get(); v != "y" || !ok {
			t.Errorf("Get = %v, %v", v, ok)
		}
		if v, ok := c.Get(); v != nil || ok {
			t.Errorf("Get = %v, %v", v, ok)
		}
	})
}

func TestChannelFIFOAcrossGrowth(t *testing.T) {
	run(t, func() {
		c := NewChan[int](0)
		next := 0
		for round := range 50 {
			for range round {
				c.Put(next)
				next++
			}
			for range round / 2 {
				c.Get()
			}
		}
		want := next - c.Size()
		for c.Size() > 0 {
			v, _ := c.Get()
			if v != want {
				t.Fatalf("Get = %d, want %d", v, want)
			}
			want++
		}
	})
}

func TestSemaphoreSetDropsIdleKeys(t *testing.T) {
	run(t, func() {
		var r recorder
		set := NewSemaphoreSet[int](1)
		set.Down(1)
		a := async(func() { set.Down(1); r.add("a") })
		async(func() { set.Down(1); r.add("b"); set.Up(1) })
		sched.Cede()
		if set.Waiters(1) != 2 {
			t.Fatalf("waiters %d", set.Waiters(1))
		}
		set.Up(1)     // wakes a
		a.Cancel(nil) // passes it on to b
		if set.Len() != 1 {
			t.Fatalf("key dropped while b was woken: len %d", set.Len())
		}
		cedeWhileReady()
		r.check(t, "b")
		if set.Len() != 0 || set.Count(1) != 1 {
			t.Errorf("len %d count %d", set.Len(), set.Count(1))
		}
		// A cancelled queued waiter leaves no key behind.
		zero := NewSemaphoreSet[string](0)
		z := async(func() { zero.Down("k") })
		w := async(func() { zero.Wait("k") })
		sched.Cede()
		if zero.Waiters("k") != 2 {
			t.Fatalf("waiters %d", zero.Waiters("k"))
		}
		z.Cancel(nil)
		w.Cancel(nil)
		if zero.Len() != 0 {
			t.Errorf("len %d", zero.Len())
		}
	})
}

func TestDeadlockLeavesListsClean(t *testing.T) {
	s := NewSemaphore(0)
	var sig Signal
	err := sched.Run(func() {
		async(func() { sig.Wait() })
		s.Down()
	})
	if !errors.Is(err, sched.ErrDeadlock) {
		t.Fatalf("Run = %v, want a deadlock", err)
	}
	if s.Waiters() != 0 || sig.Awaited() {
		t.Errorf("waiters left: %d, %v", s.Waiters(), sig.Awaited())
	}
}

func TestNoAllocsWhenWarm(t *testing.T) {
	run(t, func() {
		s, u := NewSemaphore(0), NewSemaphore(1)
		var sig Signal
		var l RWLock
		c, d := NewChan[int](1), NewChan[int](1)
		set := NewSemaphoreSet[int](1)
		partner := async(func() {
			for {
				s.Down()
				sig.Send()
				l.Lock()
				l.Unlock()
				v, _ := c.Get()
				d.Put(v + 1)
				set.Down(v)
				set.Up(v)
			}
		})
		defer partner.Cancel(nil)
		step := func() {
			s.Up()
			sig.Wait()
			l.RLock()
			sched.Cede()
			l.Unlock()
			c.Put(1)
			d.Get()
			g := u.Guard()
			g.Release()
			sg := set.Guard(1)
			sched.Cede()
			sg.Release()
		}
		step()
		if n := testing.AllocsPerRun(100, step); n != 0 {
			t.Errorf("%v allocations per round once warm", n)
		}
	})
}
