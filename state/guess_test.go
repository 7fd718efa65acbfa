//go:build go1.26 && !go1.27 && !race

package state

import (
	"runtime"
	"sync"
	"testing"
)

// The runtime gives a new goroutine the smallest stack it makes, and
// guessStack must not be larger: a smaller stack's top 2 KiB would reach
// into memory that is not its own.
func TestGuessStackIsTheSmallestStack(t *testing.T) {
	size := make(chan uintptr)
	go func() { size <- stackSize(getg()) }()
	if got := <-size; got < guessStack {
		t.Fatalf("a new goroutine has a %d-byte stack; guessStack is %d", got, guessStack)
	}
}

// name is s's description, or "none".
func name(s *State) string {
	if s == nil {
		return "none"
	}
	return s.desc
}

// deep calls f below n bytes of frames.
//
//go:noinline
func deep(n int, f func()) {
	var pad [512]byte
	if n <= 0 {
		f()
		return
	}
	deep(n-len(pad), f)
	runtime.KeepAlive(&pad)
}

// A context near its stack's top is found by the guess; deeper down, and
// in the host's own goroutine, Running finds it in the table.
func TestGuessTakesShallowCallers(t *testing.T) {
	if turboOn {
		t.Skip("the turbo engine finds the running context by its arena, not by guess")
	}
	Run(func() {
		main := Current()
		var s *State
		s = New(func() {
			if got, g := runningGuess(); got != s || g != getg() {
				t.Errorf("guess at the top of a context's stack: %s, %p; want the context and its goroutine %p", name(got), g, getg())
			}
			deep(2*guessStack, func() {
				if got, _ := runningGuess(); got != nil {
					t.Errorf("guess %d bytes below a stack's top: %q, want none", 2*guessStack, got.desc)
				}
				if got := Running(); got != s {
					t.Errorf("Running deep in a context: %s, want the context", name(got))
				}
			})
			s.Transfer(main)
		})
		main.Transfer(s)
		if got := Running(); got != main {
			t.Errorf("Running in the host goroutine: %s, want main", name(got))
		}
	})
	if h := lastHost.Load(); h != nil {
		t.Errorf("lastHost is still set after Run returned")
	}
}

// Goroutines that do not run the guessed context never get it, while
// that context's goroutine moves its stack (the stack top the guess reads
// changes under them), and a second host's contexts find their own.
func TestGuessRejectsOtherGoroutines(t *testing.T) {
	const rounds = 5000
	var stop sync.WaitGroup
	done := make(chan struct{})
	outside := func(check func() string) {
		stop.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
				}
				if msg := check(); msg != "" {
					t.Error(msg)
					return
				}
			}
		})
	}
	outside(func() string {
		if s := Running(); s != nil {
			return "a goroutine outside every host found context " + s.desc
		}
		return ""
	})
	outside(func() string {
		var found *State
		func() {
			defer func() { recover() }()
			Switch(func(from *State) *State { found = from; return nil })
		}()
		if found != nil {
			return "Switch from outside every host picked from context " + found.desc
		}
		return ""
	})
	other := make(chan struct{})
	stop.Go(func() {
		Run(func() {
			main := Current()
			var s *State
			s = New(func() {
				for {
					select {
					case <-done:
						s.Transfer(main)
					default:
					}
					if got := Running(); got != s {
						t.Errorf("second host's context found %s", name(got))
						s.Transfer(main)
					}
				}
			}, Desc("second"))
			close(other)
			main.Transfer(s)
		})
	})
	<-other
	Run(func() {
		// Each mover starts on the smallest stack and grows it four times.
		for i := range rounds {
			var mover *State
			mover = New(func() {
				deep(16<<10, func() {})
				if got := Running(); got != mover {
					t.Errorf("round %d: the moving context found %s", i, name(got))
				}
			}, Desc("mover"))
			Current().Transfer(mover)
		}
	})
	close(done)
	stop.Wait()
}
