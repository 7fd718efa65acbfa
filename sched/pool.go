package sched

import "slices"

// AsyncPool runs fn in a pooled coroutine, which it readies and returns
// (Coro's async_pool): one idle in the scheduler's pool if there is one,
// else a new one. The Coro stands for the coroutine, not for the call.
// When fn returns, the coroutine goes back to the pool to wait for the
// next AsyncPool, which hands out the same Coro again with its Specific
// values and OnDestroy callbacks kept, as Perl does; going idle resets its
// priority to 0 and its description to "[async pool idle]", and each call
// starts with the description "[async_pool]".
//
// A pooled coroutine ends, calling its OnDestroy callbacks and waking its
// joiners, when fn ends it (Terminate, Cancel or a panic), when it is
// cancelled while idle, or when fn returns and PoolSize coroutines are
// idle already: its value is then nil. Join of a pooled coroutine waits
// for that, not for one call, as Perl's join does; a caller that waits
// for a call's result gets it through a rouse callback or a channel.
// (Perl's join of a coroutine the full pool ended waits for ever; this one
// returns nil. A panic ends the coroutine and reaches Run, where Perl
// warns and keeps the coroutine in the pool.)
func AsyncPool(fn func()) *Coro {
	if fn == nil {
		panic("sched: AsyncPool with nil function")
	}
	return current().s.asyncPool(fn)
}

// asyncPool is AsyncPool on s: Post, which runs on any coroutine of s, or
// on none, uses it too.
func (s *Scheduler) asyncPool(fn func()) *Coro {
	var c *Coro
	// The idle coroutine that went idle last, but for one a Throw readied
	// to panic (it ends when it runs, and leaves the pool then, unless a
	// Throw(nil) withdraws the error first).
	i := len(s.pool) - 1
	for i >= 0 && s.pool[i].st.Raised() != nil {
		i--
	}
	if i >= 0 {
		c = s.pool[i]
		c.leavePool()
	} else {
		c = s.newCoro(nil, "")
		c.fn = c.runPooled
		c.start()
	}
	c.job = fn
	c.readyHere()
	return c
}

// runPooled is a pooled coroutine's function: it runs the calls AsyncPool
// hands it, one after the other, idle in the pool between them.
func (c *Coro) runPooled() any {
	s := c.s
	for {
		c.setDesc("[async_pool]")
		job := c.job
		c.job = nil // nothing of the call outlives it
		job()
		if len(s.pool) >= s.poolSize {
			return nil
		}
		c.setDesc("[async pool idle]")
		c.prio = 0
		c.idle = true
		s.pool = append(s.pool, c)
		for c.job == nil { // (a Ready meant for an earlier call may come first)
			Schedule()
		}
	}
}

// leavePool takes c out of the pool if it is idle there: AsyncPool gives
// it a call, or it is ending or about to (a SafeCancel readied it to
// unwind).
func (c *Coro) leavePool() {
	if c.idle {
		c.idle = false
		i := slices.Index(c.s.pool, c)
		c.s.pool = slices.Delete(c.s.pool, i, i+1)
	}
}
