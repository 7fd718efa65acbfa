package sched

import (
	"errors"
	"fmt"
	"slices"

	"github.com/corogo/coro/internal/ilist"
	"github.com/corogo/coro/state"
)

// ErrCancelled is returned by Join for a coroutine that was cancelled;
// the value Join returns beside it is the one given to Cancel.
var ErrCancelled = errors.New("sched: coroutine cancelled")

// ErrNotCancellable is returned by SafeCancel for a coroutine it cannot
// cancel: the running one, the main one, one of another scheduler, or one
// already unwinding (Perl's "unable to cancel at this time").
var ErrNotCancellable = errors.New("sched: coroutine cannot be cancelled here")

// ErrJoinSelf is returned by Join when a coroutine joins itself.
var ErrJoinSelf = errors.New("sched: coroutine joins itself")

type endKind uint8

const (
	running    endKind = iota // not ended, or ended by panic or runtime.Goexit
	returned                  // fn returned its value
	terminated                // Terminate or Cancel of itself
	cancelled                 // Cancel from another coroutine
)

// Coro is a cooperative thread of a Scheduler (Perl's Coro object).
// Its methods must be called from coroutines of the same scheduler, but
// for Wake and Ready, which any goroutine may call; the others that change
// the coroutine panic when called from outside the scheduler.
type Coro struct {
	s    *Scheduler
	st   *state.State
	fn   func() any
	id   int
	desc string
	prio int

	ready     bool // in a ready queue
	suspended bool // the scheduler drops it instead of running it
	started   bool // fn has been entered
	done      bool
	end       endKind
	result    any

	// onDestroy holds on_destroy callbacks and the joiners to wake in
	// one list, called last first, as Coro does.
	onDestroy []destroyHook
	uses      int // times switched to, for the ps listing

	live ilist.Links[Coro] // in the scheduler's live list, in creation order

	specific  []any        // Specific values, by Specific index
	lastRouse func(...any) // most recent RouseCb made here
	scope     scopedThrow  // the innermost WithTimeout or WithContext call it is in

	heldThrow error  // a Throw that came while joining: Join raises it as it returns
	job       func() // the call AsyncPool gave a pooled coroutine, until it starts

	joining bool // waiting in Join
	idle    bool // a pooled coroutine waiting in the pool
	// interruptHeld is set when Uninterrupted returns with a throw or
	// cancel waiting for the coroutine's next resume: its next Schedule
	// resumes it at once if it still waits.
	interruptHeld bool
}

// ID returns the coroutine's number, unique within its scheduler; main is 1.
func (c *Coro) ID() int { return c.id }

// Desc returns the description shown in the ps listing (Coro's desc).
func (c *Coro) Desc() string { return c.desc }

// SetDesc sets the description shown in the ps listing.
func (c *Coro) SetDesc(d string) {
	c.mustBeLocal("SetDesc")
	c.setDesc(d)
}

func (c *Coro) setDesc(d string) {
	c.desc = d
	c.st.SetDesc(d) // for panics, which name the context
}

func (c *Coro) String() string { return fmt.Sprintf("coro %d %q", c.id, c.desc) }

// Prio returns the coroutine's priority.
func (c *Coro) Prio() int { return c.prio }

// SetPrio sets the priority, clamped to PrioMin..PrioMax, and returns the
// old one (Coro's prio). A coroutine already in a ready queue stays there;
// the new priority counts from its next Ready.
func (c *Coro) SetPrio(p int) (old int) {
	c.mustBeLocal("SetPrio")
	old = c.prio
	c.prio = min(max(p, PrioMin), PrioMax)
	return old
}

// Nice lowers the priority by d (raises it for negative d) and returns the
// old one (Coro's nice, which despite its documentation returns the old
// priority too).
func (c *Coro) Nice(d int) (old int) { return c.SetPrio(c.prio - d) }

// IsNew reports whether the coroutine has never run (is_new); it stays
// true for a coroutine cancelled before it ran.
func (c *Coro) IsNew() bool { return !c.started }

// IsReady reports whether the coroutine is in a ready queue (is_ready).
// Unlike Perl's, it is false for a finished coroutine.
func (c *Coro) IsReady() bool { return c.ready }

