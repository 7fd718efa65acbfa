package sched

import "testing"

// The pool keeps at most PoolSize idle contexts, and reuses them.
func TestPoolSizeLimitsIdleContexts(t *testing.T) {
	s := New(PoolSize(2))
	err := s.Run(func() {
		var cs []*Coro
		for range 10 {
			cs = append(cs, AsyncPool(func() any { Cede(); return nil }))
		}
		for _, c := range cs {
			c.Join()
		}
		if len(s.pool) != 2 {
			t.Errorf("%d idle contexts kept after 10 pooled coroutines ended, want PoolSize 2", len(s.pool))
		}
		reused := s.pool[len(s.pool)-1].st
		c := AsyncPool(func() any { return nil })
		if c.st != reused || len(s.pool) != 1 {
			t.Errorf("the next AsyncPool did not take an idle context (%d left)", len(s.pool))
		}
		c.Join()
	})
	if err != nil {
		t.Fatal(err)
	}
}
