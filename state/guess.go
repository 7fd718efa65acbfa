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
// caller is that context's goroutine. Running guesses too.
//
// The proof needs one word of that goroutine's g, its stack's top (hi),
// read once: some stack the goroutine has had, whose top 2 KiB (no stack
// is smaller) are that goroutine's alone. A goroutine whose stack pointer
// lies there is the goroutine itself; any other's stack is elsewhere, even
// if it has the memory of a stack the goroutine had before: the runtime
// hands that memory on only after it has stored the newer top, so that
// goroutine reads the newer one. Two words (lo and hi) could be read from
// different stacks of a goroutine that moves its stack meanwhile, and
// bound memory that is neither. The guess is not taken under -race, where
// the reads from another goroutine that it makes would be reported.

// guessStack bounds how far below its stack's top a caller may be for the
// guess to be taken (deeper ones use the table): the smallest stack the
// runtime makes (fixedStack on Linux; it never shrinks one below that).
const guessStack = 2048

// lastHost is the portable host that started last and has not ended.
var lastHost atomic.Pointer[host]

func hostStarted(h *host) { lastHost.Store(h) }

func hostEnded(h *host) { lastHost.CompareAndSwap(h, nil) }

// runningGuess returns the running context of lastHost and its goroutine
// if the calling goroutine is that goroutine, or nil when it cannot tell.
// It inlines into depart.
func runningGuess() (*State, unsafe.Pointer) {
	h := lastHost.Load()
	if h == nil {
		return nil, nil
	}
	// Unless the caller runs h, these race with h's own switches: they
	// find some context of h, or nil, and the stack test rejects it.
	s := h.current
	if s == nil || s.pt.g == nil {
		return nil, nil
	}
	g := s.pt.g
	var mark byte // its address is the caller's stack pointer, near enough
	sp := uintptr(unsafe.Pointer(&mark))
	if hi := *(*uintptr)(unsafe.Add(g, gStackHi)); sp >= hi || sp < hi-guessStack {
		return nil, nil
	}
	return s, g
}
