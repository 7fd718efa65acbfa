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

// readyQueues holds one FIFO of ready coroutines per priority, linked
// through the coroutines themselves so readying never allocates. A
// coroutine stays in the queue of the priority it had when readied.
type readyQueues struct {
	head, tail [nprio]*Coro
	nonEmpty   uint8 // bit i set when queue i has an entry
}

func (q *readyQueues) push(c *Coro) {
	i := c.prio - PrioMin
	c.queue = i
	c.qprev, c.qnext = q.tail[i], nil
	if q.tail[i] == nil {
		q.head[i] = c
	} else {
		q.tail[i].qnext = c
	}
	q.tail[i] = c
	q.nonEmpty |= 1 << i
}

// pop removes the longest-waiting coroutine of the highest priority.
func (q *readyQueues) pop() *Coro {
	if q.nonEmpty == 0 {
		return nil
	}
	c := q.head[bits.Len8(q.nonEmpty)-1]
	q.remove(c)
	return c
}

// remove unlinks c from the queue it was pushed on.
func (q *readyQueues) remove(c *Coro) {
	i := c.queue
	if c.qprev == nil {
		q.head[i] = c.qnext
	} else {
		c.qprev.qnext = c.qnext
	}
	if c.qnext == nil {
		q.tail[i] = c.qprev
	} else {
		c.qnext.qprev = c.qprev
	}
	if q.head[i] == nil {
		q.nonEmpty &^= 1 << i
	}
	c.qprev, c.qnext = nil, nil
}
