//go:build go1.26 && !go1.27 && linux && (amd64 || arm64)

package state

import (
	"runtime"
	"testing"
)

// TestHostsReuseArenas runs hosts one after another, each with contexts
// that touch their stacks: each starts on the arena the one before left,
// which holds no memory between them. Hosts that run at once have arenas
// of their own.
func TestHostsReuseArenas(t *testing.T) {
	if !turboOn {
		t.Skip("arenas are the turbo engine's; TestTurbo runs this again on it")
	}
	var seen []*arena
	for range 5 {
		Run(func() {
			h := currentHost()
			seen = append(seen, h.tb.a)
			main := Current()
			for range 10 {
				var s *State
				s = New(func() {
					var buf [4 << 10]byte
					buf[0] = 1
					s.Transfer(main)
					_ = buf[0]
				})
				main.Transfer(s)
			}
			inner, ended := make(chan *arena), make(chan struct{})
			go func() {
				Run(func() { inner <- currentHost().tb.a })
				close(ended)
			}()
			if a := <-inner; a == h.tb.a {
				t.Error("a host running inside another's lifetime got the same arena")
			}
			<-ended
		})
		if n := arenaBytes(); n != 0 {
			t.Fatalf("%d bytes of stacks held between hosts", n)
		}
	}
	for i, a := range seen[1:] {
		if a != seen[0] {
			t.Errorf("host %d ran on a new arena, not the idle one", i+1)
		}
	}
}

// TestReusedArenaHasAllItsRoom: a host that starts on an arena the last
// one filled with the largest stacks has the whole region again, for
// stacks of any size.
func TestReusedArenaHasAllItsRoom(t *testing.T) {
	if !turboOn {
		t.Skip("arenas are the turbo engine's; TestTurbo runs this again on it")
	}
	var first *arena
	Run(func() {
		first = currentHost().tb.a
		main := Current()
		for range 3 {
			var s *State
			s = New(func() { s.Transfer(main) }, StackSize(MaxStackSize))
			main.Transfer(s)
		}
	})
	const small = regionChunks - 1 // every chunk but main's
	started := 0
	Run(func() {
		if currentHost().tb.a != first {
			t.Fatal("the second host did not reuse the first one's arena")
		}
		defer func() {
			if r := recover(); r != nil {
				t.Errorf("context %d of %d with the default stack: %v", started+1, small, r)
			}
		}()
		main := Current()
		for range small {
			var s *State
			s = New(func() { s.Transfer(main) })
			main.Transfer(s)
			started++
		}
	})
}

// TestSlotRecordReused: a freed slot's record lets go of the context
// that ended on it, which the collector can then free with what it
// holds, and the next context with a stack of that size gets the slot and
// its record.
func TestSlotRecordReused(t *testing.T) {
	if !turboOn {
		t.Skip("slots are the turbo engine's; TestTurbo runs this again on it")
	}
	Run(func() {
		main := Current()
		first := New(func() {})
		main.Transfer(first) // first runs and ends
		rec := first.tc
		freed := make(chan struct{})
		runtime.AddCleanup(first, func(ch chan struct{}) { close(ch) }, freed)
		first = nil
		// A context with a bigger stack takes another slot; starting it
		// frees first's.
		main.Transfer(New(func() {}, StackSize(2*chunk)))
		for i := 0; ; i++ {
			runtime.GC()
			select {
			case <-freed:
			default:
				if i < 10 {
					continue
				}
				t.Error("the ended context was never freed: its slot's record still refers to it")
			}
			break
		}
		var runningOn *tctx
		main.Transfer(New(func() { runningOn = Current().tc }))
		if runningOn != rec {
			t.Errorf("the third context ran on record %p, not the freed slot's %p", runningOn, rec)
		}
	})
}
