//go:build go1.26 && !go1.27 && linux && (amd64 || arm64)

package state

import (
	"runtime"
	"testing"

	"github.com/corogo/coro/internal/churn"
)

// TestHopRewrittenAtSameDepth suspends a context at one depth again and
// again, collecting while it is suspended: suspend keeps the hop of the
// context's last suspension and must write it again every time. The
// context's slot is just above its predecessor's, so the chain enters it
// by a hop straight from the predecessor's link word, which resume has
// overwritten meanwhile; or there is a free slot between them, and the
// chain goes through its relay word, which a deep call of the running
// context may overwrite (here the context writes it itself, and the word
// above it, where arm64 keeps a PC).
func TestHopRewrittenAtSameDepth(t *testing.T) {
	if !turboOn {
		t.Skip("hops are the turbo engine's; TestTurbo runs this again on it")
	}
	defer churn.Start()()
	for _, direct := range []bool{true, false} {
		const rounds = 20
		kept := 0
		Run(func() {
			main := Current()
			var gap, s *State
			gap = New(func() { gap.Transfer(main) })
			main.Transfer(gap) // in the slot just above main's
			s = New(func() {
				s.Transfer(main)
				if got := s.tc.hopWord == s.tc.entryWord; got != direct {
					t.Errorf("direct = %v, want %v", got, direct)
				}
				for range rounds {
					box := &[2]int{7, -7}
					s.Transfer(main) // the same depth every round
					if box[0] == 7 && box[1] == -7 {
						kept++
					}
					if !direct {
						words := (*[2]uintptr)(ptr(s.tc.relay))
						words[0], words[1] = ^uintptr(0), ^uintptr(0)
					}
				}
			})
			main.Transfer(s) // in the slot above gap's
			if !direct {
				main.Transfer(gap) // gap ends, and its slot is free
			}
			for range rounds + 1 {
				main.Transfer(s)
				runtime.GC()
			}
		})
		if kept != rounds {
			t.Errorf("direct %v: %d of %d heap objects held only by the suspended context survived", direct, kept, rounds)
		}
	}
}

// TestDirectAndFarHops: a context with a stack of several chunks, just
// above its predecessor, suspends in turn deep, within a fine hop of the
// predecessor's link (direct), and near its top, beyond that reach, where
// the chain goes through its relay word and a coarse hop (far); the
// collections between keep what only its frames hold.
func TestDirectAndFarHops(t *testing.T) {
	if !turboOn {
		t.Skip("hops are the turbo engine's; TestTurbo runs this again on it")
	}
	const rounds = 40
	kept := 0
	Run(func() {
		main := Current()
		var s *State
		s = New(func() {
			for i := range rounds {
				box := &[2]int{7, -7}
				if i%2 == 0 {
					deepen(420, func() { s.Transfer(main) }) // over 200 KiB down
				} else {
					s.Transfer(main)
				}
				if box[0] == 7 && box[1] == -7 {
					kept++
				}
			}
		}, StackSize(256<<10))
		for range rounds + 1 {
			main.Transfer(s)
			runtime.GC()
		}
	})
	if kept != rounds {
		t.Errorf("%d of %d heap objects held only by the suspended context survived", kept, rounds)
	}
}

// deepen calls f from n frames of over 512 bytes down.
//
//go:noinline
func deepen(n int, f func()) int {
	var pad [512]byte
	pad[n%512] = byte(n)
	if n == 0 {
		f()
		return int(pad[0])
	}
	return deepen(n-1, f) + int(pad[n%512])
}
