package state_test

import (
	"testing"

	"github.com/corogo/coro/state"
)

// runRecover runs state.Run(main) on a goroutine of its own and returns
// what reached Run's caller: nil, a panic value, or "goexit".
func runRecover(main func()) (got any) {
	done := make(chan struct{})
	go func() {
		returned := false
		defer func() {
			if !returned {
				if got = recover(); got == nil {
					got = "goexit"
				}
			}
			close(done)
		}()
		state.Run(main)
		returned = true
	}()
	<-done
	return got
}

// panicWhileHeld makes a context panic while main holds interrupts.
func panicWhileHeld(main *state.State) {
	state.Uninterrupted(func() {
		main.Transfer(state.New(func() { panic("boom") }, state.Desc("bomber")))
	})
}

// A panic that escapes a context while main holds interrupts, and that
// main never resumes to raise, still reaches Run's caller, after the
// contexts left have been cancelled; the goroutine can host again.
// (Found by review: Run returned nil, or, with contexts left, raised the
// panic in the middle of cancelling them and left the goroutine marked
// as a host.)
func TestHeldPanicReachesRun(t *testing.T) {
	got := runRecover(func() { panicWhileHeld(state.Current()) })
	if pe, ok := got.(*state.PanicError); !ok || pe.Value != "boom" {
		t.Fatalf("Run ended with %v (%T), want a *PanicError for bomber", got, got)
	}

	var ev trace
	got = runRecover(func() {
		main := state.Current()
		parkContexts(&ev, main, "x", "y")
		panicWhileHeld(main)
		ev.add("main returns")
	})
	if pe, ok := got.(*state.PanicError); !ok || pe.Value != "boom" {
		t.Errorf("Run with contexts left ended with %v (%T), want a *PanicError for bomber", got, got)
	}
	ev.check(t, "main returns", "x unwound", "y unwound")
	if got := runRecover(func() {}); got != nil {
		t.Errorf("the next Run: %v", got)
	}
}

// While main holds a panic in Uninterrupted, the host goes on as it
// would: an ending context's OnExit still picks who runs next. (Found by
// review: every ending context resumed main.)
func TestHeldPanicLeavesOnExitAlone(t *testing.T) {
	var ev trace
	runRecover(func() {
		main := state.Current()
		state.Uninterrupted(func() {
			main.Transfer(state.New(func() { panic("boom") }, state.Desc("bomber")))
			ev.add("main resumed in Uninterrupted")
			var b *state.State
			b = state.New(func() { ev.add("b picked by a's OnExit"); b.Transfer(main) }, state.Desc("b"))
			a := state.New(func() { ev.add("a ends") }, state.Desc("a"),
				state.OnExit(func() *state.State { return b }))
			main.Transfer(a)
			ev.add("main back in Uninterrupted")
		})
	})
	ev.check(t, "main resumed in Uninterrupted", "a ends", "b picked by a's OnExit", "main back in Uninterrupted")
}
