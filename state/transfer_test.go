package state

import (
	"fmt"
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
