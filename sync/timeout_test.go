package sync

import (
	"errors"
	"testing"
	"time"

	"github.com/corogo/coro/sched"
)

// sched.WithTimeout bounds any wait of this package: the timed-out waiter
// leaves the wait list and takes nothing meant for the next one.
func TestWaitsWithTimeout(t *testing.T) {
	run(t, func() {
		sem := NewSemaphore(0)
		if err := sched.WithTimeout(time.Millisecond, sem.Down); !errors.Is(err, sched.ErrTimeout) {
			t.Fatalf("Down on an empty semaphore: %v", err)
		}
		if sem.Waiters() != 0 || sem.Count() != 0 {
			t.Fatalf("after the timeout: %d waiters, count %d", sem.Waiters(), sem.Count())
		}
		got := false
		async(func() { sem.Down(); got = true })
		sched.Cede()
		sem.Up()
		sched.Cede()
		if !got {
			t.Fatal("the next waiter did not get the Up")
		}

		ch := NewChan[int](0)
		var v int
		var ok bool
		if err := sched.WithTimeout(time.Millisecond, func() { v, ok = ch.Get() }); !errors.Is(err, sched.ErrTimeout) || ok {
			t.Fatalf("Get on an empty channel: %v, %v %v", err, v, ok)
		}
		ch.Put(7)
		if err := sched.WithTimeout(time.Hour, func() { v, ok = ch.Get() }); err != nil || v != 7 || !ok {
			t.Fatalf("Get with a value waiting: %v, %v %v", err, v, ok)
		}

		var sig Signal
		if err := sched.WithTimeout(time.Millisecond, sig.Wait); !errors.Is(err, sched.ErrTimeout) || sig.Awaited() {
			t.Fatalf("Signal.Wait: %v, awaited %v", err, sig.Awaited())
		}

		var l RWLock
		l.Lock()
		if err := sched.WithTimeout(time.Millisecond, l.RLock); !errors.Is(err, sched.ErrTimeout) {
			t.Fatalf("RLock under a writer: %v", err)
		}
		l.Unlock()
		if !l.TryLock() {
			t.Fatal("the timed-out reader left the lock taken")
		}
		l.Unlock()
	})
}

// A waiter woken and timed out before it runs passes the wake-up on: the
// next waiter gets it, for every wait of this package.
func TestTimedOutAndWokenPassesItOn(t *testing.T) {
	run(t, func() {
		check := func(name string, wait, wake func()) {
			var r recorder
			async(func() {
				err := sched.WithTimeout(time.Millisecond, wait)
				r.add("a timed out %v", errors.Is(err, sched.ErrTimeout))
			})
			async(func() { wait(); r.add("b woken") })
			// The waker runs first once its timer and a's fire, in one
			// idle pass: a's throw waits for a, which the wake-up finds
			// still waiting.
			waker := async(func() { sched.Sleep(2 * time.Millisecond); wake() })
			waker.SetPrio(sched.PrioHigh)
			sched.Cede() // all three wait
			time.Sleep(3 * time.Millisecond)
			sched.Sleep(time.Millisecond) // the pass that fires both timers
			cedeWhileReady()
			t.Run(name, func(t *testing.T) { r.check(t, "a timed out true", "b woken") })
		}
		sem := NewSemaphore(0)
		check("Semaphore.Down", sem.Down, sem.Up)
		semWait := NewSemaphore(0)
		check("Semaphore.Wait", semWait.Wait, semWait.Up)
		var sig Signal
		check("Signal", sig.Wait, sig.Send)
		var wl RWLock
		wl.Lock()
		check("RWLock.Lock", wl.Lock, wl.Unlock)
		var rl RWLock
		rl.Lock()
		check("RWLock.RLock", rl.RLock, rl.Unlock)
		set := NewSemaphoreSet[int](0)
		check("SemaphoreSet", func() { set.Down(1) }, func() { set.Up(1) })
		ch := NewChan[int](0)
		check("Chan", func() { ch.Get() }, func() { ch.Put(1) })
	})
}

// A Put whose wait for room ends early, by a timeout or a cancel, has
// stored its value, and the value keeps its room: later Puts wait as the
// channel's bound says, a rendezvous channel stays one. (Found in review:
// the room was left free, widening the channel for good.)
func TestPutCutShortKeepsTheBound(t *testing.T) {
	for _, cut := range []struct {
		name string
		put  func(c *Chan[int], v int)
	}{
		{"timeout", func(c *Chan[int], v int) {
			if err := sched.WithTimeout(time.Millisecond, func() { c.Put(v) }); !errors.Is(err, sched.ErrTimeout) {
				t.Fatalf("Put into a full channel: %v, want a timeout", err)
			}
		}},
		{"cancel", func(c *Chan[int], v int) {
			p := async(func() { c.Put(v) })
			sched.Cede() // p waits for room
			p.Cancel(nil)
		}},
	} {
		for _, max := range []int{1, 2} { // a rendezvous channel, and one that holds a value
			run(t, func() {
				c := NewChan[int](max)
				for v := range max - 1 {
					c.Put(v)
				}
				cut.put(c, 10)
				for range max {
					c.Get()
				}
				// Empty again: max-1 Puts return, the next waits for a Get.
				for v := range max - 1 {
					c.Put(v)
				}
				returned := false
				async(func() { c.Put(20); returned = true })
				cedeWhileReady()
				if returned {
					t.Errorf("%s, max %d: a Put returned with the channel holding %d values and no Get", cut.name, max, c.Size())
				}
				for range max {
					c.Get()
				}
				cedeWhileReady()
				if !returned {
					t.Errorf("%s, max %d: the Put still waits after a Get took its value", cut.name, max)
				}
			})
		}
	}
}
