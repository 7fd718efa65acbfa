package sched

import "math/bits"

// Priorities, as in Coro's :prio export.
const (
	PrioMax    = 3
	PrioHigh   = 1
	PrioNormal = 0
	PrioLow    = -1
	PrioIdle   = -3
	PrioMin    = -4
)

const nprio = PrioMax - PrioMin + 1

// readyQueues holds one FIFO of ready coroutines per priority, each a
// ring of pointers that grows by doubling and never shrinks, so readying
// allocates nothing once warm. A coroutine stays in the queue of the
// priority it had when readied. As in Coro, cancelling a queued coroutine
// leaves its entry in place; pop skips it, since it has ended.
type readyQueues struct {
	q        [nprio]ring
	nonEmpty uint8 // bit i set when q[i] has an entry
}

type ring struct {
	buf     []*Coro // len is a power of two, or zero
	head, n int
}

// pop removes the longest-waiting entry of the highest priority, or
// returns nil. The entry may be a coroutine that has ended since.
func (q *readyQueues) pop() *Coro {
	if q.nonEmpty == 0 {
		return nil
	}
	i := bits.Len8(q.nonEmpty) - 1
	r := &q.q[i]
	c := r.buf[r.head]
	r.buf[r.head] = nil
	r.head = (r.head + 1) & (len(r.buf) - 1)
	if r.n--; r.n == 0 {
		q.nonEmpty &^= 1 << i
	}
	return c
}

// rotate removes the head of r, which is not empty, and appends c: a pop
// and a push that leave the length as it is, so the ring never grows.
func (r *ring) rotate(c *Coro) {
	mask := len(r.buf) - 1
	r.buf[r.head] = nil
	r.buf[(r.head+r.n)&mask] = c // the old head's place when r is full
	r.head = (r.head + 1) & mask
}

func (r *ring) grow() {
	buf := make([]*Coro, max(8, 2*len(r.buf)))
	for i := range r.n {
		buf[i] = r.buf[(r.head+i)&(len(r.buf)-1)]
	}
	r.buf, r.head = buf, 0
}
