package state_test

import (
	"iter"
	"testing"

	"github.com/corogo/coro/state"
)

func BenchmarkScratchTransfer(b *testing.B) {
	state.Run(func() {
		main := state.Current()
		var a *state.State
		a = state.New(func() {
			for {
				a.Transfer(main)
			}
		})
		b.ResetTimer()
		for range b.N {
			main.Transfer(a)
		}
	})
}

func BenchmarkScratchPull(b *testing.B) {
	next, stop := iter.Pull(func(yield func(int) bool) {
		for yield(1) {
		}
	})
	defer stop()
	for range b.N {
		next()
	}
}

func BenchmarkScratchCurrent(b *testing.B) {
	state.Run(func() {
		for range b.N {
			state.Current()
		}
	})
}
