package state

import (
	"iter"
	"runtime"
	"unsafe"
)

// The portable engine runs every context on a goroutine of its own and
// passes control with the runtime's coroutine switch, reached through
// iter.Pull (the runtime lets no other package link to it).
//
// The runtime's switch is symmetric: coroswitch(c) parks the calling
// goroutine in c and runs the goroutine that was parked there. iter.Pull
// wraps it in next and yield, which differ only in bookkeeping, and either
// may be called from any goroutine. So every Pull is a slot holding
// exactly one parked goroutine, and a transfer from A to B is one switch:
// A calls next or yield on the slot where B is parked and is left parked
// there itself. Which of the two to call depends only on how the parked
// goroutine entered the slot (inNext), because Pull insists they alternate.
//
// A context's own slot dies with its goroutine, and the runtime then
// resumes whichever goroutine was parked in it. That goroutine is rarely
// the one the ending context wants to resume, so the ender leaves a relay
// and the woken goroutine passes control on (relayHandoff).

// slot is one iter.Pull: a place where exactly one goroutine is parked
// while the slot's own goroutine is alive.
type slot struct {
	next  func() (struct{}, bool)
	yield func(struct{}) bool
	// inNext is true when the parked goroutine entered through next and so
	// must be resumed through yield; false when it entered through yield or
	// is the slot's own goroutine waiting to start.
	inNext bool
	// occupant is the context parked here; nil for a relay goroutine.
	occupant *State
}

// portableEngine is the engine interface of the portable engine.
type portableEngine struct{ why EngineInfo }

func (e portableEngine) info() EngineInfo { return e.why }

// stack reads the context's goroutine; every context has its own.
func (portableEngine) stack(s *State) (size int, goid uint64, ok bool) {
	if s.pt.g == nil || s.status == StatusDone || !gKnown {
		return 0, 0, false
	}
	return int(stackSize(s.pt.g)), goroutineID(s.pt.g), true
}

// portable is a context's engine state.
type portable struct {
	g   unsafe.Pointer // the goroutine running the context, once entered
	own slot           // the Pull whose goroutine runs this context; unused for main
	at  *slot          // while suspended, where this context's goroutine is parked; nil until first entered
}

type relayKind uint8

const (
	relayNone        relayKind = iota
	relayHandoff               // the woken goroutine is not the target: pass control to relay.to
	relayWakeExiting           // park in relay.via through yield, waking the exiting context parked there
)

// relay is an instruction to the goroutine the runtime wakes when a
// context's goroutine ends. There is at most one in flight per host.
type relay struct {
	kind relayKind
	to   *State
	via  *slot
}

// swap parks the calling goroutine in sl and runs the goroutine parked there.
func (sl *slot) swap() { sl.switcher()() }

// switcher returns the call that makes swap's switch. Transfer makes the
// call itself, so that no frame of this package lies across the switch.
func (sl *slot) switcher() func() bool {
	// next returns (struct{}, bool) and yield takes a struct{}, which
	// occupies no register or stack word: to the ABI both are closure calls
	// with no arguments and one bool result.
	if sl.inNext {
		sl.inNext = false
		return *(*func() bool)(unsafe.Pointer(&sl.yield))
	}
	sl.inNext = true
	return *(*func() bool)(unsafe.Pointer(&sl.next))
}

// moveInto records that from's goroutine is about to park in the slot
// where to's is parked; the caller then swaps.
func moveInto(from, to *State) *slot {
	sl := to.pt.at
	sl.occupant = from
	from.pt.at = sl
	return sl
}

// followRelays runs in a goroutine that has just been resumed, and carries
// out whatever the ending context it was parked behind asked of it.
func followRelays(self *State) {
	h := self.h
	for h.relay.kind != relayNone {
		r := h.relay
		h.relay = relay{}
		switch r.kind {
		case relayHandoff:
			moveInto(self, r.to)
		case relayWakeExiting:
			r.via.occupant = self
			self.pt.at = r.via
		}
		self.pt.at.swap()
	}
}

func startPortable(s *State) {
	s.pt.own.next, _ = iter.Pull(func(yield func(struct{}) bool) {
		s.pt.own.yield = yield
		s.run()
	})
	s.pt.at = &s.pt.own
}

// run is the body of a context's goroutine.
func (s *State) run() {
	h := s.h
	g := getg()
	s.pt.g = g
	hosts.store(uintptr(g), s)
	returned := false
	defer func() {
		// Every way fn can end passes here: return, a recovered panic, or
		// runtime.Goexit (Cancel, or fn's own), which alone keeps runBody
		// from returning, even when a panic that bodyEnded recovered
		// interrupted it (a deferred call panicked while fn unwound).
		goexit := !returned
		// A context may end holding runtime.LockOSThread, as a goroutine
		// may; the runtime's switch out of its goroutine must find the
		// thread locked as the host's is, or it throws.
		for threadLocks(g)>>32 > h.locks>>32 {
			runtime.UnlockOSThread()
		}
		// Until it is gone the goroutine still runs s, as the turbo host
		// does: OnExit, and what it calls, finds s as the running context.
		next := h.finish(s)
		hosts.store(uintptr(g), nil)
		exitPortable(s, next, goexit)
	}()
	h.runBody(s)
	returned = true
}

// exitPortable arranges for next to run once s's goroutine ends, which it
// does as soon as exitPortable returns. The runtime then wakes the
// goroutine parked in s's slot.
func exitPortable(s, next *State, goexit bool) {
	own := &s.pt.own
	if goexit && own.inNext {
		// Pull would re-raise our Goexit in the goroutine parked in next. Make a
		// relay goroutine take its place through yield, and leave through that.
		wakeThroughRelay(s)
	}
	if own.occupant != next {
		s.h.relay = relay{kind: relayHandoff, to: next}
		own.occupant.pending = true
	}
}

// wakeThroughRelay replaces the goroutine parked in s's slot through next
// (u) by a fresh relay goroutine parked through yield, so that s can end
// with runtime.Goexit without Pull re-raising it in u:
//
//	s starts relay r, parking in r's slot through next
//	r parks in s's slot through yield, waking u (in next there)
//	u, told by relayWakeExiting, parks in r's slot through yield, waking s
//	s ends; the runtime wakes r, which returns; the runtime wakes u.
func wakeThroughRelay(s *State) {
	own := &s.pt.own
	u := own.occupant
	var r slot
	r.next, _ = iter.Pull(func(yield func(struct{}) bool) {
		r.yield = yield
		own.occupant = nil
		s.h.relay = relay{kind: relayWakeExiting, via: &r}
		u.pending = true
		own.swap() // own.inNext: parks through yield, u resumes in followRelays
	})
	r.occupant = nil
	r.swap() // r is new, so this is next: s parks in r; u puts it back
	// u now waits in r through yield and r in our slot through yield: ending
	// wakes r, whose return wakes u. u is the occupant that matters now.
	own.occupant = u
}