// IsRunning reports whether c is the running coroutine (is_running).
func (c *Coro) IsRunning() bool { return c.st.Status() == state.StatusRunning && !c.done }

// IsSuspended reports whether Suspend has been called without Resume.
func (c *Coro) IsSuspended() bool { return c.suspended }

// IsDone reports whether the coroutine has ended (is_zombie).
func (c *Coro) IsDone() bool { return c.done }

// Ready puts the coroutine at the end of the ready queue of its priority
// ($coro->ready). It reports false, doing nothing, when the coroutine is
// already queued or has ended. Readying the running coroutine is allowed:
// Cede is Ready followed by Schedule.
//
// From a goroutine outside the coroutine's scheduler Ready is Wake: it
// reports true, and the scheduler readies the coroutine when it next
// looks, waking up if it is idle.
func (c *Coro) Ready() bool {
	if !c.local() {
		c.Wake()
		return true
	}
	return c.readyHere()
}

// readyHere is Ready made on c's scheduler, as the scheduler's own code
// always is.
func (c *Coro) readyHere() bool {
	if c.ready || c.done {
		return false
	}
	c.s.enqueue(c)
	return true
}

// local reports whether the caller is a coroutine of c's scheduler.
func (c *Coro) local() bool {
	if st := state.Running(); st != nil {
		cur, ok := st.Data().(*Coro)
		return ok && cur.s == c.s
	}
	return false
}

// mustBeLocal panics unless the caller is a coroutine of c's scheduler:
// the methods that change a coroutine are for its scheduler's coroutines,
// which alone run while it does.
func (c *Coro) mustBeLocal(method string) {
	if !c.local() {
		panic(fmt.Sprintf("sched: %s of %v from outside its scheduler; use Wake or the scheduler's Post", method, c))
	}
}

// Suspend stops the scheduler from running the coroutine ($coro->suspend).
// If the scheduler meets it in a ready queue it drops it, so that
// activation is lost, as Coro's documentation warns; unlike Perl 6.57,
// which then keeps counting it as ready forever, the coroutine can be
// readied again after Resume.
func (c *Coro) Suspend() {
	c.mustBeLocal("Suspend")
	c.suspended = true
}

// Resume undoes Suspend ($coro->resume). It does not ready the coroutine.
func (c *Coro) Resume() {
	c.mustBeLocal("Resume")
	c.suspended = false
}

// OnDestroy registers f to be called with the coroutine's final value when
// it ends ($coro->on_destroy). Callbacks run last-registered first, on the
// ending coroutine after its deferred calls; joiners are woken in the same
// order. On a coroutine that has already ended f is called at once. f must
// not block or cede: the coroutine it runs on has ended, and nothing
// resumes it.
func (c *Coro) OnDestroy(f func(v any)) {
	if c.done {
		f(c.result)
		return
	}
	c.mustBeLocal("OnDestroy")
	c.onDestroy = append(c.onDestroy, destroyHook{f: f})
}

// destroyHook is an OnDestroy callback, or a coroutine waiting in Join or
// in a Cancel for the coroutine to end, to ready then.
type destroyHook struct {
	f      func(v any)
	joiner *Coro
}

// Join waits until the coroutine ends and returns its value: what fn
// returned or what was passed to Terminate, or, with ErrCancelled, what was
// passed to Cancel or SafeCancel ($coro->join). Any number of coroutines
// may join one. As in Perl, the value is there as soon as it is final:
// Join returns at once for a coroutine being cancelled or terminated, even
// while its deferred calls have yet to run or wait.
//
// A Throw at a coroutine waiting in Join readies it, as any Throw does, but
// Join goes on waiting and panics with the error once the coroutine it
// joins has ended, as Perl's join does. A WithTimeout or WithContext
// around Join ends the wait at once; a Throw held then panics in place of
// their timeout.
func (c *Coro) Join() (any, error) {
	cur := current()
	if cur.s != c.s {
		panic(fmt.Sprintf("sched: Join of %v from another scheduler", c))
	}
	if !c.done && c.end == running {
		if cur == c {
			return nil, ErrJoinSelf
		}
		cur.joining = true
		defer cur.joinCutShort()
		cur.awaitEnd(c, true)
		cur.joining = false
		if err := cur.heldThrow; err != nil {
			cur.heldThrow = nil
			panic(err)
		}
	}
	if c.end == cancelled {
		return c.result, ErrCancelled
	}
	return c.result, nil
}

