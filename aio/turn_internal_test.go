package aio

import (
	"testing"
	"time"

	"github.com/corogo/coro/sched"
)

// A waiter of turnLock that unwinds leaves the queue, or, when the lock
// was already handed to it, passes it on; the lock ends free.
func TestTurnLockWaitersThatUnwind(t *testing.T) {
	var l turnLock
	var order []string
	err := sched.Run(func() {
		waiter := func(name string) *sched.Coro {
			return sched.Async(func() any {
				l.lock()
				order = append(order, name)
				l.unlock()
				return nil
			})
		}
		l.lock()
		cancelledEarly, granted, next, timed := waiter("early"), waiter("granted"), waiter("next"), sched.Async(func() any {
			return sched.WithTimeout(time.Millisecond, func() { l.lock(); order = append(order, "timed"); l.unlock() })
		})
		sched.Cede() // all four wait
		cancelledEarly.Cancel("gone")
		sched.Sleep(5 * time.Millisecond) // timed's wait ends
		if v, _ := timed.Join(); v != sched.ErrTimeout {
			t.Errorf("the waiter that timed out returned %v, want ErrTimeout", v)
		}
		if len(l.waiters) != 2 {
			t.Errorf("%d waiters after two unwound, want 2", len(l.waiters))
		}
		l.unlock()             // hands the lock to granted
		granted.Cancel("gone") // which unwinds before it runs: next gets it
		next.Join()
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(order) != 1 || order[0] != "next" || l.held || len(l.waiters) != 0 {
		t.Errorf("took the lock in turn: %v; held %v, %d waiters; want [next], free", order, l.held, len(l.waiters))
	}
}
