package state

import (
	"errors"
	"fmt"
	"runtime"

	"github.com/corogo/coro/internal/ilist"
)

// Status is the stage of a context's life.
type Status uint8

const (
	StatusNew       Status = iota // created, fn not yet entered
	StatusRunning                 // the context its host is running now
	StatusSuspended               // entered, waiting to be transferred to
	StatusDone                    // fn ended: returned, cancelled, runtime.Goexit or panic
)

func (st Status) String() string {
	switch st {
	case StatusNew:
		return "new"
	case StatusRunning:
		return "running"
	case StatusSuspended:
		return "suspended"
	case StatusDone:
		return "done"
	}
	return fmt.Sprintf("Status(%d)", uint8(st))
}

// State is an execution context: a function with a stack of its own that
// runs only when another context of the same host transfers to it. It
// corresponds to Perl's Coro::State.
//
// A State belongs to the host of the first context that transfers to it
// (or cancels it); it can never move to another host.
type State struct {
	h      *host
	fn     func()
	status Status
	// pending is set when something waits for the context to see it as it
	// resumes: a cancel, a raised value, a relay to follow (portable
	// engine) or, in main, a panic that escaped another context. The test
	// for it is all a plain resume costs (arrive); it may stay set after
	// the thing it stood for is gone.
	pending bool

	desc   string
	data   any
	onExit func() *State
	// stackSize is the turbo stack size asked for with StackSize; 0 for
	// the default.
	stackSize int

	// cancelling is set when Cancel asks a suspended context to unwind; the
	// context sees it when it resumes and runs its deferred calls.
	cancelling bool
	// unwinding is set once a cancelled context has begun to unwind. A
	// deferred call that switches is then resumed like any other code: the
	// cancel does not end it a second time.
	unwinding bool
	// held counts the Uninterrupted calls the context is in; while it is
	// above 0, a resume leaves a cancel or raised value pending.
	held int
	// canceller is resumed when a cancelled context has finished unwinding,
	// if it still waits in that Cancel then (its cancelWait is the context).
	canceller *State
	// cancelWait is the context whose Cancel this one waits in; nil once
	// that Cancel returns or is cut short.
	cancelWait *State
	// raise is panicked with when the context next resumes (Raise).
	raise any

	// live links the entered, unfinished contexts of the host in the order
	// they were entered, so the host can cancel them when it ends.
	live ilist.Links[State]

	pt portable // engine state; see portable.go
	tc *tctx    // turbo engine state; see turbo.go
	// sp is where a turbo context is suspended (chain_<arch>.go). It is
	// here, not in tc, because a resume loads it first: its stack depends on
	// it, and from the State it is one load away, not two.
	sp uintptr
}

// Option configures a State made by New.
type Option func(*State)

// Desc sets the description shown in panics and listings
// (Coro::State's desc).
func Desc(d string) Option { return func(s *State) { s.desc = d } }

// Data attaches a value to the context, returned by (*State).Data.
// Schedulers built on this package use it to find their own record of the
// running context.
func Data(v any) Option { return func(s *State) { s.data = v } }

// OnExit sets the function that picks the context to resume when fn ends
// by returning or by runtime.Goexit, or when the context cancels itself.
// It runs on the ending context after fn's deferred calls. A nil result,
// or no OnExit at all, resumes the host's main context.
func OnExit(next func() *State) Option { return func(s *State) { s.onExit = next } }

// MaxStackSize is the largest stack StackSize accepts.
const MaxStackSize = 256 << 20

// ErrNoStackRoom is what starting a context on the turbo engine fails
// with, wrapped, when its stack does not fit in what is left of the 1 GiB
// that all stacks of its host share. Transfer to the context panics with
// the error; when an ending context's OnExit picks it, the host ends as
// if it had panicked (see Run). The context stays new.
var ErrNoStackRoom = errors.New("state: no room for the stack")

// StackSize sets the size in bytes of the context's stack on the turbo
// engine, its 4 KiB guard page included, rounded up to a multiple of
// 64 KiB (Coro::State's cctx_stacksize, per context). The default is
// 64 KiB. The kernel commits the pages as the stack first reaches them,
// so a large stack costs address space until it is used. On the portable
// engine a context is a goroutine, whose stack grows as needed, and the
// size is ignored. StackSize panics unless 0 < bytes <= MaxStackSize.
func StackSize(bytes int) Option {
	if bytes <= 0 || bytes > MaxStackSize {
		panic(fmt.Sprintf("state: StackSize(%d): the size must be above 0 and at most MaxStackSize (%d)", bytes, MaxStackSize))
	}
	return func(s *State) { s.stackSize = bytes }
}

// New returns a context that will run fn when first transferred to
// (Coro::State->new). Nothing runs and no stack is allocated until then.
// Nil options are ignored.
func New(fn func(), opts ...Option) *State {
	if fn == nil {
		panic("state: New with nil function")
	}
	s := &State{fn: fn}
	for _, o := range opts {
		if o != nil {
			o(s)
		}
	}
	return s
}

// Status reports the stage of the context's life.
func (s *State) Status() Status { return s.status }

