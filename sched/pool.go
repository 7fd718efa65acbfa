package sched

import "github.com/corogo/coro/state"

// poolWorker is a context that runs one AsyncPool coroutine after another,
// so a pooled coroutine costs no new stack once the pool is warm.
type poolWorker struct {
	st   *state.State
	coro *Coro // the coroutine it runs now; nil while idle in the pool
}

// AsyncPool is Async on a reused context (Coro's async_pool). A pooled
// coroutine that returns hands its context back to the pool (up to the
// PoolSize option); one that ends by Terminate, Cancel or a panic does not.
func AsyncPool(fn func() any) *Coro {
	if fn == nil {
		panic("sched: AsyncPool with nil function")
	}
	s := current().s
	c := s.newCoro(nil, "[async_pool]")
	c.fn = fn
	s.live.PushBack(c, liveLinks)
	if n := len(s.pool); n > 0 {
		w := s.pool[n-1]
		s.pool = s.pool[:n-1]
		w.coro, c.st = c, w.st
		w.st.SetData(c)
		w.st.SetDesc(c.desc) // not the last user's, which panics would name
	} else {
		w := &poolWorker{coro: c}
		c.st = s.newState(c, w.loop)
		w.st = c.st
	}
	c.readyHere()
	return c
}

func (w *poolWorker) loop() {
	for {
		c := w.coro
		c.body()
		s := c.s
		if len(s.pool) >= s.poolSize {
			return
		}
		w.coro = nil
		s.pool = append(s.pool, w)
		w.st.Transfer(s.afterExit()) // resumed by the first switch to the next coroutine given w
	}
}
