package state

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"sync/atomic"
	"unsafe"

	"github.com/corogo/coro/internal/ilist"
)

// A host is one goroutine's worth of contexts: exactly one of them runs at
// any time, and control passes between them only by Transfer. The main
// context is the goroutine that called Run.
type host struct {
	main    *State
	current *State
	closed  bool
	// locks is the thread-lock state of Run's caller's M. On the portable
	// engine every switch must happen with the same (see threadLocks); the
	// turbo engine's host goroutine locks itself to its thread when it is
	// not 0, so a locked caller gets a host on one thread either way.
	locks uint64

	// abort is the panic that escaped a context; the main context re-raises
	// it when it resumes.
	abort *PanicError

	live ilist.List[State] // entered, unfinished contexts; see State.live

	relay relay  // engine hand-offs in flight; see portable.go
	tb    *turbo // the turbo engine's arena and bookkeeping
}

// hosts maps each goroutine of a portable host to the context it runs
// (see gtable): the host's own goroutine to main, every context goroutine
// to its context.
var hosts gtable

// currentHost returns the calling goroutine's host, or nil. Turbo hosts
// are found by their arena (turboHost) and have no entry in hosts.
func currentHost() *host {
	if turboOn {
		return turboHost()
	}
	if s := hosts.load(uintptr(getg())); s != nil {
		return s.h
	}
	return nil
}

// Current returns the running context of the calling goroutine's host
// ($Coro::current at this level). It panics when called from outside a
// host.
func Current() *State {
	s := Running()
	if s == nil {
		panic("state: Current called outside a host; start one with state.Run")
	}
	return s
}

// Running returns the running context of the calling goroutine's host, or
// nil when the goroutine belongs to no host.
func Running() *State {
	if turboOn {
		return runningTurbo()
	}
	// A goroutine of the portable engine runs one context, which is the
	// running one whenever the goroutine runs.
	if s, _ := runningGuess(); s != nil {
		return s
	}
	g := uintptr(getg())
	if s, ok := hosts.cached(g); ok {
		return s
	}
	return hosts.load(g)
}

func runningTurbo() *State {
	if h := turboHost(); h != nil {
		return h.current
	}
	return nil
}

// Run runs main as the main context of a new host. It returns when main
// returns, after cancelling every context of the host that is still
// suspended (their deferred calls run). A panic that escapes a context
// other than main resumes main with a panic whose value is a *PanicError;
// it unwinds main, then Run cancels the remaining contexts and lets it
// continue to Run's caller.
//
// On the portable engine the calling goroutine is the host. On the turbo
// engine the host is a new goroutine and the caller waits; when the
// caller is locked to its OS thread, the host is locked to one of its own.
//
// The options apply to the main context as New's do (StackSize, Desc,
// Data); an OnExit is never called, since main's end ends the host.
func Run(main func(), opts ...Option) {
	if main == nil {
		panic("state: Run with nil function")
	}
	g := getg()
	if currentHost() != nil {
		panic("state: Run called from inside a host")
	}
	h := newHost(main, opts)
	h.locks = threadLocks(g)
	if turboOn {
		runTurbo(h)
		return
	}
	h.main.pt.g = g
	hosts.store(uintptr(g), h.main)
	hostStarted(h)
	// Even when close panics (main ended locked to its thread, and a
	// suspended context cannot be switched to), nothing may name the host
	// once g can exit: the guess relies on it (guess.go), and a goroutine
	// that gets g next would find main in the table.
	defer func() {
		hostEnded(h)
		hosts.store(uintptr(g), nil)
	}()
	defer func() {
		if pe := h.close(); pe != nil {
			panic(pe)
		}
	}()
	main()
}

// newHost returns a host whose main context, running, is main, with
// options opts.
func newHost(main func(), opts []Option) *host {
	h := &host{}
	m := New(main, append([]Option{Desc("main")}, opts...)...)
	m.h, m.status = h, StatusRunning
	h.main, h.current = m, m
	return h
}

// bind makes s a context of h, or panics if it belongs to another host.
func (h *host) bind(s *State) {
	if s.h == h {
		return
	}
	if h.closed {
		panic("state: host has ended")
	}
	if !s.claim(h) {
		panic(fmt.Sprintf("state: context %q belongs to another host", s.desc))
	}
}

// claim makes s a context of h unless it belongs to another host, and
// reports whether it is h's now. Two hosts may reach for one new context
// at once: one wins, and the other sees it belongs to another. A context
// already h's (every OnExit choice but a new one) costs no atomic.
func (s *State) claim(h *host) bool {
	// &s.h is a *host field: the unsafe.Pointer view is for the atomic
	// compare-and-swap alone.
	return s.h == h || atomic.CompareAndSwapPointer((*unsafe.Pointer)(unsafe.Pointer(&s.h)), nil, unsafe.Pointer(h))
}

// resumeInterrupted handles a context resumed to unwind: it was cancelled,
// it is main and another context panicked, or a value was raised in it.
func (h *host) resumeInterrupted(from *State) {
	// An interrupt ends the Cancel that from may wait in (finish then
	// resumes no one there); a deferred call that goes on below was past
	// it already.
	from.cancelWait = nil
	if from.cancelling {
		if from.unwinding {
			// A deferred call switched and is resumed: it goes on, and a
			// value raised meanwhile panics in it, as anywhere: a timeout
			// of a wait in it must end that wait. (Recovered or not, the
			// cancel goes on after the deferred call: nothing stops it.)
			if v := from.raise; v != nil {
				from.raise = nil
				panic(v)
			}
			return
		}
		from.unwinding = true
		from.raise = nil // the cancel comes first: a value raised before it is dropped
		runtime.Goexit() // unwind; the context's entry finishes the cancel
	}
	if pe := h.abort; pe != nil && from == h.main {
		h.abort = nil
		panic(pe)
	}
	if v := from.raise; v != nil {
		from.raise = nil
		panic(v)
	}
}

