//go:build go1.26 && !go1.27 && linux && (amd64 || arm64)

package state

import (
	"fmt"
	"strings"
	"testing"
)

// TestEndedHostIsNoOnesHost: after a turbo host ends, its main context
// still reads running, and the runtime soon gives the host goroutine's g
// to a new goroutine. From that goroutine main.Transfer(main) must panic
// as from any goroutine outside the host, not pass for the host itself.
func TestEndedHostIsNoOnesHost(t *testing.T) {
	if !turboOn {
		t.Skip("the host goroutine is the turbo engine's; TestTurbo runs this again on it")
	}
	var m *State
	Run(func() { m = Current() })
	hostG := m.pt.g
	for range 10000 {
		got := make(chan string)
		go func() {
			if getg() != hostG {
				got <- ""
				return
			}
			defer func() { got <- strings.TrimSpace(fmt.Sprint(recover())) }()
			m.Transfer(m)
		}()
		switch r := <-got; {
		case r == "":
			continue // another g
		case !strings.Contains(r, "does not run it"):
			t.Fatalf("main.Transfer(main) of an ended host, from a goroutine with its g: panic %q, want one saying the goroutine does not run it", r)
		default:
			return
		}
	}
	t.Skip("the runtime gave the ended host's g to none of 10,000 goroutines")
}
