package state

import (
	"fmt"
	"unsafe"
)

// The switch path. After a stack switch every return mispredicts, until
// the resumed side has returned past the frames that were live when it
// suspended; on the portable engine each such frame costs about a third
// of the runtime's switch itself. So the path keeps frames out of the way:
// Transfer and Switch inline into their callers together with the call
// that switches, and the bookkeeping runs in calls that return before the
// switch (depart) or are made after it (arrive).
//
// Both are shaped for the inliner: calling an ordinary function costs 57
// of its budget of 80, calling a function that is a parameter costs 17. So
// each passes depart and arrive to a small body that calls them, and the
// body and the entry point both fit. Once that body is inlined, the
// parameter is a known function, and arrive, being small, is inlined in
// turn. TestSwitchInlines holds this in place. (Transfer's depart is a
// variable, departFn, to be assembly on the turbo engine; Switch's stays
// the known function, so that escape analysis sees that pick does not
// escape, and a pick that is a closure is not allocated.)

// Transfer suspends s, which must be the running context, and resumes to
// ($from->transfer($to)). It returns when another context transfers back
// to s. Transferring to a finished context or to one of another host
// panics, as does calling Transfer on a context that is not running, or
// from any code but the context's own (another goroutine);
// transferring to s itself does nothing.
//
// If the context is cancelled while suspended, Transfer does not return:
// the context unwinds as if runtime.Goexit had been called.
func (s *State) Transfer(to *State) { transferVia(s, to, departFn, arrive) }

// Switch is Transfer for schedulers: it calls pick with the running
// context of the calling goroutine's host, then transfers from that
// context to the one pick returns exactly as Transfer does. In a goroutine
// that belongs to no host pick gets nil and should panic with the
// scheduler's own message; if it returns, Switch panics. A scheduler
// operation written as func() { state.Switch(pickNext) } inlines into its
// caller, so it adds no frame that the switch has to return through; one
// that calls Transfer itself does.
func Switch(pick func(from *State) (to *State)) { switchVia(pick, depart, arrive) }

// departFunc is depart's type.
type departFunc = func(s, to *State, pick func(*State) *State) (*State, func() bool)

// departFn is depart, or on the turbo engine departTurbo (turbo_<arch>.s),
// which makes a plain switch without Go code and leaves the rest to
// depart: departGo, a func value the assembly can jump to. startTurbo
// sets departFn once, at start-up.
var departFn, departGo departFunc = depart, depart

func transferVia(s, to *State, depart departFunc, arrive func(*State)) {
	_, sw := depart(s, to, nil)
	park(sw)
	arrive(s)
}

func switchVia(pick func(*State) *State, depart departFunc, arrive func(*State)) {
	from, sw := depart(nil, nil, pick)
	turn(sw)
	arrive(from)
}

// park makes the switch that depart prepared for Transfer; it returns when
// the calling context is resumed. There is none when departTurbo has made
// the switch itself: then it has returned a nil sw, and only once the
// calling context was resumed.
func park(sw func() bool) {
	if sw != nil {
		sw()
	}
}

// turn is park for Switch, for which depart always returns a switch to
// make, so the test would only take from Switch's inlining budget.
func turn(sw func() bool) { sw() }

// stay is depart's switch when no switch is left to make: the transfer is
// to the running context.
func stay() bool { return true }

// depart checks a transfer from s to to, makes to the running context and
// returns s and the call that suspends s and runs to. For Switch, s and to
// are nil and pick is not: depart looks up the running context, s, and
// asks pick for to. Each engine has its own path, so that the turbo one
// keeps no goroutine pointer live across pick and tests turboOn once.
//
// On the turbo engine the assembly does the checks and the commit of a
// plain switch: for Switch, depart only picks and returns switchTurbo's
// call (turner); Transfer calls departTurbo, which comes here only with a
// switch it cannot make, as does switchTurbo (switchSlow).
func depart(s, to *State, pick func(*State) *State) (*State, func() bool) {
	if turboOn {
		if pick != nil {
			s = runningTurbo()
			// Before pick, whose choice (a coroutine taken off its
			// queue) a refused switch would lose. The caller runs on s's
			// stack, so it is s's host goroutine, s.pt.g: one load, where
			// getg is a call.
			if s != nil && inCgoCallback(s.pt.g) {
				panicInCgoCallback(s)
			}
			to = pick(s)
			mustRun(s)
			return s, s.h.tb.turner(s, to)
		}
		if to != s && inCgoCallback(getg()) {
			panicInCgoCallback(s)
		}
		h := s.h
		if (!plainSwitch(h, s, to) || turboHost() != h) && !s.prepare(to) {
			return s, stay
		}
		commit(h, s, to)
		switchLabels(s.pt.g, s.tc, to.tc)
		// park calls swap from the frame Transfer or Switch is inlined in,
		// and swap resumes to by jumping into the frame it called swap from.
		return s, h.tb.switcher(s.tc, to.tc)
	}
	var g unsafe.Pointer // the calling goroutine, needed twice
	if pick != nil {
		// Running's choice, written out: as a call, Running costs a
		// Switch 4 ns and gets g again. Only the guess and the look in
		// near are inlined; a goroutine near does not hold searches the
		// table.
		if s, g = runningGuess(); s == nil {
			g = getg()
			var cached bool
			if s, cached = hosts.cached(uintptr(g)); !cached {
				s = hosts.load(uintptr(g))
			}
		}
	} else if guessed, gg := runningGuess(); guessed == s {
		g = gg // the guess proves the caller is s's goroutine
	} else {
		g = getg() // s's goroutine deeper down, or another (prepare panics)
	}
	// Only the runtime's coroutine switch cares which thread a goroutine
	// is locked to. The counts are 0 unless g is locked, which g itself
	// tells with one load; the counts are on its M, two loads away. This
	// comes before pick, whose choice (a coroutine taken off its queue) a
	// refused switch would lose, and before prepare, which may start to's
	// goroutine: one started from a locked goroutine takes that lock for
	// every switch into it. (s is nil only for a Switch outside a host,
	// whose pick panics.)
	if s != nil {
		if h := s.h; h != nil && (h.locks != 0 || lockedToThread(g)) && threadLocks(g) != h.locks {
			panicThreadLocked(s)
		}
	}
	if pick != nil {
		to = pick(s)
		mustRun(s)
	}
	h := s.h
	// For Transfer, runsHere written out with g.
	if (!plainSwitch(h, s, to) || pick == nil && g != s.pt.g) && !s.prepare(to) {
		return s, stay
	}
	commit(h, s, to)
	// The portable engine parks in the slot where to's goroutine is parked.
	return s, moveInto(s, to).switcher()
}

