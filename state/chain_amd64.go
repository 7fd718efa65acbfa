//go:build go1.26 && !go1.27 && linux

package state

import "unsafe"

// The chain's words on amd64. The unwinder reads a frame's return address
// just below the frame's top, so a word w holding a hop PC with pcsp
// delta d sends it straight to the word at w+8+d, which holds the next
// return address: every word of the chain decides the next one.

const (
	linkOff = 40 // the link word is hi-linkOff: see newFrame
	// linkSpan is what a hop from a link word spans besides its delta: the
	// word itself.
	linkSpan = 8
)

// newFrame builds, below the link word at the top of t's slot, the frame a
// new context is suspended in, as if in swap called from contextEntry:
// the return address into contextEntry, then swap's four arguments, the
// first of which is the link word, the second t, the third the defer
// chain, which is the sentinel alone.
func newFrame(t *tctx) {
	x := t.link() - 8
	words := (*[5]uintptr)(ptr(x))
	words[0] = contextEntryPC()
	words[2] = uintptr(unsafe.Pointer(t))
	words[3], words[4] = t.sentinel, 0
	t.sp = x
}

// suspended writes the hops that lead the chain from t's relay word to
// where t is suspended, as swap does on every switch: swapFrame's PC just
// below t's SP, reached by a fine hop when it is within the fine table's
// reach, as it always is on a stack of one chunk; otherwise by a coarse
// hop to a word on the unused part of the stack below, and a fine hop from
// there.
func suspended(t *tctx) {
	w := t.sp - 8
	*(*uintptr)(ptr(w)) = swapFramePC()
	relay := t.relay
	if d := w - relay - 8; d >= hopFineO+hopFineN*hopFineS {
		via := relay + 8 + hopCoarseO + (d-hopCoarseO-8)/chunk*chunk
		*(*uintptr)(ptr(relay)) = hopCoarsePC(via - relay - 8)
		relay = via
	}
	*(*uintptr)(ptr(relay)) = hopFinePC(w - relay - 8)
}

// layRung writes the fixed word of rung q: its arrival word leads to its
// departure word.
func layRung(q uintptr) {
	*(*uintptr)(ptr(rungIn(q))) = hopFinePC(rungOut(q) - rungIn(q) - 8)
}

// head is the first defer record of suspended context t: swap keeps it in
// its third argument, above its return address and two others.
func head(t *tctx) uintptr { return *(*uintptr)(ptr(t.sp + 24)) }

// fineFuncShift turns a fine hop's delta into its function's index, for
// swap (chain.go checks it).
const fineFuncShift = 7

var _ [0]struct{} = [hopFineO]struct{}{} // swap's fine index is delta/hopFineS