// joinCutShort is Join's deferred call. When a WithTimeout's or
// WithContext's throw ends the wait, a Throw that Join holds takes its
// place: it came first, and would have passed through them. When a Cancel
// ends it the Throw is dropped, as the coroutine ends; when another panic
// does (a deadlock, or a panic that escaped a coroutine, in main), that
// one goes on.
func (cur *Coro) joinCutShort() {
	if !cur.joining {
		return // Join returned
	}
	cur.joining = false
	err := cur.heldThrow
	if err == nil {
		return
	}
	cur.heldThrow = nil
	r := recover() // nil for the runtime.Goexit of a cancel
	if _, scoped := r.(scopedThrow); scoped {
		panic(err)
	}
	if r != nil {
		panic(r)
	}
}

// awaitEnd makes the running coroutine, cur, sleep until c has ended, or,
// with final, until c's value is final (Join's wait, which Perl's join
// checks at every wake-up).
func (cur *Coro) awaitEnd(c *Coro, final bool) {
	c.onDestroy = append(c.onDestroy, destroyHook{joiner: cur})
	defer c.dropJoiner(cur)
	for !c.done && !(final && c.end != running) {
		Schedule()
	}
}

// dropJoiner takes the wake-up of joiner, whose wait has ended, out of c's
// list if c has not ended: a Join that a Throw or a timeout cut short, or
// that saw the value become final, is not woken when c ends.
func (c *Coro) dropJoiner(joiner *Coro) {
	for i := len(c.onDestroy) - 1; i >= 0; i-- {
		if c.onDestroy[i].joiner == joiner {
			c.onDestroy = slices.Delete(c.onDestroy, i, i+1)
			return
		}
	}
}

// Throw makes the coroutine panic with err when it next resumes, and
// readies it ($coro->throw); one waiting in Join panics when Join returns.
// Throw(nil) withdraws the error of an earlier Throw that waits (the
// coroutine stays readied), not a WithTimeout's or WithContext's.
// Throwing to the running coroutine panics at once.
func (c *Coro) Throw(err error) {
	if !c.done { // an ended coroutine is past caring, from anywhere
		c.mustBeLocal("Throw")
	}
	c.throwHere(err)
}

// throwHere is Throw made on c's scheduler, as the scheduler's own code
// (a timer firing) always is.
func (c *Coro) throwHere(err error) {
	if c.done {
		return
	}
	_, scoped := err.(scopedThrow)
	switch {
	case err == nil:
		c.heldThrow = nil
		if _, timeout := c.st.Raised().(scopedThrow); !timeout {
			c.st.Raise(nil) // a WithTimeout's or WithContext's throw is not the caller's to withdraw
		}
	case c.end != running && !scoped:
		return // c is ending, and nothing stops that (Perl drops it too)
	case c.joining && !scoped && !c.st.Holding():
		c.heldThrow = err // a WithTimeout's or WithContext's throw must end Join's wait; others wait for it
	default:
		c.st.Raise(err) // panics at once if c is running
	}
	c.readyHere()
}

// Cancel ends the coroutine with v as its value ($coro->cancel). For
// another coroutine this is synchronous: its deferred calls run on its own
// stack, then its OnDestroy callbacks, and Cancel returns without
// scheduling, unless a deferred call waits: Cancel then waits with it, and
// so does another Cancel meanwhile. Cancelling the running coroutine is
// Terminate(v). The main coroutine cannot be cancelled; cancelling an
// ended one does nothing.
func (c *Coro) Cancel(v any) {
	if c.done {
		return
	}
	cur := current()
	if cur.s != c.s {
		panic(fmt.Sprintf("sched: Cancel of %v from another scheduler", c))
	}
	if c == cur {
		Terminate(v)
	}
	if c == c.s.main {
		panic("sched: the main coroutine cannot be cancelled; return from it or call Terminate in it")
	}
	c.cancel(v)
}

