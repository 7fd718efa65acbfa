package sync

import (
	"github.com/corogo/coro/internal/ilist"
	"github.com/corogo/coro/sched"
)

// How a waiter was taken off its wait list by another coroutine.
const (
	wokeNone      uint8 = iota
	wokeOne             // handed one wake-up (Up, Send, Unlock)
	wokeBroadcast       // woken together with all other waiters
)

// waiter is one coroutine blocked in a primitive. Nodes are linked into the
// primitive's waitq while the coroutine waits and are recycled through the
// waitq's free list afterwards, so waiting allocates only while a primitive
// warms up to its highest number of simultaneous waiters.
type waiter struct {
	c      *sched.Coro
	links  ilist.Links[waiter] // in the wait list, or in the free list
	queued bool                // on the wait list
	woke   uint8               // why it was taken off the list, while not queued
}

func waiterLinks(w *waiter) *ilist.Links[waiter] { return &w.links }

// waitq is a FIFO of waiting coroutines, Coro's waiter array. A waker
// shifts the head off the list and readies it; the woken coroutine is then
// no longer queued, which is how it knows, when it runs or unwinds, that
// it was handed a wake-up.
type waitq struct {
	list ilist.List[waiter]
	free ilist.List[waiter] // recycled nodes
}

// len returns the number of queued waiters.
func (q *waitq) len() int { return q.list.Len() }

// enter returns a node for c, not yet queued.
func (q *waitq) enter(c *sched.Coro) *waiter {
	w := q.free.PopFront(waiterLinks)
	if w == nil {
		w = new(waiter)
	}
	w.c = c
	return w
}

// leave takes w off the list if it is still there and recycles it.
func (q *waitq) leave(w *waiter) {
	if w.queued {
		q.remove(w)
	}
	w.c, w.woke = nil, wokeNone
	q.free.PushBack(w, waiterLinks)
}

// push appends w to the list.
func (q *waitq) push(w *waiter) {
	w.queued, w.woke = true, wokeNone
	q.list.PushBack(w, waiterLinks)
}

// remove unlinks w, which is queued.
func (q *waitq) remove(w *waiter) {
	q.list.Remove(w, waiterLinks)
	w.queued = false
}

// wake shifts the longest waiter off the list, marks how it was woken and
// readies it. It reports false when nobody waits.
func (q *waitq) wake(how uint8) bool {
	w := q.list.Front()
	if w == nil {
		return false
	}
	q.remove(w)
	w.woke = how
	w.c.Ready()
	return true
}

// guardSlot backs Guard values: a Guard is valid while its generation
// matches its slot's. Slots are recycled like waiter nodes.
type guardSlot struct {
	gen  uint64
	next *guardSlot
}

type guardPool struct{ free *guardSlot }

func (p *guardPool) get() *guardSlot {
	s := p.free
	if s == nil {
		return new(guardSlot)
	}
	p.free, s.next = s.next, nil
	return s
}

// release invalidates the guard of generation gen held in s, recycling s.
// It panics if that guard was already released.
func (p *guardPool) release(s *guardSlot, gen uint64, what string) {
	if s == nil {
		panic("coro/sync: Release of a zero " + what)
	}
	if s.gen != gen {
		panic("coro/sync: " + what + " released twice")
	}
	s.gen++
	s.next = p.free
	p.free = s
}
