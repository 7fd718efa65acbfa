package sched

import (
	"io"
	"reflect"
	"time"
)

// Poller is an event loop the scheduler waits in when no coroutine is
// ready: Coro's idle coroutine running the event loop. The aio package
// installs one per scheduler; without one the scheduler just waits for
// timers and Post. If it implements io.Closer, Run closes it after the
// coroutines left at the end have been cancelled, and SetPoller when it
// replaces it.
type Poller interface {
	// Outstanding reports whether work in flight (requests, watches) can
	// still ready a coroutine; while it does, the scheduler waits instead of
	// reporting a deadlock.
	Outstanding() bool
	// Poll readies the coroutines whose events have arrived, first waiting
	// until one arrives, deadline passes (the zero Time: no deadline) or
	// Wake is called. It runs on the scheduler's host goroutine.
	Poll(deadline time.Time)
	// Wake makes a Poll in progress, or the next one, return promptly. Any
	// goroutine may call it.
	Wake()
}

// SetPoller makes p the event loop s waits in when idle. It may be called
// from a coroutine of s, or before Run. A Poller it replaces is closed, if
// it implements io.Closer, as Run closes its Poller at its end; it must
// have nothing outstanding, or SetPoller panics, as the coroutines waiting
// for that work could be woken by it alone.
func (s *Scheduler) SetPoller(p Poller) {
	old := s.Poller()
	if old == nil || reflect.TypeOf(old).Comparable() && old == p {
		s.poller.Store(&p)
		return
	}
	if old.Outstanding() {
		panic("sched: SetPoller: the Poller it would replace has work outstanding")
	}
	s.poller.Store(&p)
	if c, ok := old.(io.Closer); ok {
		c.Close() // after the Store: a Post from now on wakes p
	}
}

// Poller returns the Poller set with SetPoller, or nil.
func (s *Scheduler) Poller() Poller {
	if p := s.poller.Load(); p != nil {
		return *p
	}
	return nil
}

// Scheduler returns the scheduler the coroutine belongs to.
func (c *Coro) Scheduler() *Scheduler { return c.s }

// waitIdle runs when nothing is ready. It waits for something that can
// ready a coroutine (a timer, a Post, the Poller's events) and reports
// false when there is nothing left that could.
func (s *Scheduler) waitIdle() bool {
	s.timers.fire(time.Now())
	p := s.Poller()
	// With coroutines ready, or an Idle hook that waited, the loop runs
	// once all the same, without waiting, as Perl's does: a coroutine in
	// Poll, woken by its timer, would otherwise wake without the events
	// that arrived meanwhile, one that polls in a loop would never see
	// them, and neither would the requests of a scheduler with a hook.
	if s.nready > 0 || s.idle != nil && s.idle() {
		if p != nil && p.Outstanding() {
			p.Poll(time.Now())
		}
		return true
	}
	deadline, timer := s.timers.next()
	// Set before the looks below: a Post, Wake or release that they miss
	// sees it and wakes the wait (wakeUp). Both sides use sequentially
	// consistent atomics, so one of them sees the other's store.
	s.posts.sleeping.Store(true)
	defer s.posts.sleeping.Store(false)
	if s.posts.pending.Load() {
		return true
	}
	if !timer && s.holds.Load() == 0 && (p == nil || !p.Outstanding()) {
		return false
	}
	if p != nil {
		p.Poll(deadline)
	} else {
		s.waitForPost(deadline, timer)
	}
	s.timers.fire(time.Now())
	return true
}

// waitForPost waits for a Post, a Hold's release or the deadline.
func (s *Scheduler) waitForPost(deadline time.Time, timed bool) {
	if !timed {
		<-s.posts.wake
		return
	}
	t := time.NewTimer(time.Until(deadline))
	defer t.Stop()
	select {
	case <-s.posts.wake:
	case <-t.C:
	}
}

// wakeUp tells an idle scheduler to look again; a busy one looks at
// posts before it next sleeps (waitIdle), and costs the caller nothing.
func (s *Scheduler) wakeUp() {
	if !s.posts.sleeping.Load() {
		return
	}
	select {
	case s.posts.wake <- struct{}{}:
	default:
	}
	if p := s.Poller(); p != nil {
		p.Wake()
	}
}

// Poll waits until every ready coroutine, of any priority, has run and
// the event loop has run once without waiting: the timers that are due
// fire, and the Poller's arrived events, Post and Wake are delivered
// (Coro::AnyEvent's poll, which is its sleep of 0). A coroutine that
// computes in a loop and never lets the scheduler idle calls it instead
// of Cede, so that timers and I/O results still arrive.
func Poll() { Sleep(0) }
