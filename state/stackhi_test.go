//go:build go1.26 && !go1.27 && linux && (amd64 || arm64)

package state

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"testing"
	"unsafe"
)

// stackHi is the calling goroutine's g.stack.hi.
func stackHi() uintptr { return *(*uintptr)(unsafe.Add(getg(), gStackHi)) }

// TestStackHiFollowsHighestSlot: while a host runs on its arena, the top
// of its goroutine's stack is the top of the highest live slot, seen from
// every context, as contexts start and end above and below the others.
func TestStackHiFollowsHighestSlot(t *testing.T) {
	if !turboOn {
		t.Skip("g.stack.hi is the turbo engine's to set; TestTurbo runs this again on it")
	}
	Run(func() {
		main := Current()
		check := func(when string, want *State) {
			t.Helper()
			if got := stackHi(); got != want.tc.top {
				t.Errorf("%s: g.stack.hi is %#x, want the top of %s's slot, %#x", when, got, want.desc, want.tc.top)
			}
		}
		check("main alone", main)
		var low, high *State
		high = New(func() {
			check("in high", high)
			high.Transfer(main)
		}, Desc("high"), StackSize(2*chunk))
		low = New(func() {
			check("in low, the highest", low)
			low.Transfer(high) // high starts in the slot above low's
			check("in low, high ended", low)
		}, Desc("low"))
		main.Transfer(low)
		check("in main, low and high suspended", high)
		main.Transfer(high) // high ends and resumes main
		check("in main, high ended", low)
		main.Transfer(low) // low ends
		check("in main, alone again", main)
	})
}

// TestHeapGoalIgnoresUnusedStack: the runtime counts g.stack.hi - SP of
// the host goroutine as stack to scan, and adds it to its next heap
// goal. With g.stack.hi at the top of the whole stack region, a host made
// the goal 1 GiB and let a program's garbage grow to hundreds of MiB
// before a collection.
func TestHeapGoalIgnoresUnusedStack(t *testing.T) {
	if !turboOn {
		t.Skip("the host's stack bounds are the turbo engine's; TestTurbo runs this again on it")
	}
	defer debug.SetGCPercent(debug.SetGCPercent(100)) // GOGC=off or 1 in the environment would decide the goal
	goal := []metrics.Sample{{Name: "/gc/heap/goal:bytes"}}
	Run(func() {
		main := Current()
		var ctx *State
		ctx = New(func() {
			for {
				ctx.Transfer(main)
			}
		})
		main.Transfer(ctx) // ctx's slot is above main's
		runtime.GC()       // scans the host suspended in main
		metrics.Read(goal)
		ctx.Cancel()
	})
	if g := goal[0].Value.Uint64(); g > 64<<20 {
		t.Errorf("heap goal %d MiB with a host of two contexts and almost no heap: its unused stack region counts as stack to scan", g>>20)
	}
}