// cancel ends c, which is neither running nor main, from the running
// coroutine.
func (c *Coro) cancel(v any) {
	if c.ending() {
		// An earlier Cancel, a SafeCancel or a Terminate is unwinding c,
		// and a deferred call of c's waits: this one waits too, for c to
		// end, and c keeps its value. (Cancelling again would cut that
		// call short, and take an earlier Cancel's place, which would
		// never return.) A SafeCancel that c has not seen yet is taken
		// over below, its value replaced, as in Perl.
		current().awaitEnd(c, false)
		return
	}
	c.result, c.end = v, cancelled
	// A ready c stays counted and queued while its deferred calls run:
	// one may switch, and the scheduler may then take the queue entry,
	// counting it out. destroy counts c out if it is still queued; until
	// then Ready on c does nothing, as on any ready coroutine.
	if c.started {
		c.st.Cancel() // unwinds c; its deferred destroy runs the callbacks
		if !c.done {
			// A deferred call of c's waits, and a Ready of the running
			// coroutine resumed it before c ended: it waits on.
			current().awaitEnd(c, false)
		}
		return
	}
	c.st.Cancel()
	c.destroy()
}

// ending reports whether a Cancel, a SafeCancel it has seen or a
// Terminate unwinds c: its value is final, and it ends when its deferred
// calls have run.
func (c *Coro) ending() bool { return c.end == terminated || c.st.Unwinding() }

// SafeCancel ends the coroutine with v as its value the next time it runs
// ($coro->safe_cancel): it sets the value, which Join returns from then
// on, readies the coroutine and returns; the coroutine unwinds when the
// scheduler runs it, its deferred calls and then its OnDestroy callbacks
// running in it. A coroutine that has never run ends at once, as with
// Cancel. A later SafeCancel replaces the value; a later Cancel, before
// the coroutine runs, ends it at once with Cancel's value. SafeCancel
// reports ErrNotCancellable, doing nothing, when the coroutine is the
// running one, the main one, belongs to another scheduler, or is already
// unwinding, its value final (a Terminate or Cancel whose deferred call
// waits).
func (c *Coro) SafeCancel(v any) error {
	cur := current()
	switch {
	case c.s != cur.s: // before anything of c's is read: that would race
		return fmt.Errorf("%w: %v belongs to another scheduler", ErrNotCancellable, c)
	case c.done:
		return nil
	case c == cur:
		return fmt.Errorf("%w: %v is running", ErrNotCancellable, c)
	case c == c.s.main:
		return fmt.Errorf("%w: %v is the main coroutine", ErrNotCancellable, c)
	case c.ending():
		return fmt.Errorf("%w: %v is ending, its deferred calls running", ErrNotCancellable, c)
	}
	if !c.started {
		c.cancel(v)
		return nil
	}
	c.result, c.end = v, cancelled // a SafeCancel c has not seen yet gets a new value
	c.st.SafeCancel()
	c.leavePool()
	c.readyHere()
	return nil
}

// body is the function every coroutine's context runs.
func (c *Coro) body() {
	defer c.destroy()
	c.started = true
	v := c.fn()
	if c.end == running { // else a cancel came while c was Uninterrupted: its value is final
		c.result, c.end = v, returned
	}
}

// destroy runs when the coroutine ends, however it ends, after its deferred
// calls: it marks it done and calls its OnDestroy callbacks, last first.
func (c *Coro) destroy() {
	c.done = true
	if c.ready { // it readied itself before ending; its queue entry stays
		c.ready = false
		c.s.nready--
	}
	c.s.live.Remove(c, liveLinks)
	c.leavePool()
	for n := len(c.onDestroy); n > 0; n = len(c.onDestroy) {
		h := c.onDestroy[n-1]
		c.onDestroy = c.onDestroy[:n-1]
		if h.joiner != nil {
			h.joiner.readyHere()
		} else {
			h.f(c.result)
		}
	}
	c.onDestroy = nil
}

func liveLinks(c *Coro) *ilist.Links[Coro] { return &c.live }
