package bench

import (
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/corogo/coro/internal/selfexec"
	"github.com/corogo/coro/state"
)

// Idle is how many suspended continuations, or parked goroutines, the GC
// and memory cases keep.
const Idle = 10_000

// CreateRunFinish: make a context, run it to its end, and resume main.
// Kept out of line for the reason TransferRoundTrip is.
//
//go:noinline
func CreateRunFinish(b *testing.B) {
	state.Run(func() {
		main := state.Current()
		sink := 0
		for range b.N {
			main.Transfer(state.New(func() { sink++ }))
		}
	})
}

// GoWaitGroup: start a goroutine and wait for it to finish.
func GoWaitGroup(b *testing.B) {
	var wg sync.WaitGroup
	sink := 0
	for range b.N {
		wg.Add(1)
		go func() {
			sink++
			wg.Done()
		}()
		wg.Wait()
	}
}

// withSuspended runs f while Idle contexts are suspended in one host,
// each holding a heap object only its stack refers to.
func withSuspended(f func()) { withSuspendedIn(1, f) }

// withSuspendedPerCore is withSuspended with the contexts split over a
// host per core (perCore), as schedulers per core would hold them.
func withSuspendedPerCore(f func()) { withSuspendedIn(perCore(), f) }

// withSuspendedIn runs f once hosts hosts have suspended their shares of
// Idle contexts; the hosts wait meanwhile.
func withSuspendedIn(hosts int, f func()) {
	var filled, ended sync.WaitGroup
	filled.Add(hosts)
	release := make(chan struct{})
	for _, n := range split(Idle, hosts) {
		ended.Go(func() {
			state.Run(func() {
				main := state.Current()
				for range n {
					var s *state.State
					s = state.New(func() {
						keep := new([4]int)
						s.Transfer(main)
						runtime.KeepAlive(keep)
					})
					main.Transfer(s)
				}
				filled.Done()
				<-release
			})
		})
	}
	filled.Wait()
	f()
	close(release)
	ended.Wait()
}

// withParked runs f while Idle goroutines are parked on a channel, each
// holding a heap object only its stack refers to.
func withParked(f func()) {
	release := make(chan struct{})
	var started sync.WaitGroup
	started.Add(Idle)
	for range Idle {
		go func() {
			keep := new([4]int)
			started.Done()
			<-release
			runtime.KeepAlive(keep)
		}()
	}
	started.Wait()
	f()
	close(release)
}

// The GC and memory cases measure in a fresh process (RunProbe): in one
// that has already run goroutines, the runtime reuses their stacks and the
// figures depend on what ran before.

// GCSuspended reports the time of one runtime.GC with Idle suspended
// continuations, as the metric ns/GC.
func GCSuspended(b *testing.B) { probe(b, "gc-suspended", "ns/GC") }

// GCSuspendedPerCore reports the same with the continuations spread over
// a host per core.
func GCSuspendedPerCore(b *testing.B) { probe(b, "gc-suspended-per-core", "ns/GC") }

// GCParked reports the same with Idle parked goroutines.
func GCParked(b *testing.B) { probe(b, "gc-parked", "ns/GC") }

// MemSuspended reports the stack and heap bytes each of Idle suspended
// continuations holds, as the metric B/idle.
func MemSuspended(b *testing.B) { probe(b, "mem-suspended", "B/idle") }

// MemParked reports the same for Idle parked goroutines.
func MemParked(b *testing.B) { probe(b, "mem-parked", "B/idle") }

// GoalSuspended reports the heap goal after a collection with Idle
// suspended continuations, as the metric MiB, at GOGC=100. The runtime
// adds the stack it expects to scan to the goal; on the turbo engine it
// counts everything from the running context, here the host's main
// waiting for the collection to end, to the top of the highest live stack.
func GoalSuspended(b *testing.B) { probe(b, "goal-suspended", "MiB") }

// GoalParked reports the same with Idle parked goroutines.
func GoalParked(b *testing.B) { probe(b, "goal-parked", "MiB") }

// probeEnv names the measurement a fresh process makes (RunProbe).
const probeEnv = "CORO_BENCH_PROBE"

var probes = map[string]func() float64{
	"gc-suspended":          func() float64 { return gcTime(withSuspended) },
	"gc-suspended-per-core": func() float64 { return gcTime(withSuspendedPerCore) },
	"gc-parked":             func() float64 { return gcTime(withParked) },
	"mem-suspended":         func() float64 { return memPer(withSuspended) },
	"mem-parked":            func() float64 { return memPer(withParked) },
	"goal-suspended":        func() float64 { return heapGoal(withSuspended) },
	"goal-parked":           func() float64 { return heapGoal(withParked) },
}

func probe(b *testing.B, name, unit string) {
	v := perRun(b, "probe "+name, func() float64 {
		out, err := selfexec.Output([]string{probeEnv + "=" + name}, "-test.run=^$")
		if err != nil {
			b.Fatalf("probe %s: %v\n%s", name, err, out)
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(string(out)), 64)
		if err != nil {
			b.Fatalf("probe %s printed %q", name, out)
		}
		return f
	})
	b.ReportMetric(v, unit)
}

// RunProbe makes the measurement CORO_BENCH_PROBE asks for, or runs the
// case CORO_BENCH_TURBO names (see Turbo), prints it and exits; without
// either, it does nothing. Every binary that runs these cases
// calls it first: the bench tests and coro.
func RunProbe() {
	measure, ok := probes[os.Getenv(probeEnv)]
	if !ok {
		if name := os.Getenv(turboEnv); name != "" {
			runTurboCase(name)
			os.Exit(0)
		}
		if spec := os.Getenv(echoLoadEnv); spec != "" {
			ns, err := runEchoLoad(spec)
			if err != nil {
				fmt.Fprintln(os.Stderr, "bench: echo load:", err)
				os.Exit(1)
			}
			fmt.Println(ns)
			os.Exit(0)
		}
		return
	}
	fmt.Println(measure())
	os.Exit(0)
}

func gcTime(with func(func())) float64 {
	const rounds = 10
	var elapsed time.Duration
	with(func() {
		runtime.GC()
		start := time.Now()
		for range rounds {
			runtime.GC()
		}
		elapsed = time.Since(start)
	})
	return float64(elapsed.Nanoseconds()) / rounds
}

func memPer(with func(func())) float64 {
	before := inUse()
	var during uint64
	with(func() { during = inUse() })
	return float64(during-before) / Idle
}

// heapGoal is the runtime's heap goal in MiB after a collection made
// while with holds its idle stacks, at GOGC=100 whatever the environment
// says.
func heapGoal(with func(func())) float64 {
	debug.SetGCPercent(100)
	goal := []metrics.Sample{{Name: "/gc/heap/goal:bytes"}}
	with(func() {
		runtime.GC()
		metrics.Read(goal)
	})
	return float64(goal[0].Value.Uint64()) / (1 << 20)
}

// inUse is the memory held for stacks and live heap objects after a
// collection, counting the turbo engine's stacks, which the runtime does
// not know of.
func inUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.StackInuse + m.HeapAlloc + state.OffHeapStacks()
}
