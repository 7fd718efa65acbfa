package sched

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/corogo/coro/state"
)

// cedePick takes a shortcut through the ready queues when it can; from any
// state of the queues it must leave them, and pick, exactly as Ready and
// pickNext do.
func TestCedePickIsReadyThenPick(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 20000 {
		// Two schedulers in the same random state: s takes the shortcut,
		// ref goes the long way.
		s, ref := New(), New()
		var cs, refs []*Coro
		add := func(prio int) (*Coro, *Coro) {
			c, r := &Coro{s: s, prio: prio, id: len(cs)}, &Coro{s: ref, prio: prio, id: len(cs)}
			c.st = state.New(func() {}, state.Data(c)) // cedePick finds c through its context
			cs, refs = append(cs, c), append(refs, r)
			return c, r
		}
		randPrio := func() int { return PrioMin + rng.IntN(nprio) }
		// A quarter of the rounds fill cur's queue to exactly its ring's
		// size, with nothing above it: the shortcut's rotation then puts
		// cur where the old head was.
		full := rng.IntN(4) == 0
		cur, refCur := add(randPrio())
		if !full && rng.IntN(8) == 0 { // readied while running
			cur.readyHere()
			refCur.readyHere()
		}
		n := rng.IntN(12)
		if full {
			n = 8 << rng.IntN(2) // ring sizes: 8, then 16
		}
		for range n {
			if full {
				c, r := add(cur.prio)
				c.readyHere()
				r.readyHere()
				continue
			}
			c, r := add(randPrio())
			c.readyHere()
			r.readyHere()
			if rng.IntN(3) == 0 { // queued at one priority, now of another
				c.prio = randPrio()
				r.prio = c.prio
			}
			switch rng.IntN(10) {
			case 0: // ended while queued
				c.done, r.done = true, true
				s.nready--
				ref.nready--
			case 1:
				c.suspended, r.suspended = true, true
			}
		}
		// Rotate some queues first, so the rings do not all start at 0.
		for range rng.IntN(4) {
			if c, r := s.popRunnable(), ref.popRunnable(); c != nil {
				s.enqueue(c)
				ref.enqueue(r)
			}
		}
		before := queueIDs(s)
		next := coroOf(cedePick(cur.st))
		refCur.readyHere()
		refNext := ref.pickNext(refCur)
		if next.id != refNext.id {
			t.Fatalf("round %d: cedePick picked %d, Ready and pickNext %d", round, next.id, refNext.id)
		}
		if got, want := queueIDs(s), queueIDs(ref); !slices.Equal(got, want) || s.nready != ref.nready {
			t.Fatalf("round %d: cur %d (prio %d), queues %v: after cedePick %v (nready %d), after Ready and pickNext %v (nready %d)", round, cur.id, cur.prio, before, got, s.nready, want, ref.nready)
		}
		for i := range cs {
			if cs[i].ready != refs[i].ready {
				t.Fatalf("round %d: coroutine %d ready=%v after cedePick, %v the long way", round, i, cs[i].ready, refs[i].ready)
			}
		}
	}
}

// queueIDs lists the ready queues from the highest priority, with -1
// between queues.
func queueIDs(s *Scheduler) []int {
	var ids []int
	for i := nprio - 1; i >= 0; i-- {
		r := &s.ready.q[i]
		for j := range r.n {
			ids = append(ids, r.buf[(r.head+j)&(len(r.buf)-1)].id)
		}
		ids = append(ids, -1)
	}
	return ids
}