// Desc returns the context's description.
func (s *State) Desc() string { return s.desc }

// SetDesc changes the context's description.
func (s *State) SetDesc(d string) { s.desc = d }

// Data returns the value attached with the Data option or SetData.
func (s *State) Data() any { return s.data }

// SetData replaces the value returned by Data.
func (s *State) SetData(v any) { s.data = v }

// Raised returns the value Raise left for the context to panic with when
// it next resumes, or nil when none waits.
func (s *State) Raised() any { return s.raise }

// Raise makes the context panic with v when it next resumes from
// Transfer, or before fn runs if it has not started; Raise(nil) withdraws
// a pending value. A cancel drops a value raised before it; one raised
// while a deferred call of the cancel waits panics in that call. On the
// running context it panics with v at once, unless the context is in
// Uninterrupted: v then waits for its next resume after that, as it would
// have had the context been suspended. Raise on the running context from
// code other than its own (another goroutine) panics with a message, not
// with v.
func (s *State) Raise(v any) {
	if s.status == StatusRunning && v != nil && s.held == 0 {
		if !s.runsHere() {
			panic(fmt.Sprintf("state: Raise of running context %q from a goroutine that does not run it", s.desc))
		}
		panic(v)
	}
	s.raise = v
	if v != nil {
		s.pending = true
	}
}

// Uninterrupted runs fn on the running context with interrupts held: a
// Cancel, a Raise or, in main, a panic that escaped another context, that
// comes while fn runs or waits takes effect at the context's first resume
// after fn returns, not in fn. A wait that must not be cut short uses it, such
// as one, while the context unwinds, for the kernel to let go of a buffer.
// It panics outside a host.
func Uninterrupted(fn func()) {
	s := Current()
	s.held++
	defer func() { s.held-- }()
	fn()
}

// Holding reports whether the context runs in Uninterrupted, which holds
// back the cancels and raised values aimed at it.
func (s *State) Holding() bool { return s.held > 0 }

// Interrupted reports whether a cancel or a raised value (in main, also a
// panic that escaped another context) waits for the context's next resume.
func (s *State) Interrupted() bool {
	return s.cancelling && !s.unwinding || s.raise != nil || s.h != nil && s == s.h.main && s.h.abort != nil
}

// Cancel ends the context, running its deferred calls
// (Coro::State->cancel). Cancelling a suspended context runs its deferred
// calls on its own stack before Cancel returns; a new context is simply
// marked done; cancelling a finished context does nothing. Cancelling the
// running context ends it like runtime.Goexit and does not return; the
// main context of a host cannot be cancelled. A deferred call that
// switches goes on when resumed, and Cancel returns once the context has
// ended; cancelling it again meanwhile panics.
func (s *State) Cancel() {
	cur, started := s.beginCancel("Cancel")
	if !started {
		return
	}
	if s == cur {
		runtime.Goexit() // the context's entry sees an exit that was neither return nor cancel
	}
	if s.Unwinding() {
		panic(fmt.Sprintf("state: Cancel of context %q, which an earlier Cancel is unwinding; that Cancel returns when it has ended", s.desc))
	}
	// (A SafeCancel that s has not yet seen is taken over.)
	s.cancelling = true
	s.pending = true
	s.canceller = cur
	cur.cancelWait = s
	cur.Transfer(s)
	cur.cancelWait = nil
}

// SafeCancel makes a suspended context unwind when it next resumes, as
// Cancel does, but returns without switching to it (Coro::State's
// safe_cancel): whoever resumes it next gets control back through its
// OnExit once its deferred calls have run, or when one of them switches.
// A new context is marked done, as Cancel does; a finished one, or one
// already cancelled, is left as it is; a later Cancel before it resumes
// takes over and unwinds it at once. It panics for the running context,
// for the main context of a host, and outside the context's host.
func (s *State) SafeCancel() {
	cur, started := s.beginCancel("SafeCancel")
	if !started {
		return
	}
	if s == cur {
		panic(fmt.Sprintf("state: SafeCancel of context %q, which is running; it can cancel itself with Cancel", s.desc))
	}
	if !s.cancelling {
		s.cancelling = true
		s.pending = true
	}
}

// beginCancel does what Cancel and SafeCancel (op) share: a new context
// ends here, and it reports false for that and for a finished one; for
// one that has started it panics unless the caller may cancel it, and
// returns the running context.
func (s *State) beginCancel(op string) (cur *State, started bool) {
	switch s.status {
	case StatusDone:
		return nil, false
	case StatusNew:
		s.status = StatusDone
		s.fn = nil
		return nil, false
	}
	h := s.h
	if s == h.main {
		panic("state: the main context of a host cannot be cancelled")
	}
	cur = h.current
	if cur == nil || h != currentHost() {
		panic(fmt.Sprintf("state: %s of context %q from outside its host", op, s.desc))
	}
	return cur, true
}

// Unwinding reports whether a Cancel, or a SafeCancel the context has
// seen, is unwinding it, or will as soon as it leaves Uninterrupted.
// Cancel panics then: it can only wait for the context to end.
func (s *State) Unwinding() bool { return s.cancelling && (s.unwinding || s.canceller != nil) }
