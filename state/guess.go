//go:build go1.26 && !go1.27 && !race

package state

import (
	"sync/atomic"
	"unsafe"
)

// The portable Switch must find the running context of its caller's host.
// The sure way is the goroutine table, keyed by the caller's g, which Go
// code reaches only through an assembly call (getg); around it the
// compiler spills registers, then reloads the g register and zeroes X15,
// and all told that costs a Cede about 2 ns, a fifteenth of the runtime's
// switch. So Switch guesses first: the running context of the host that
// started last, taken only when the caller's stack pointer proves the
// caller is that context's goroutine. Running and Transfer guess too.
//
// The proof reads one word of that goroutine's g, its stack's top (hi),
// once, and accepts a caller in the top 2 KiB below it (no stack is
// smaller). The goroutine itself passes. Another goroutine P could pass
// only if its stack were memory the goroutine had before; but P got that
// memory after the runtime freed it, which it does only after storing the
// top of the goroutine's new stack (copystack), or after the goroutine
// exited, which comes after h.current names another context, or, for
// main, after Run has cleared lastHost. P reads after all that,
// so it reads the newer state, which does not lead to its own stack. Two
// words (lo and hi) could come from different stacks of a goroutine that
// moves its stack meanwhile, and bound memory that is neither. The guess
// is not taken under -race, where the reads from another goroutine that
// it makes would be reported.

// guessStack bounds how far below its stack's top a caller may be for the
// guess to be taken (deeper ones use the table): the smallest stack the
// runtime makes (fixedStack on Linux; it never shrinks one below that).
const guessStack = 2048

// lastHost is the portable host that started last and has not ended;
// Run clears it before its goroutine can exit, even when it panics.
var lastHost atomic.Pointer[host]

func hostStarted(h *host) { lastHost.Store(h) }

func hostEnded(h *host) { lastHost.CompareAndSwap(h, nil) }

// runningGuess returns the running context of lastHost and its goroutine
// if the calling goroutine is that goroutine, or nil when it cannot tell.
// It inlines into depart.
func runningGuess() (*State, unsafe.Pointer) {
	// Unless the caller runs h, these race with h's own switches: they
	// find some context of h, or nil, and onStackTop rejects it.
	if h := lastHost.Load(); h != nil {
		if s := h.current; s != nil && onStackTop(s.pt.g) {
			return s, s.pt.g // written once, before s first ran
		}
	}
	return nil, nil
}

// onStackTop reports whether the caller is goroutine g (nil for none) and
// within guessStack of its stack's top; false means it cannot tell. g must
// be the goroutine of a context the caller found as h.current of lastHost
// (see above): a goroutine that has exited may have left its stack to the
// caller, and the runtime frees a stack before it clears hi.
func onStackTop(g unsafe.Pointer) bool {
	if g == nil {
		return false
	}
	var mark byte // its address is the caller's stack pointer, near enough
	sp := uintptr(unsafe.Pointer(&mark))
	hi := *(*uintptr)(unsafe.Add(g, gStackHi))
	return sp < hi && sp >= hi-guessStack
}
