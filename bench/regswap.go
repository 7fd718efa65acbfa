package bench

import (
	"runtime"
	"testing"
	"unsafe"
)

// regSwapRounds makes n round trips between the caller's stack and a
// second stack whose top is top, switching with nothing but a call, a
// stack-pointer swap and a return on each side (regswap_*.s). It is the
// floor any stack-switching coroutine pays, the baseline of the turbo
// engine's target. No Go code runs on the second stack.
func regSwapRounds(n int, top unsafe.Pointer)

// RegSwapRoundTrip: the bare register swap, for comparison.
func RegSwapRoundTrip(b *testing.B) {
	stack := make([]uint64, 64) // the other side pushes one word at most
	end := uintptr(unsafe.Pointer(unsafe.SliceData(stack))) + uintptr(len(stack)-2)*8
	top := unsafe.Add(unsafe.Pointer(unsafe.SliceData(stack)), end&^15-uintptr(unsafe.Pointer(unsafe.SliceData(stack)))) // 16-byte aligned, as arm64 requires
	b.ResetTimer()
	regSwapRounds(b.N, top)
	runtime.KeepAlive(stack)
}
