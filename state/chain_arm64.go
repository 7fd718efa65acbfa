//go:build go1.26 && !go1.27 && linux

package state

import "unsafe"

// The chain's words on arm64, a link-register machine. A frame's saved
// LR is its bottom word, and it holds the PC of the frame above: so the
// frame at S whose PC has pcsp delta d spans [S, S+d), the next frame
// starts at S+d, and the next frame's PC is the word at S. A word thus
// says what the frame after the one it sits in is, not where it starts.
//
// The chain keeps amd64's shape with that lag taken up by fixed words:
//
//   - a link word L is the bottom of a frame of linkSpan bytes (the
//     contextEntry frame at a slot's top, a rung's departure frame); the
//     word at L+linkSpan holds the PC of a 16-byte hop (relaySpan), so the
//     coarse hop in L spans [L+linkSpan, R) and lands on a relay word R
//     that starts a frame of relaySpan bytes;
//   - a relay word R holds a fine hop spanning [R+relaySpan, F), and the
//     word at R+relaySpan the PC of the frame at F: swapFrame's, where a
//     context is suspended, or a 48-byte hop, a rung's departure frame.
//
// So L and R alone change as on amd64, and suspend writes the word at
// R+relaySpan along with R. A direct hop (chain.go) makes L hold a fine hop
// spanning [L+linkSpan, F) and the word at L+linkSpan swapFrame's PC;
// whatever writes L's other values (writeEntry, resume) puts back the
// relay's there.

const (
	linkOff   = 64 // the link word is hi-linkOff: see newFrame
	linkSpan  = 48 // contextEntry's frame: the link word, t, and spare words up to L+linkSpan
	relaySpan = 16 // the frame at a relay word
)

// A suspended context keeps its last words just below its SP, where the
// switch left it, in two frames:
//
//	SP-48  swapFrame's 16 bytes; the saved LR is a hop of overSpan
//	SP-32  that hop's frame (t.s.sp): the saved LR is the return address
//	       into the caller, then d, the context's defer chain, and p, its
//	       panic record
//
// so the unwinder meets swapFrame, whose arguments d and p are, then the
// caller's frame.
const overSpan = 32

// newFrame builds, around the link word at the top of t's slot, the words
// of a new context suspended as if it had switched from contextEntry: the
// hop's frame returns into contextEntry with d the defer chain, which is
// the sentinel alone, and p nil. Above it is contextEntry's frame of
// linkSpan bytes, whose saved LR is the link word and whose next word is
// t, turboRun's argument; above that, the word that says the link leads
// to a relay.
func newFrame(t *tctx) {
	l := t.link()
	x := l - 32
	words := (*[3]uintptr)(ptr(x))
	words[0], words[1], words[2] = contextEntryPC(), t.sentinel, 0
	*(*uintptr)(ptr(l + 8)) = uintptr(unsafe.Pointer(t))
	*(*uintptr)(ptr(l + linkSpan)) = hopFinePC(relaySpan)
	t.s.sp = x
}

// suspended writes the hops that lead the chain from t's relay word to
// where t is suspended, as suspend does on every switch: a fine hop when
// swapFrame's frame is within the fine table's reach, as it always is on
// a stack of one chunk; otherwise a coarse hop to a word on the unused
// part of the stack below, which starts a relay's frame, and a fine hop
// from there.
func suspended(t *tctx) {
	sf := t.s.sp - 16 // swapFrame's frame
	*(*uintptr)(ptr(sf)) = hopFinePC(overSpan)
	relay := t.relay
	if d := sf - relay - relaySpan; d >= hopFineO+hopFineN*hopFineS {
		via := relay + relaySpan + hopCoarseO + (d-hopCoarseO-2*relaySpan)/chunk*chunk
		*(*uintptr)(ptr(relay)) = hopCoarsePC(via - relay - relaySpan)
		*(*uintptr)(ptr(relay + relaySpan)) = hopFinePC(relaySpan)
		relay = via
	}
	*(*uintptr)(ptr(relay)) = hopFinePC(sf - relay - relaySpan)
	*(*uintptr)(ptr(relay + relaySpan)) = swapFramePC()
}

// layRung writes the fixed words of rung q: its arrival word leads to its
// departure word, whose frame is a link's, and that leads to a relay.
func layRung(q uintptr) {
	in, out := rungIn(q), rungOut(q)
	*(*uintptr)(ptr(in)) = hopFinePC(out - in - relaySpan)
	*(*uintptr)(ptr(in + relaySpan)) = hopFinePC(linkSpan)
	*(*uintptr)(ptr(out + linkSpan)) = hopFinePC(relaySpan)
}

// writeEntry writes v, which leads to a relay word or the chain's end,
// into entry word w, and above it the PC of the relay's frame: a direct
// hop from w (suspend) has left swapFrame's there.
func writeEntry(w, v uintptr) {
	*(*uintptr)(ptr(w)) = v
	*(*uintptr)(ptr(w + linkSpan)) = hopFinePC(relaySpan)
}

// head is the first defer record of suspended context t: d, in the hop's
// frame below its SP.
func head(t *tctx) uintptr { return *(*uintptr)(ptr(t.s.sp + 8)) }

// For suspend, which computes hops itself: fineStepShift is log2 of the fine
// step, and fineFuncShift turns a fine hop's delta beyond the table's base
// into its function's index (chain.go checks it).
const (
	fineStepShift = 4
	fineFuncShift = 10
)

var (
	_ [0]struct{} = [hopFineS - 1<<fineStepShift]struct{}{} // fineStepShift is log2 of the fine step
	_ [0]struct{} = [hopFineO - relaySpan]struct{}{}        // the fine table starts at a relay's frame
)

// The word above the link frame is inside the slot.
var _ [linkOff - linkSpan - 8]struct{}
