//go:build !race

// Two hosts racing for one context is the misuse this file tests: the
// race detector rightly reports it, so it is built without -race.

package state_test

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/corogo/coro/state"
)

// Two hosts transfer to one new context at once: it runs once, in the
// host that binds it first, and the other's Transfer panics. (Before,
// both could bind it: it ran twice, or the hosts faulted.)
func TestTwoHostsRaceToEnterOneContext(t *testing.T) {
	const rounds = 2000
	for range rounds {
		var runs atomic.Int32
		x := state.New(func() { runs.Add(1) })
		var arrived atomic.Int32
		var done sync.WaitGroup
		panics := make(chan any, 2)
		for range 2 {
			done.Go(func() {
				defer func() { panics <- recover() }()
				state.Run(func() {
					arrived.Add(1)
					for arrived.Load() < 2 { // both hosts run: now race
					}
					state.Current().Transfer(x)
				})
			})
		}
		done.Wait()
		close(panics)
		lost := 0
		for r := range panics {
			if r != nil {
				if !strings.Contains(fmt.Sprint(r), "belongs to another host") {
					t.Fatalf("the losing host panicked with %v", r)
				}
				lost++
			}
		}
		if n := runs.Load(); n != 1 || lost != 1 {
			t.Fatalf("the context ran %d times; %d hosts lost the race, want 1", n, lost)
		}
	}
}
