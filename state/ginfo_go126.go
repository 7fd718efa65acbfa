//go:build go1.26 && !go1.27

package state

import "unsafe"

// Offsets of runtime.g fields in Go 1.26, the same on amd64 and arm64.
// TestGOffsets checks them against the DWARF of the test binary.
const (
	gStackLo = 0   // g.stack.lo
	gStackHi = 8   // g.stack.hi
	gGuard0  = 16  // g.stackguard0
	gPanic   = 32  // g._panic
	gDefer   = 40  // g._defer
	gTopSP   = 128 // g.stktopsp
	gGoid    = 152 // g.goid
	gM       = 48  // g.m
	gLabels  = 352 // g.labels
	gLockedM = 208 // g.lockedm
	mLockExt = 648 // m.lockedExt
	mLockInt = 652 // m.lockedInt
	gKnown   = true

	// runtime._defer, whose records the turbo engine chains (chain.go)
	deferSP   = 8  // _defer.sp
	deferLink = 32 // _defer.link
	deferSize = 48
)

// stackSize is the size of the stack the runtime has given goroutine g.
// Reading another goroutine's g races only with the runtime resizing that
// stack, which a parked goroutine's never is except by the GC's shrinking:
// the value is then the old or the new size, both true at some point.
func stackSize(g unsafe.Pointer) uintptr {
	return *(*uintptr)(unsafe.Add(g, gStackHi)) - *(*uintptr)(unsafe.Add(g, gStackLo))
}

func goroutineID(g unsafe.Pointer) uint64 { return *(*uint64)(unsafe.Add(g, gGoid)) }

// threadLocks returns the thread-lock counts of the M running goroutine g,
// which must be the calling goroutine. The runtime's coroutine switch
// throws unless they are what they were when the target was created.
func threadLocks(g unsafe.Pointer) uint64 {
	m := *(*unsafe.Pointer)(unsafe.Add(g, gM))
	return uint64(*(*uint32)(unsafe.Add(m, mLockExt)))<<32 | uint64(*(*uint32)(unsafe.Add(m, mLockInt)))
}

// inCgoCallback reports whether goroutine g, the calling one, runs in a
// cgo callback, by its M's internal lock count, which the runtime raises
// for one (cgocallbackg) and which is 0 otherwise on a turbo host: the
// host is a goroutine of its own, whose thread lock, if any, is
// LockOSThread's (lockedExt).
func inCgoCallback(g unsafe.Pointer) bool { return uint32(threadLocks(g)) != 0 }

// lockedToThread reports whether goroutine g is locked to its thread
// (g.lockedm is set): only then can its M's lock counts be other than 0.
func lockedToThread(g unsafe.Pointer) bool { return *(*uintptr)(unsafe.Add(g, gLockedM)) != 0 }
