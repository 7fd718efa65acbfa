//go:build go1.26 && !go1.27 && linux && (amd64 || arm64)

package state

import (
	"fmt"
	"sync"
	"unsafe"

	"golang.org/x/sys/unix"
)

// A context that overflows its stack runs into the guard page below it.
// The runtime would treat the fault as a bad memory access in Go code and
// push a call to its panic code onto the same exhausted stack, which
// faults again inside the signal handler, and the kernel kills the
// process without a word. So while turbo hosts exist, SIGSEGV first goes
// to segvHandler (turbo_<arch>.s), which names the context and exits with
// status 2, and passes every other fault on to the runtime's handler.
//
// The runtime's own stack check cannot do this job: it compares against
// g.stackguard0, which the runtime recomputes from g.stack.lo whenever the
// goroutine is rescheduled or returns from a syscall, and on the arena
// g.stack.lo is 4 GiB below the running slot (chain.go). A frame larger
// than the guard page can step over it; Go functions rarely have frames
// over 4 KiB, but a context that declares large arrays on its stack can.

// The message, around the context's description. The part after it says
// the stack's size; the handler takes it from the context (tctx.overflow),
// or the default size's when the faulting slot has no context.
var (
	overflowBefore = "coro: stack overflow in context \""
	overflowAfter1 = overflowText(1)
)

// overflowAfter is the message after the description for a stack of k
// chunks.
func overflowAfter(k int) string {
	if k == 1 {
		return overflowAfter1 // the default size: made once
	}
	return overflowText(k)
}

func overflowText(k int) string {
	return fmt.Sprintf("\": its stack is %d KiB, of which %d KiB guard page; the process ends\n", k*chunk>>10, pageSize>>10)
}

// Read by segvHandler; written once, before the handler is installed.
var oldSegvHandler uintptr

// arenaHostsLen is len(arenaHosts), for segvHandler.
const arenaHostsLen = len(arenaHosts)

// sigaction is the kernel's struct sigaction on linux/amd64 and arm64.
type sigaction struct {
	handler  uintptr
	flags    uint64
	restorer uintptr
	mask     uint64
}

var segvOnce sync.Once

// installSegvHandler puts segvHandler in front of the runtime's SIGSEGV
// handler, keeping the runtime's flags, mask and restorer. The runtime
// never reinstalls it: SIGSEGV is not a signal os/signal can take over.
func installSegvHandler() {
	segvOnce.Do(func() {
		var old sigaction
		if _, _, e := unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(unix.SIGSEGV), 0, uintptr(unsafe.Pointer(&old)), 8, 0, 0); e != 0 {
			panic(fmt.Sprintf("state: read the SIGSEGV handler: %v", e))
		}
		oldSegvHandler = old.handler
		nu := old
		nu.handler = segvHandlerPC()
		if _, _, e := unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(unix.SIGSEGV), uintptr(unsafe.Pointer(&nu)), 0, 8, 0, 0); e != 0 {
			panic(fmt.Sprintf("state: install the stack overflow handler: %v", e))
		}
	})
}

func segvHandler()

func segvHandlerPC() uintptr { return codePCs[3] }
