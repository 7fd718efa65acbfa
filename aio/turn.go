package aio

import (
	"slices"

	"github.com/corogo/coro/sched"
)

// turnLock is a lock for the coroutines of one scheduler that hands itself
// to the coroutine that has waited longest, so that one that reads in a
// loop (io.ReadAll) cannot take it back before the others' turn, as it
// could a coro/sync Semaphore (Coro's up wakes a waiter, who must then
// find the count still there). A File's calls at its position, and a
// stream's Reads and its Writes, take turns by it (position.go), as do a
// socket's (net.go). Taking a free one costs a test; a waiter, an allocation.
type turnLock struct {
	held    bool
	waiters []*turnWaiter // oldest first
}

// turnWaiter is a coroutine waiting in turnLock.lock.
type turnWaiter struct {
	c       *sched.Coro
	granted bool // unlock handed the lock to it
}

func (l *turnLock) lock() {
	if !l.held {
		l.held = true
		return
	}
	w := &turnWaiter{c: sched.Current()}
	l.waiters = append(l.waiters, w)
	returned := false
	defer func() {
		switch {
		case returned:
		case w.granted: // handed over as the coroutine unwound (Cancel, Throw): pass it on
			l.unlock()
		default:
			l.waiters = slices.DeleteFunc(l.waiters, func(x *turnWaiter) bool { return x == w })
		}
	}()
	for !w.granted {
		sched.Schedule()
	}
	returned = true
}

// unlock gives l back; a nil l, no turn taken (atPosition), is nothing.
func (l *turnLock) unlock() {
	if l == nil {
		return
	}
	if len(l.waiters) == 0 {
		l.held = false
		return
	}
	w := l.waiters[0]
	l.waiters = slices.Delete(l.waiters, 0, 1)
	w.granted = true
	w.c.Ready()
}