// runBody runs fn on a context's own stack and reports how it ended.
// It returns normally when fn returned or panicked (the panic is recorded
// for the main context). On runtime.Goexit it does not return at all: on
// the portable engine the deferred finish in the context's goroutine sees
// that; on the turbo engine the context leaves from here, because past
// this frame the runtime would walk on into other contexts' frames.
func (h *host) runBody(s *State) {
	defer bodyEnded()
	if v := s.raise; v != nil {
		s.raise = nil
		panic(v)
	}
	s.fn()
	s.fn = nil // it returned: s.fn stays set only through runtime.Goexit
}

// bodyEnded is runBody's deferred call. It takes no arguments and finds
// the context as the running one, which it is while its deferred calls
// run: a deferred call with arguments, or a closure, is a stack object in
// runBody's frame, which every suspended turbo context has, and each
// collection indexes every stack object.
func bodyEnded() {
	s := Running()
	h := s.h
	if p := recover(); p != nil {
		// A runtime.Goexit may wait under the panic (a deferred call
		// panicked while the context unwound): the runtime goes on with it
		// once this call returns, past runBody (run and turboRun see to it).
		s.fn = nil // it ended, and the panic with it
		h.recordPanic(s, p, trimChain(debug.Stack()))
	} else if s.fn != nil && turboOn {
		turboExit(s, h.finish(s))
	}
}

// finish marks the ending context done and returns the context to resume.
// It runs on the ending context's stack after all of its deferred calls.
func (h *host) finish(s *State) *State {
	h.live.Remove(s, liveLinks)
	s.status = StatusDone
	s.fn = nil
	canceller := s.canceller
	s.canceller = nil
	var next *State
	switch {
	case h.abort != nil && h.main.held == 0:
		// (While main holds the panic in Uninterrupted, the host goes on
		// as before; main raises it at its first resume after that.)
		next = h.main
	case s.cancelling && canceller != nil && canceller.cancelWait == s:
		// The canceller waits in Cancel, unless that Cancel has been cut
		// short (it has been cancelled itself while s unwound, even if its
		// own deferred call now waits, or it has ended) or has returned:
		// then s ends as if it had returned, as it does after SafeCancel,
		// which has no canceller. (Only a canceller suspended in Cancel
		// has cancelWait set: an interrupt clears it.)
		next = canceller
	case s.onExit != nil:
		next = h.callOnExit(s)
		if next != nil && (next.status == StatusDone || next.status == StatusRunning || !next.claim(h)) {
			h.recordPanic(s, fmt.Sprintf("state: OnExit of %q chose context %q, which cannot be resumed (%v)", s.desc, next.desc, next.status), debug.Stack())
			next = h.main
		}
	}
	if next == nil {
		next = h.main
	}
	if next.status == StatusNew {
		if err := h.enter(next, s); err != nil {
			// next stays new; main, which has a stack, ends the host
			// with err as a panic that escaped next.
			h.recordPanic(next, err, nil)
			next = h.main
		}
	}
	next.status = StatusRunning
	h.current = next
	return next
}

// callOnExit returns the context s's OnExit picks. A panic in it escapes
// s, whose fn is over: it is recorded for main, which resumes.
func (h *host) callOnExit(s *State) (next *State) {
	defer func() {
		if p := recover(); p != nil {
			h.recordPanic(s, p, trimChain(debug.Stack()))
			next = h.main
		}
	}()
	return s.onExit()
}

// enter makes s, a new context of h, live, while running runs. On the
// turbo engine s first gets a stack of its own; when there is no room for
// it, enter fails and nothing changes.
func (h *host) enter(s, running *State) error {
	if turboOn {
		if err := h.tb.newContext(s, running.tc); err != nil {
			return err
		}
	} else {
		startPortable(s)
	}
	h.live.PushBack(s, liveLinks)
	return nil
}

func (h *host) recordPanic(s *State, v any, stack []byte) {
	if h.abort == nil { // the first panic wins; later ones happen while unwinding for it
		h.abort = &PanicError{Value: v, Desc: s.desc, Stack: stack}
		h.main.pending = true
	}
}

// close cancels the contexts left when the main context returns or panics,
// in the order they were first entered. It returns the panic that escaped
// a context and that main has not raised: one held by Uninterrupted when
// main ended, or one that escaped while close ran, which waits for close
// to end so that every context is cancelled.
func (h *host) close() *PanicError {
	h.main.held++
	for s := h.live.Front(); s != nil; s = h.live.Front() {
		if s.cancelling {
			// An earlier Cancel unwinds s, whose deferred call switched
			// and waits, as may its canceller. Nothing else will resume
			// it now: this Cancel takes over and cuts that call short.
			s.cancelling, s.unwinding = false, false
		}
		s.Cancel()
	}
	h.closed = true
	h.main.held--
	pe := h.abort
	h.abort = nil
	return pe
}

func liveLinks(s *State) *ilist.Links[State] { return &s.live }
