package sched

import (
	"math/bits"

	"github.com/corogo/coro/internal/ilist"
)

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
	q        [nprio]ilist.List[Coro]
	nonEmpty uint8 // bit i set when q[i] has an entry
}

func (q *readyQueues) push(c *Coro) {
	i := c.prio - PrioMin
	c.queue = i
	q.q[i].PushBack(c, readyLinks)
	q.nonEmpty |= 1 << i
}

// pop removes the longest-waiting coroutine of the highest priority.
func (q *readyQueues) pop() *Coro {
	if q.nonEmpty == 0 {
		return nil
	}
	c := q.q[bits.Len8(q.nonEmpty)-1].Front()
	q.remove(c)
	return c
}

// remove unlinks c from the queue it was pushed on.
func (q *readyQueues) remove(c *Coro) {
	i := c.queue
	q.q[i].Remove(c, readyLinks)
	if q.q[i].Len() == 0 {
		q.nonEmpty &^= 1 << i
	}
}
