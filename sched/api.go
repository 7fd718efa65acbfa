package sched

import (
	"github.com/corogo/coro/internal/ilist"
	"github.com/corogo/coro/state"
)

// Async makes a coroutine that runs fn and readies it (Coro's async). It
// does not run until the caller blocks or cedes. fn's result is what Join
// returns.
func Async(fn func() any) *Coro {
	c := NewCoro(fn)
	c.readyHere()
	return c
}

// NewCoro makes a coroutine that runs fn, without readying it
// (Coro->new).
func NewCoro(fn func() any) *Coro {
	if fn == nil {
		panic("sched: NewCoro with nil function")
	}
	return current().s.newCoro(fn, "")
}

// Current returns the running coroutine ($Coro::current).
func Current() *Coro { return current() }

// Main returns the scheduler's main coroutine ($Coro::main).
func Main() *Coro { return current().s.main }

// NReady returns the number of coroutines in the ready queues, not
// counting the running one (Coro::nready).
func NReady() int { return current().s.nready }

// Cede readies the running coroutine and runs the next ready one of equal
// or higher priority (Coro's cede). It returns at once when none is.
//
// Cede and Schedule inline into their callers: see state.Switch.
func Cede() { state.Switch(cedePick) }

// cedePick readies the running coroutine, cur, and returns the context to
// run next: Ready followed by pickNext. Unless cur is already queued or
// suspended (the scheduler drops it, and runs what is ready of any
// priority) or posts wait, two cases take a shortcut that changes no count: with
// nothing of cur's priority or higher queued, that is cur itself; when
// cur's queue is the highest with entries and its head can run, it is one
// rotation of the ring. Every Cede runs it, so the shortcuts call nothing.
func cedePick(from *state.State) *state.State {
	cur := coroOf(from)
	s := cur.s
	i := cur.prio - PrioMin
	if !cur.ready && !cur.suspended && !s.posts.pending.Load() {
		switch s.ready.nonEmpty >> i { // bit i: cur's queue has entries
		case 0:
			return from
		case 1:
			r := &s.ready.q[i]
			if next := r.buf[r.head]; !next.done && !next.suspended {
				r.rotate(cur)
				next.ready, cur.ready = false, true
				return s.switchTo(cur, next)
			}
		}
	}
	cur.readyHere()
	return s.switchTo(cur, s.pickNext(cur))
}

// Uninterrupted runs fn with the throws and cancels aimed at the running
// coroutine held back: one that comes while fn runs or waits (a timer
// that fires while the coroutine idles) takes effect at the coroutine's
// first resume after fn returns; if the coroutine then waits before
// anything resumes it, the wait ends at once for it (the wake-up that
// came with it was spent in fn, and the wait may be one that only it
// would end). A wait that must not be cut short uses it, as aio does when
// a coroutine unwinds with a request in flight: it waits for the kernel
// to let go of the request's buffer. (Coro has no counterpart: its C code
// waits so.)
func Uninterrupted(fn func()) {
	c := current() // and sched's panic outside a scheduler
	defer func() {
		if !c.st.Holding() && c.st.Interrupted() {
			c.interruptHeld = true // for Schedule (a WithTimeout may yet withdraw its throw)
		}
	}()
	state.Uninterrupted(fn)
}

// CedeNotSelf runs the next ready coroutine of any priority and readies
// the running one behind it (Coro::cede_notself). It does nothing when no
// other coroutine is ready.
func CedeNotSelf() { state.Switch(cedeNotSelfPick) }

func cedeNotSelfPick(from *state.State) *state.State {
	c := coroOf(from)
	if c.s.posts.pending.Load() {
		c.s.drainPosts() // Post and Wake ready theirs when the scheduler looks
	}
	next := c.s.popRunnable()
	if next == nil {
		return from // a transfer to itself: nothing happens
	}
	c.readyHere()
	return c.s.switchTo(c, next)
}

// Schedule runs the next ready coroutine without readying the running one,
// which sleeps until something readies it (Coro's schedule). When nothing
// is ready the scheduler idles, or Run ends with a deadlock.
func Schedule() { state.Switch(schedulePick) }

func schedulePick(from *state.State) *state.State {
	c := coroOf(from)
	if c.interruptHeld {
		c.interruptHeld = false
		if from.Interrupted() {
			return from // its arrive, which a switch to itself runs too, delivers it
		}
	}
	return c.s.switchTo(c, c.s.pickNext(c))
}

// Terminate ends the running coroutine with v as its value (Coro's
// terminate): its deferred calls and OnDestroy callbacks run, joiners get
// v, and the next ready coroutine runs. Terminate in the main coroutine
// makes Run return nil after cancelling the others.
func Terminate(v any) {
	c := current()
	if c == c.s.main {
		panic(mainTerminated{})
	}
	c.result, c.end = v, terminated
	c.st.Cancel() // the running context: unwinds like runtime.Goexit
}

// KillAll cancels every coroutine except the running one and main
// (Coro::killall), newest first, as Coro walks its list of coroutines.
func KillAll() {
	cur := current()
	for {
		c := cur.s.live.Back()
		if c == cur {
			c = ilist.Prev(c, liveLinks)
		}
		if c == nil {
			return
		}
		c.cancel(nil)
	}
}
