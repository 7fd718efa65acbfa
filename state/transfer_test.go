package state

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/corogo/coro/internal/inltest"
)

// TestSwitchInlines: Transfer and Switch must inline into their callers,
// or every switch returns through one more frame; see transfer.go. The
// bodies they call are checked too: an entry point that still inlines but
// now calls its body out of line adds that frame all the same. arrive and
// moveInto are not on a frame across the switch, but a call to either
// costs every switch a few percent.
func TestSwitchInlines(t *testing.T) {
	inltest.Check(t, ".", "(*State).Transfer", "transferVia", "Switch", "switchVia", "park", "turn", "arrive", "moveInto")
}

// TestSwitch: pick gets the running context and Switch transfers from it
// to the context pick returns; outside a host pick gets nil, and Switch
// panics if pick returns anyway.
func TestSwitch(t *testing.T) {
	var trail []string
	Run(func() {
		main := Current()
		var other *State
		other = New(func() {
			trail = append(trail, "other")
			Switch(func(from *State) *State {
				if from != other {
					t.Errorf("pick in other got %v", from)
				}
				return main
			})
		})
		Switch(func(from *State) *State {
			if from != main {
				t.Errorf("pick in main got %v", from)
			}
			return other
		})
		trail = append(trail, "main")
	})
	if got := strings.Join(trail, " "); got != "other main" {
		t.Errorf("order %q, want %q", got, "other main")
	}

	var picked []*State
	defer func() {
		r := recover()
		if r == nil || !strings.Contains(fmt.Sprint(r), "outside a host") {
			t.Errorf("Switch outside a host: recovered %v", r)
		}
		if len(picked) != 1 || picked[0] != nil {
			t.Errorf("pick outside a host got %v, want one nil", picked)
		}
	}()
	Switch(func(from *State) *State {
		picked = append(picked, from)
		return nil
	})
}

// TestSwitchAllocatesNothing: a Switch whose pick is a closure capturing
// a local allocates nothing (pick does not escape), nor does a Transfer.
func TestSwitchAllocatesNothing(t *testing.T) {
	Run(func() {
		main := Current()
		var other *State
		other = New(func() {
			for {
				other.Transfer(main)
			}
		})
		main.Transfer(other)
		target := other
		sw := testing.AllocsPerRun(100, func() { Switch(func(*State) *State { return target }) })
		tr := testing.AllocsPerRun(100, func() { main.Transfer(target) })
		if sw != 0 || tr != 0 {
			t.Errorf("allocations: %v per Switch with a capturing pick, %v per Transfer", sw, tr)
		}
	})
}

// TestSwitchFromPick: pick may itself transfer away, and the context may
// be cancelled or have a value raised in it while it waits there: its
// deferred calls run, and a raised value reaches the recover around the
// Switch. Collections run while it waits. Tracebacks shows the frame that
// called Switch.
func TestSwitchFromPick(t *testing.T) {
	for _, raise := range []bool{false, true} {
		var deferred, recovered bool
		var stack string
		Run(func() {
			main := Current()
			var x *State
			x = New(func() {
				defer func() { deferred = true }()
				func() {
					defer func() { recovered = recover() != nil }()
					switchInPick(main)
				}()
				x.Transfer(main)
			})
			main.Transfer(x)
			stack = Tracebacks([]*State{x})[0]
			runtime.GC()
			if raise {
				x.Raise("boom")
				main.Transfer(x) // x panics in pick, recovers, comes back
				runtime.GC()
				main.Transfer(x) // x ends
			} else {
				x.Cancel()
			}
		})
		if !deferred || recovered != raise {
			t.Errorf("raise %v: deferred call ran %v, recovered %v", raise, deferred, recovered)
		}
		if !strings.Contains(stack, "state.switchInPick(") {
			t.Errorf("the traceback of a context waiting in pick lacks the frame that called Switch:\n%s", stack)
		}
	}
}

//go:noinline
func switchInPick(main *State) {
	Switch(func(from *State) *State {
		runtime.GC()
		from.Transfer(main)
		runtime.GC()
		return main
	})
}
