package sched

import "testing"

// The pool keeps at most PoolSize idle coroutines; the others end when
// their call returns. The next AsyncPool takes the one that went idle last.
func TestPoolSizeLimitsIdleCoroutines(t *testing.T) {
	s := New(PoolSize(2))
	err := s.Run(func() {
		var cs []*Coro
		for range 10 {
			cs = append(cs, AsyncPool(func() { Cede() }))
		}
		for range 3 {
			Cede()
		}
		done := 0
		for _, c := range cs {
			if c.IsDone() {
				done++
			}
		}
		if len(s.pool) != 2 || done != 8 {
			t.Errorf("%d idle coroutines kept and %d ended after 10 pooled calls returned, want PoolSize 2 and 8", len(s.pool), done)
		}
		idle := s.pool[len(s.pool)-1]
		if c := AsyncPool(func() {}); c != idle || len(s.pool) != 1 {
			t.Errorf("the next AsyncPool did not take the last idle coroutine (%d left)", len(s.pool))
		}
		Cede()
	})
	if err != nil {
		t.Fatal(err)
	}
}
