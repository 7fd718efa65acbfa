package state_test

import (
	"errors"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"unsafe"

	"github.com/corogo/coro/internal/churn"
	"github.com/corogo/coro/state"
)

// TestStackSizeDeepContexts suspends contexts with 1 MiB stacks at depths
// from the top to near the bottom, between contexts of the default size,
// each frame holding a heap object that only it refers to, and collects
// repeatedly before resuming them. On turbo, a context suspended more than
// 64 KiB above its stack's bottom is reached by two hops (suspended), one
// suspended lower by one.
func TestStackSizeDeepContexts(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(1))
	defer churn.Start()()
	const big, small = 1 << 20, 64 << 10
	// How far below its first frame each context suspends; the deepest
	// leaves 40 KiB above the guard page.
	depths := []uintptr{0, 1 << 10, 100 << 10, 500 << 10, big - 44<<10}
	var intact []bool
	state.Run(func() {
		main := state.Current()
		var ctxs []*state.State
		for _, d := range depths {
			for _, size := range []int{big, small} {
				i := len(ctxs)
				intact = append(intact, false)
				ctxs = append(ctxs, state.New(func() {
					var here byte
					limit := uintptr(unsafe.Pointer(&here)) - min(d, uintptr(size)-44<<10)
					intact[i] = holdDeep(size/64, limit, func() { ctxs[i].Transfer(main) })
				}, state.StackSize(size)))
				main.Transfer(ctxs[i])
				if state.Engine().Name == "turbo" && ctxs[i].StackSize() != size {
					t.Errorf("StackSize() = %d on turbo, want %d", ctxs[i].StackSize(), size)
				}
			}
		}
		for range 3 {
			runtime.GC()
		}
		for _, c := range ctxs {
			main.Transfer(c)
		}
	})
	for i, ok := range intact {
		if !ok {
			t.Errorf("context %d (%d bytes deep, stack %d KiB) lost the data of its frames", i, depths[i/2], []int{1024, 64}[i%2])
		}
	}
}

// holdDeep recurses until its frame is at limit or below, or n frames
// deep (on the portable engine a goroutine's stack moves as it grows),
// each frame holding a heap object and a local array; it calls at at the
// bottom and reports whether every frame's data is intact on the way back.
//
//go:noinline
func holdDeep(n int, limit uintptr, at func()) bool {
	box := &[2]int{n, -n}
	var pad [32]byte
	pad[n%32] = byte(n)
	ok := true
	if n == 0 || uintptr(unsafe.Pointer(&pad)) <= limit {
		at()
	} else {
		ok = holdDeep(n-1, limit, at)
	}
	return ok && box[0] == n && box[1] == -n && pad[n%32] == byte(n)
}

// TestStackSizeRounding: turbo stacks come in whole 64 KiB chunks, and
// slots of each size are reused after their contexts end.
func TestStackSizeRounding(t *testing.T) {
	if state.Engine().Name != "turbo" {
		t.Skip("stack sizes are the turbo engine's; TestTurbo runs this test there")
	}
	state.Run(func() {
		main := state.Current()
		var held uint64 // stack memory after the first round
		for round := range 3 {
			for _, c := range []struct{ ask, get int }{{1, 64 << 10}, {64<<10 + 1, 128 << 10}, {100 << 10, 128 << 10}, {3 << 20, 3 << 20}} {
				var got int
				s := state.New(func() { got = state.Current().StackSize() }, state.StackSize(c.ask))
				main.Transfer(s)
				if got != c.get {
					t.Errorf("round %d: StackSize(%d) gave a stack of %d bytes, want %d", round, c.ask, got, c.get)
				}
			}
			// A context on a new slot would touch pages no earlier one did.
			if n := state.OffHeapStacks(); round == 0 {
				held = n
			} else if n != held {
				t.Errorf("round %d: stacks hold %d bytes, %d after the first round: slots were not reused", round, n, held)
			}
		}
	})
}

func TestStackSizeOutOfRangePanics(t *testing.T) {
	for _, n := range []int{0, -1, state.MaxStackSize + 1} {
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(r.(string), "StackSize") {
					t.Errorf("StackSize(%d) recovered %v, want a panic naming StackSize", n, r)
				}
			}()
			state.StackSize(n)
		}()
	}
}

// TestStackRoomExhausted fills a turbo host's stack region with the
// largest stacks, then starts one more context in both ways a context
// starts: by Transfer, which panics in the caller, and as the context an
// ending one resumes (OnExit), which ends the host as a panic would. In
// both cases the error matches ErrNoStackRoom, the context that could not
// start stays new, and the contexts already running are cancelled as the
// host ends, their deferred calls run.
func TestStackRoomExhausted(t *testing.T) {
	if state.Engine().Name != "turbo" {
		t.Skip("stack room is the turbo engine's; TestTurbo runs this test there")
	}
	// fill suspends contexts of MaxStackSize until the next does not fit,
	// and returns how many fitted and the one that did not.
	fill := func(main *state.State, unwound *int) (n int, last *state.State, err error) {
		defer func() { err, _ = recover().(error) }()
		for {
			last = state.New(func() {
				defer func() { *unwound++ }()
				state.Current().Transfer(main)
			}, state.StackSize(state.MaxStackSize))
			main.Transfer(last)
			n++
		}
	}

	var unwound, fitted int
	state.Run(func() {
		main := state.Current()
		n, last, err := fill(main, &unwound)
		fitted = n
		if !errors.Is(err, state.ErrNoStackRoom) {
			t.Errorf("Transfer to a context with no room recovered %v, want ErrNoStackRoom", err)
		}
		if last.Status() != state.StatusNew {
			t.Errorf("the context with no room is %v, want new", last.Status())
		}
		// The host goes on: a context that fits still runs.
		ran := false
		main.Transfer(state.New(func() { ran = true }))
		if !ran {
			t.Error("a context of the default size did not run after the failed start")
		}
	})
	if fitted < 1 || unwound != fitted {
		t.Errorf("%d contexts fitted and %d unwound when the host ended, want all of at least one", fitted, unwound)
	}

	unwound = 0
	var late *state.State
	got := func() (r any) {
		defer func() { r = recover() }()
		state.Run(func() {
			main := state.Current()
			fitted, late, _ = fill(main, &unwound)
			// A context that fits ends and resumes the late one, which
			// still has no room.
			main.Transfer(state.New(func() {}, state.OnExit(func() *state.State { return late })))
			t.Error("main resumed after the late context had no room")
		})
		return nil
	}()
	if pe, ok := got.(*state.PanicError); !ok || !errors.Is(pe, state.ErrNoStackRoom) {
		t.Errorf("Run panicked with %v, want a *PanicError matching ErrNoStackRoom", got)
	}
	if late.Status() != state.StatusNew {
		t.Errorf("the context with no room is %v, want new", late.Status())
	}
	if unwound != fitted {
		t.Errorf("%d of %d suspended contexts unwound when the host ended", unwound, fitted)
	}
}
