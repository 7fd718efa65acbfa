//go:build cgo

package cgotest

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/corogo/coro/internal/turbotest"
	"github.com/corogo/coro/sched"
	"github.com/corogo/coro/state"
)

// TestCgoFromContexts calls C from several contexts between switches and
// collections: cgo calls run on the system stack, and a context's stack
// must be intact and visible to the GC around them.
func TestCgoFromContexts(t *testing.T) {
	got := 0
	state.Run(func() {
		main := state.Current()
		ctxs := make([]*state.State, 8)
		for i := range ctxs {
			ctxs[i] = state.New(func() {
				keep := &[2]int{i, 64}
				for range 3 {
					got += Deep(keep[1])
					runtime.GC()
					ctxs[i].Transfer(main)
				}
			})
		}
		for range 3 {
			for _, c := range ctxs {
				main.Transfer(c)
			}
		}
	})
	if got != 24 {
		t.Errorf("C calls returned %d, want 24", got)
	}
}

// TestTurbo runs this package's tests again on the turbo engine.
func TestTurbo(t *testing.T) { turbotest.Rerun(t, "") }

// A context inside a cgo callback cannot switch: the callback's C frames
// must return before those of any callback made earlier, which a context
// resumed out of turn would break. Both engines refuse with a panic
// (found by review: on turbo the runtime died with "syscall frame is no
// longer valid").
func TestNoSwitchInsideCallbacks(t *testing.T) {
	var msg string
	state.Run(func() {
		main := state.Current()
		callbackHook = func(id int) int {
			defer func() { msg = fmt.Sprint(recover()) }()
			state.Current().Transfer(main)
			return id
		}
		main.Transfer(state.New(func() { CallBack(1) }))
	})
	if !strings.Contains(msg, "cgo callback") {
		t.Errorf("Transfer inside a cgo callback: %q, want a panic that says so", msg)
	}
}

// A Cede refused inside a cgo callback leaves the scheduler as it was:
// the coroutine that was ready still runs. (Found by review: the pick ran
// before the refusal, and the coroutine it took off its queue was lost.)
func TestRefusedCedeInCallbackLosesNothing(t *testing.T) {
	ran, refused := false, ""
	err := sched.Run(func() {
		b := sched.Async(func() any { ran = true; return nil })
		callbackHook = func(id int) int {
			defer func() { refused = fmt.Sprint(recover()) }()
			sched.Cede()
			return id
		}
		CallBack(1)
		b.Join()
	})
	if !ran || err != nil || !strings.Contains(refused, "cgo callback") {
		t.Errorf("after a Cede in a callback (%q): the ready coroutine ran: %v; Run: %v", refused, ran, err)
	}
}
