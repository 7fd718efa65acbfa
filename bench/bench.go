// Package bench holds the benchmarks behind `go test -bench` in this
// directory and `coro bench`: each Case runs under testing.Benchmark, so
// both report the same code. One op of a round-trip case is a switch away
// and a switch back.
package bench

import (
	"iter"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/corogo/coro/sched"
	"github.com/corogo/coro/state"
)

// Case is one benchmark.
type Case struct {
	Name string // as printed by coro bench
	Fn   func(b *testing.B)
}

// Switches are the context-switch round trips compared by coro bench.
var Switches = []Case{
	{"coro Cede round trip", CedeRoundTrip},
	{"state Transfer round trip", TransferRoundTrip},
	{"iter.Pull round trip", PullRoundTrip},
	{"goroutines, unbuffered chan ping-pong", ChanPingPong},
	{"goroutines, runtime.Gosched ping-pong", GoschedPingPong},
}

// CedeRoundTrip: main and one coroutine cede to each other.
func CedeRoundTrip(b *testing.B) {
	err := sched.Run(func() {
		stop := false
		sched.Async(func() any {
			for !stop {
				sched.Cede()
			}
			return nil
		})
		sched.Cede() // let it start
		b.ResetTimer()
		for range b.N {
			sched.Cede()
		}
		b.StopTimer()
		stop = true
	})
	if err != nil {
		b.Fatal(err)
	}
}

// TransferRoundTrip: the main context transfers to another, which
// transfers straight back.
func TransferRoundTrip(b *testing.B) {
	state.Run(func() {
		main := state.Current()
		var other *state.State
		other = state.New(func() {
			for {
				other.Transfer(main)
			}
		})
		main.Transfer(other)
		b.ResetTimer()
		for range b.N {
			main.Transfer(other)
		}
	})
}

// PullRoundTrip: one next call on an iter.Pull iterator that yields
// forever.
func PullRoundTrip(b *testing.B) {
	next, stop := iter.Pull(func(yield func(struct{}) bool) {
		for yield(struct{}{}) {
		}
	})
	defer stop()
	for range b.N {
		next()
	}
}

// ChanPingPong: two goroutines pass a token over unbuffered channels.
func ChanPingPong(b *testing.B) {
	ping, pong := make(chan struct{}), make(chan struct{})
	go func() {
		for range ping {
			pong <- struct{}{}
		}
	}()
	for range b.N {
		ping <- struct{}{}
		<-pong
	}
	close(ping)
}

// GoschedPingPong: two goroutines on one P take turns, each yielding with
// runtime.Gosched until the other has moved.
func GoschedPingPong(b *testing.B) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	var turn atomic.Int32
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range b.N {
			for turn.Load() != 1 {
				runtime.Gosched()
			}
			turn.Store(0)
		}
	}()
	for range b.N {
		turn.Store(1)
		for turn.Load() != 0 {
			runtime.Gosched()
		}
	}
	<-done
}
