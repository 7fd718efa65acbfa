package sync

import "github.com/corogo/coro/sched"

// Signal is a binary event that coroutines wait for (Coro::Signal). Send
// wakes one waiter or, if none waits, is remembered for the next Wait;
// Broadcast wakes every waiter and is never remembered.
//
// The zero value is a Signal with no waiters and nothing remembered. It
// must be used from coroutines of one scheduler only and must not be
// copied after first use.
//
// A waiter that is cancelled, or panics (Throw), while it waits leaves the
// wait list. One that was woken by Send and unwinds before it ran passes
// the Send on (to the next waiter, or remembered); a Broadcast is not
// passed on. (Perl 6.57 leaves a cancelled waiter on the list, where a
// later Send is lost on it, and drops a Send whose waiter is cancelled
// before it runs.)
type Signal struct {
	sent bool
	q    waitq
}

// Wait returns at once, forgetting it, if a Send is remembered; otherwise
// it waits for the next Send or Broadcast ($signal->wait).
func (s *Signal) Wait() {
	if s.sent {
		s.sent = false
		return
	}
	w := s.q.enter(sched.Current())
	s.q.push(w)
	defer s.abandon(w)
	for w.queued { // a spurious wake-up leaves it on the list
		sched.Schedule()
	}
	s.q.leave(w)
}

// Send wakes the longest waiter, or remembers the signal if nobody waits
// ($signal->send). Remembering twice is remembering once.
func (s *Signal) Send() {
	if !s.q.wake(wokeOne) {
		s.sent = true
	}
}

// Broadcast wakes every waiter ($signal->broadcast), in the order they
// came. If nobody waits it is lost; like Coro's, it also forgets a Send
// remembered earlier.
func (s *Signal) Broadcast() {
	s.sent = false
	for s.q.wake(wokeBroadcast) {
	}
}

// Awaited reports whether some coroutine waits for the signal
// ($signal->awaited).
func (s *Signal) Awaited() bool { return s.q.len() > 0 }

func (s *Signal) abandon(w *waiter) {
	if w.c == nil {
		return // Wait returned normally
	}
	passOn := !w.queued && w.woke == wokeOne
	s.q.leave(w)
	if passOn {
		s.Send()
	}
}
