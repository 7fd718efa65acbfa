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

// A suspended context keeps four words just below its SP, which points
// at the return address into the frame that asked for the switch:
//
//	SP-32  swapFrame's PC, where the fine hop leads (from the relay, or
//	       straight from the link below: a direct hop, chain.go)
//	SP-24  a hop of overSpan, whose frame holds swapFrame's arguments
//	SP-16  d: the context's defer chain
//	SP-8   p: its panic record
//
// so the unwinder meets swapFrame, whose arguments d and p are, then the
// caller's frame.
const overSpan = 16

// newFrame builds, around the link word at the top of t's slot, the words
// of a new context suspended as if it had switched from contextEntry: the
// return address into contextEntry, with the link word above it and t
// above that (turboRun's argument), and below it d, the defer chain, which
// is the sentinel alone, and p, nil.
func newFrame(t *tctx) {
	x := t.link() - 8
	words := (*[3]uintptr)(ptr(x))
	words[0] = contextEntryPC()
	words[2] = uintptr(unsafe.Pointer(t))
	below := (*[2]uintptr)(ptr(x - 16))
	below[0], below[1] = t.sentinel, 0
	t.s.sp = x
}

// suspended writes the hops that lead the chain from t's relay word to
// where t is suspended, as suspend does on every switch: swapFrame's PC and
// the hop over its arguments below t's SP, the first reached by a fine
// hop when it is within the fine table's reach, as it always is on a stack
// of one chunk; otherwise by a coarse hop to a word on the unused part of
// the stack below, and a fine hop from there.
func suspended(t *tctx) {
	w := t.s.sp - 32
	*(*[2]uintptr)(ptr(w)) = [2]uintptr{swapFramePC(), hopFinePC(overSpan)}
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

// writeEntry writes v, which leads to a relay word or the chain's end,
// into entry word w.
func writeEntry(w, v uintptr) { *(*uintptr)(ptr(w)) = v }

// head is the first defer record of suspended context t: d, below its SP.
func head(t *tctx) uintptr { return *(*uintptr)(ptr(t.s.sp - 16)) }

// fineFuncShift turns a fine hop's delta into its function's index, for
// suspend (chain.go checks it).
const fineFuncShift = 7

var _ [0]struct{} = [hopFineO]struct{}{} // suspend's fine index is delta/hopFineS
