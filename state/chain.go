//go:build go1.26 && !go1.27 && linux && (amd64 || arm64)

package state

import "unsafe"

// The frame chain keeps suspended stacks visible to the garbage collector.
//
// The GC scans a goroutine by unwinding from its stack pointer: each
// frame's size comes from the pcsp table of the function its return
// address is in, and the walk must end in a TOPFRAME function whose frame
// sits at g.stktopsp. A turbo host is one goroutine, so the walk starts on
// the running context; from there the chain leads it through every
// suspended context of the host and ends at arena.end.
//
// Links are fake return addresses into the hop tables (hops.go): a hop PC
// with pcsp delta d makes the unwinder see a frame of d bytes, after which
// it reads the next return address. Where it reads it depends on the
// machine (chain_<arch>.go), but on both a link word at the top of a slot
// leads to a relay word at the bottom of another, and a relay word to
// where its context is suspended. Deltas are never negative, so the chain
// only climbs. Stack objects must also be met in increasing order of their
// 32-bit offset from g.stack.lo, and pointers into a stack are recognised
// only above g.stack.lo. Both hold when g.stack.lo is the running slot's
// lo minus 4 GiB and the chain visits the slots above the running one in
// the real mapping, then those below it in the hi alias.
//
// So the chain is the circle of live slots in address order, entered at
// the running slot and cut just before it:
//
//	running -> its link -> next slot up ... -> max -> rungs -> min (hi alias)
//	        ... -> the slot below the running one -> end
//
// Each slot's top holds its link word; the link of every slot but the
// highest leads to the next slot's relay word (just above its guard page)
// with a coarse hop, and the relay leads to where that slot's context is
// suspended with a fine hop. The highest slot's link climbs the rungs. So
// which word decides whether the circle continues into slot X or stops at
// end is fixed by X's place: its predecessor's link, or the last rung's
// departure word when X is the lowest. tctx holds that word's address and
// its two values; a switch from A to B writes entryVal into A's word and
// endVal into B's word, and the fine hop into A's relay.
//
// When the predecessor's slot ends where X's begins, as it does while
// contexts start and end in turn, the predecessor's link is within a fine
// hop's reach of where X is suspended, and a suspending X writes that hop
// into it instead (hopWord): the relay word, a page away from the rest of
// X's frames, is then off the chain, and a collection reads one page of X
// and not two. Go code (enter, remove) writes only the relay's way,
// which always holds.

// The GC also scans the runtime's defer records by walking g._defer: a
// record on the stack has no pointer map of its own, so a suspended
// context's records would go unscanned. Each context's chain therefore
// ends in a sentinel record of its own, and the sentinels link the
// contexts' chains into one in the same circle, cut before the running
// context: its records, its sentinel, the next context's records, and so
// on, the last sentinel's link nil. The runtime pops only records whose
// sp is a frame's of the running context, and a sentinel's sp is its own
// address, no frame's, so it never runs or pops one. A switch from A to B
// writes A's chain head into the link that leads to A (dword) and nil
// into B's.
//
// The sentinels sit packed in an array of their own, above g.stack.hi
// (arena.sentinels). The GC walks the defer records after all the frames,
// so a sentinel at the top of its slot would cost a cache and TLB miss per
// context a second time, and a link into the stack's bounds a lookup among
// its stack objects (runtime.scanstack): 12-15% of the time of a
// collection with 10,000 suspended contexts.

// tctx is a context's turbo record. The assembly reads and writes it, so
// it holds no pointers the assembly writes: the GC never sees those
// writes, which have no write barrier.
type tctx struct {
	bp    uintptr // saved frame pointer
	relay uintptr // the relay word, just above the guard page
	gLo   uintptr // g.stack.lo while this context runs

	entryWord uintptr // the word that decides whether the chain enters this slot
	entryVal  uintptr // its value while this context is suspended: a hop to relay
	endVal    uintptr // its value while this context runs: a hop to end
	dword     uintptr // the sentinel link that leads to this context's defer chain

	// hopWord is where a fine hop to the context's SP can start: its
	// entry word, when that is the link of the slot just below, or else
	// its relay word. hopSP is where the context was last suspended with
	// such a hop, as the assembly measures its SP, and hopVal that hop
	// (suspend in turbo_<arch>.s); hopSP is 0 when there is none.
	hopWord, hopSP, hopVal uintptr

	top      uintptr // the top of the slot (StackSize)
	sentinel uintptr // the defer sentinel, in arena.sentinels
	slot     int     // the slot's first chunk
	s        *State
	// labels are the context's profiler labels while it is suspended
	// (switchLabels); nil while it runs, when they are the goroutine's.
	labels unsafe.Pointer
	// overflow is what segvHandler writes after the context's description
	// when it overflows: the stack's size.
	overflow string
}

// size is the bytes of t's slot, guard page included.
func (t *tctx) size() uintptr { return t.top - (t.relay - relayOff) }

// link is the address of t's link word.
func (t *tctx) link() uintptr { return t.top - linkOff }

// rung words: a coarse hop lands on a rung's relay-like word, and a fine
// hop takes the chain to its link-like word in the same chunk.
func rungIn(q uintptr) uintptr  { return q + relayOff }
func rungOut(q uintptr) uintptr { return q + chunk - linkOff }

