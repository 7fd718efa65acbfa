//go:build go1.26 && !go1.27 && linux && (amd64 || arm64)

package state

import (
	"runtime"
	"testing"

	"github.com/corogo/coro/internal/churn"
)

// TestRelayRewrittenAtSameDepth: a context's relay words lie at the bottom
// of its own stack, where code that runs deep enough overwrites them while
// the context runs. swap keeps the hop of the context's last suspension
// and writes it again when the context suspends at the same depth; the
// collections that follow would stop at the overwritten words otherwise.
func TestRelayRewrittenAtSameDepth(t *testing.T) {
	if !turboOn {
		t.Skip("relay words are the turbo engine's; TestTurbo runs this again on it")
	}
	defer churn.Start()()
	const rounds = 20
	kept := 0
	Run(func() {
		main := Current()
		var s *State
		s = New(func() {
			for range rounds {
				box := &[2]int{7, -7}
				s.Transfer(main) // the same depth every round
				if box[0] == 7 && box[1] == -7 {
					kept++
				}
				// As a deep call would: the relay word and the word above
				// it, where arm64 keeps a PC, hold no hop now.
				words := (*[2]uintptr)(ptr(s.tc.relay))
				words[0], words[1] = ^uintptr(0), ^uintptr(0)
			}
		})
		for range rounds + 1 {
			main.Transfer(s)
			runtime.GC()
		}
	})
	if kept != rounds {
		t.Errorf("%d of %d heap objects held only by the suspended context survived", kept, rounds)
	}
}