// runsHere reports whether the calling goroutine runs s, the running
// context of its host: on the turbo engine, whether the caller is on the
// arena of s's host; on the portable engine, whether it is s's goroutine.
func (s *State) runsHere() bool {
	if turboOn {
		return turboHost() == s.h
	}
	return getg() == s.pt.g
}

// mustRun panics when Switch found no running context: it was called
// outside a host.
func mustRun(s *State) {
	if s == nil {
		panic("state: Switch called outside a host; start one with state.Run")
	}
}

// plainSwitch reports whether a transfer from s to to is a plain switch:
// h, s's host, runs s, and to is one of its suspended contexts. (While s
// ends, h.current is s and s is done: its OnExit runs.) Anything
// else is prepare's to check; when prepare lets the transfer go on, h is
// still s's host. Whether the caller is s is Switch's to know (it found
// s by the caller) and runsHere's for Transfer.
func plainSwitch(h *host, s, to *State) bool {
	return h != nil && h.current == s && s.status == StatusRunning && to.h == h && to.status == StatusSuspended
}

// commit makes to the running context of h in s's place.
func commit(h *host, s, to *State) {
	s.status = StatusSuspended
	to.status = StatusRunning
	h.current = to
}

// panicInCgoCallback is depart's panic on the turbo engine for a context
// that switches inside a cgo callback. The C frames of a callback lie on
// the thread's system stack, below those of any callback made earlier;
// they must return in the order they were made, which a context resumed
// out of turn would break (the runtime dies: "syscall frame is no longer
// valid"). Out of line for the reason panicThreadLocked is.
//
//go:noinline
func panicInCgoCallback(s *State) {
	panic(fmt.Sprintf("state: Transfer from context %q inside a cgo callback; return from the callback before switching", s.desc))
}

// panicThreadLocked is depart's panic for a context that switches while
// locked to its thread. Formatting the message in depart would give
// depart's frame, which every suspended turbo context has, a stack object
// (Sprintf's arguments) for each collection to index; so it is kept out,
// and out of line.
//
//go:noinline
func panicThreadLocked(s *State) {
	panic(fmt.Sprintf("state: Transfer from context %q while it holds runtime.LockOSThread (or is inside a cgo callback) that the host did not hold at Run; unlock before switching", s.desc))
}

// arrive runs in s as soon as it is resumed: whoever resumed s has already
// made it the running context. It inlines where the switch does, so a
// resume with nothing pending costs one test.
func arrive(s *State) {
	if s.pending {
		arrivePending(s)
	}
}

// arrivePending does what whoever set s.pending asked of s. Until it
// returns normally s.pending stays set, so a context that resumes while
// unwinding (a deferred call that switches) looks again.
func arrivePending(s *State) {
	h := s.h
	if h.relay.kind != relayNone {
		followRelays(s)
	}
	if s.held > 0 {
		return // s.pending stays set: the first resume after Uninterrupted sees to it
	}
	if s.cancelling || s.raise != nil || h.abort != nil {
		h.resumeInterrupted(s)
	}
	s.pending = false
}

// prepare checks a transfer that is not a plain switch between suspended
// contexts of one host: it enters a new context in the host, on the turbo
// engine with a stack of its own, or panics on misuse or when the stack
// has no room. It reports false for a transfer to the running context
// itself.
func (s *State) prepare(to *State) bool {
	h := s.h
	if h == nil || h.current != s {
		panic(fmt.Sprintf("state: Transfer from context %q, which is not running (status %v)", s.desc, s.status))
	}
	if s.status == StatusDone {
		// s is the context that is ending: its OnExit, or what that calls
		// (a scheduler's idle hook), asked for a switch, which would leave
		// s's goroutine or stack behind for good.
		panic(fmt.Sprintf("state: Transfer from context %q, which has ended; its OnExit must return the context to resume, not switch", s.desc))
	}
	if !s.runsHere() {
		panic(fmt.Sprintf("state: Transfer from context %q called on a goroutine that does not run it; only the context itself can transfer", s.desc))
	}
	h.bind(to)
	switch to.status {
	case StatusNew:
		if err := h.enter(to, s); err != nil {
			panic(err) // to stays new, and s goes on, panicking
		}
	case StatusDone:
		panic(fmt.Sprintf("state: Transfer to finished context %q", to.desc))
	case StatusRunning:
		return false // to == s
	}
	return true
}
