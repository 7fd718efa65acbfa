package state

import (
	"bytes"
	"runtime"
	"strconv"
)

// StackSize returns the bytes of stack the context's goroutine has, or 0
// for a context that is new, finished, or on a Go version whose runtime
// layout this package does not know.
func (s *State) StackSize() int {
	size, _, _ := eng.stack(s)
	return size
}

// OffHeapStacks reports the bytes of memory that context stacks hold
// outside the Go runtime: on the turbo engine, the committed pages of the
// hosts' arenas (runtime.MemStats does not count them); 0 on the portable
// engine, whose stacks are goroutine stacks.
func OffHeapStacks() uint64 { return arenaBytes() }

// Tracebacks returns the goroutine traceback of each context, in
// runtime.Stack's format, or "" for a context without one (new, finished,
// or an unknown runtime layout). It stops the world briefly, like
// runtime.Stack with all set: it is for diagnostics, not for hot paths.
// On the turbo engine, where a host's contexts share its goroutine, each
// context gets its own frames, and only the host's own contexts can be
// read, from inside it.
func Tracebacks(ctxs []*State) []string {
	if turboOn {
		return turboTracebacks(ctxs)
	}
	out := make([]string, len(ctxs))
	buf := make([]byte, 1<<16)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	byID := make(map[uint64][]byte)
	for _, block := range bytes.Split(buf, []byte("\n\n")) {
		// "goroutine 7 [coroutine]:\n..."
		header, _, _ := bytes.Cut(block, []byte(" ["))
		id, err := strconv.ParseUint(string(bytes.TrimPrefix(header, []byte("goroutine "))), 10, 64)
		if err == nil {
			byID[id] = block
		}
	}
	for i, s := range ctxs {
		if _, id, ok := eng.stack(s); ok {
			out[i] = string(byID[id])
		}
	}
	return out
}
