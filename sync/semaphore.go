package sync

import "github.com/corogo/coro/sched"

// Semaphore is a counting semaphore (Coro::Semaphore). Down takes one
// from the count, waiting while it is zero or less; Up adds one and
// readies the longest waiter.
//
// The zero value is a semaphore with count 1, like Coro's
// `new Coro::Semaphore` without an argument and like an unlocked
// sync.Mutex; NewSemaphore gives any other count.
//
// Wake-ups follow Coro exactly. Up and Adjust ready as many waiters, first
// come first served, as the new count allows, and take them off the wait
// list, but reserve nothing for them: a woken waiter takes one when it
// runs. If another coroutine took the count in between, the woken waiter
// goes back to the end of the list and waits again.
//
// A coroutine that is cancelled, or panics (Throw), while it waits leaves
// the wait list; one that had been woken and not yet run passes its
// wake-up on to the next waiter. (Perl 6.57 leaves a cancelled waiter on
// the list, where it later swallows a wake-up.)
//
// A Semaphore must be used from coroutines of one scheduler only and must
// not be copied after first use.
type Semaphore struct {
	c      int // the count minus one, so that the zero value has count 1
	q      waitq
	guards guardPool
}

// NewSemaphore returns a semaphore with the given count
// (new Coro::Semaphore $count). A count of zero or less makes it locked.
func NewSemaphore(count int) *Semaphore { return &Semaphore{c: count - 1} }

// Count returns the count ($sem->count). Down succeeds without waiting
// when it is above zero.
func (s *Semaphore) Count() int { return s.c + 1 }

// Waiters returns the number of coroutines waiting in Down or Wait
// ($sem->waiters in scalar context). A waiter that has been woken and not
// yet run is no longer counted.
func (s *Semaphore) Waiters() int { return s.q.len() }

// Down decrements the count, first waiting until it is above zero
// ($sem->down).
func (s *Semaphore) Down() {
	if s.c >= 0 {
		s.c--
		return
	}
	s.block(true)
}

// TryDown decrements the count if it is above zero and reports whether it
// did ($sem->try). It never waits.
func (s *Semaphore) TryDown() bool {
	if s.c >= 0 {
		s.c--
		return true
	}
	return false
}

// Wait waits until the count is above zero, without decrementing it
// ($sem->wait): a Down right after it succeeds without waiting, as long as
// the caller does not give up the CPU in between. Like Coro's, a Wait that
// finds the count above zero also wakes as many waiters as the count
// allows.
func (s *Semaphore) Wait() {
	if s.c >= 0 {
		s.wakeUp()
		return
	}
	s.block(false)
}

// Up increments the count and, if it is now above zero, readies the
// longest waiter ($sem->up).
func (s *Semaphore) Up() {
	s.c++
	if s.q.len() > 0 {
		s.wakeUp()
	}
}

// Adjust adds n, which may be negative, to the count and then readies as
// many waiters as the count allows ($sem->adjust). It never waits.
func (s *Semaphore) Adjust(n int) {
	s.c += n
	s.wakeUp()
}

// Guard calls Down and returns a guard whose Release calls Up
// ($sem->guard). Release it with defer so that the count comes back
// however the holder ends: return, panic or cancellation.
//
//	defer sem.Guard().Release()
func (s *Semaphore) Guard() Guard {
	s.Down()
	g := s.guards.get()
	return Guard{s: s, slot: g, gen: g.gen}
}

// Guard is a Down of a Semaphore that Release undoes
// (Coro::Semaphore::guard). Copies of a Guard are the same guard: only one
// Release is allowed among them, and a second one panics.
type Guard struct {
	s    *Semaphore
	slot *guardSlot
	gen  uint64
}

// Release calls Up on the guard's semaphore. It panics if the guard was
// already released or is the zero Guard.
func (g Guard) Release() {
	if g.s == nil {
		panic("coro/sync: Release of a zero Guard")
	}
	g.s.guards.release(g.slot, g.gen, "Guard")
	g.s.Up()
}

// wakeUp readies waiters while the count allows (Coro's
// coro_semaphore_adjust after the count is changed). The count is not
// touched: each woken coroutine takes its own when it runs.
func (s *Semaphore) wakeUp() {
	for n := s.c; n >= 0 && s.q.wake(wokeOne); n-- {
	}
}

// block is the slow path of Down (acquire) and Wait: wait on the list
// until the count is above zero when this coroutine runs.
func (s *Semaphore) block(acquire bool) {
	w := s.q.enter(sched.Current())
	s.q.push(w)
	defer s.abandon(w)
	for {
		sched.Schedule()
		if s.c >= 0 {
			break
		}
		if !w.queued {
			// Woken, but another coroutine took the count first: back to
			// the end of the list, as Coro does.
			s.q.push(w)
		}
	}
	s.q.leave(w) // a spurious wake-up can leave it queued
	if acquire {
		s.c--
	} else {
		s.wakeUp()
	}
}

// abandon runs when block ends. If it ends by unwinding (cancel or panic),
// w still belongs to this coroutine: it leaves the list or, if it had been
// woken, passes the wake-up on (Coro's coro_semaphore_destroy).
func (s *Semaphore) abandon(w *waiter) {
	if w.c == nil {
		return // block returned normally
	}
	woken := !w.queued
	s.q.leave(w)
	if woken {
		s.wakeUp()
	}
}