// insert makes slot t, which is not running, a member of the circles.
// The GC may scan the host between any two of these steps, so t's own
// links are written before anything leads to t.
func (a *arena) insert(t *tctx, running *tctx) {
	a.setMember(t.slot, true)
	succ := a.nextMember(t.slot)
	if succ < 0 || succ < t.slot { // t is the highest slot
		// On the arena g.stack.hi covers t before anything leads there;
		// main, inserted before, gets it from enterArena.
		if running != nil {
			setStackHi(t.top)
		}
		a.climb(t)
	}
	if succ >= 0 {
		a.enter(a.owner(succ), running) // its entry words are t's links now
	}
	a.enter(t, running)
}

// remove takes the running context's slot out of the circles before it
// leaves it for good. The circles must keep their shape until the switch,
// so remove returns the words it changes and their new values, which
// exitSwap writes; all are zero when t was the only member, which only
// the main context, leaving last, can be. The values are those for a
// suspended successor: when the successor is the context exitSwap
// resumes, resume overwrites its entry word and its defer link, as it
// does for any context it resumes. They lead through the successor's relay
// word, which a direct hop may have left stale: remove writes it at once
// (suspended). When t was the highest slot, the stack's top (liveTop)
// drops below t, which exitSwap writes: t's SP must stay below
// g.stack.hi while t runs.
func (a *arena) remove(t *tctx) (frameWord, frameVal, deferWord, deferVal uintptr) {
	a.setMember(t.slot, false)
	succ, pred := a.nextMember(t.slot), a.prevMember(t.slot)
	if succ < 0 {
		return 0, 0, 0, 0
	}
	s := a.owner(succ)
	a.setEntry(s)
	suspended(s)
	if succ < t.slot { // t was the highest: pred's link now climbs
		frameWord, frameVal = a.climbing(a.owner(pred))
		return frameWord, frameVal, s.dword, head(s)
	}
	return s.entryWord, s.entryVal, s.dword, head(s)
}

// enter recomputes where the chains enter t and writes their current
// values: for a suspended t, the way through its relay word, which a
// direct hop may have left stale (suspended).
func (a *arena) enter(t *tctx, running *tctx) {
	a.setEntry(t)
	v, d := t.entryVal, uintptr(0)
	if t == running {
		v = t.endVal
	} else {
		suspended(t)
		d = head(t)
	}
	writeEntry(t.entryWord, v)
	*(*uintptr)(ptr(t.dword)) = d
}

// setEntry computes, from t's place in the circle, the words that lead
// the chains into t and their values.
func (a *arena) setEntry(t *tctx) {
	t.hopWord, t.hopSP = t.relay, 0
	pred := a.prevMember(t.slot)
	if pred < 0 {
		t.dword = t.sentinel + deferLink // alone: its own sentinel ends the chain
	} else {
		t.dword = a.owner(pred).sentinel + deferLink
	}
	lastRung := rungOut(a.rungs[len(a.rungs)-1])
	if pred < 0 || pred > t.slot { // t is the lowest: entered from the rungs
		t.entryWord = lastRung
		t.entryVal = coarseHop(lastRung, t.relay+aliasGap)
		t.endVal = coarseHop(lastRung, a.end)
		return
	}
	p := a.owner(pred)
	l := p.link()
	t.entryWord = l
	t.entryVal = coarseHop(l, t.relay)
	t.endVal = coarseHop(l+aliasGap, a.end) // pred is below the running t: hi alias
	if p.top == t.relay-relayOff {
		t.hopWord = l
	}
}

// climb makes t, now the highest slot, lead up the rungs.
func (a *arena) climb(t *tctx) {
	w, v := a.climbing(t)
	*(*uintptr)(ptr(w)) = v
}

// climbing returns t's link word and the value that makes it lead up the
// rungs, as the highest slot's does.
func (a *arena) climbing(t *tctx) (word, val uintptr) {
	return t.link(), coarseHop(t.link(), rungIn(a.rungs[0]))
}

// layRungs writes the fixed part of the chain: each rung's two words, and
// the chain's end.
func (a *arena) layRungs() {
	for k, q := range a.rungs {
		layRung(q)
		if k+1 < len(a.rungs) {
			*(*uintptr)(ptr(rungOut(q))) = coarseHop(rungOut(q), rungIn(a.rungs[k+1]))
		}
	}
	*(*uintptr)(ptr(a.end)) = chainEndPC()
}

// coarseHop returns the value of link word from (a slot's link, a rung's
// departure word) that leads the chain to relay word to (a slot's relay, a
// rung's arrival word, the chain's end).
func coarseHop(from, to uintptr) uintptr { return hopCoarsePC(to - from - linkSpan) }

// coarseFuncShift turns a coarse hop's entry index into its function's
// index, for suspend; fineFuncShift (chain_<arch>.go) does the same for a
// fine hop's delta.
const coarseFuncShift = 8

var (
	_ [0]struct{} = [hopFineF*hopFineS - 1<<fineFuncShift]struct{}{} // fineFuncShift is log2 of a function's span
	_ [0]struct{} = [hopCoarseF - 1<<coarseFuncShift]struct{}{}      // coarseFuncShift is log2 of a function's entries
	_ [0]struct{} = [hopCoarseS - chunk]struct{}{}                   // the coarse step is a chunk
	_ [0]struct{} = [hopFineN*hopFineS - chunk]struct{}{}            // a fine hop reaches across a chunk
	// A coarse hop from a link word reaches the relay of any slot above,
	// the relay being just above the guard page.
	_ [0]struct{} = [hopCoarseO - (pageSize + linkOff - linkSpan)]struct{}{}
)
