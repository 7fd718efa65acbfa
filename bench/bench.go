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
	// skipped holds why the case skipped itself, for a case that may: a
	// row made by Turbo, where the turbo engine cannot run, and the bare
	// preadv2 RWF_NOWAIT row, where the call is refused. nil for the rest.
	skipped *string
}

// Skipped returns why the case was skipped on purpose, when it ran no
// iterations. For a case that never skips it returns "", and N == 0 is a
// failure.
func (c Case) Skipped() string {
	if c.skipped != nil {
		return *c.skipped
	}
	return ""
}

// Unit is the metric coro bench shows for a group: ns/op, or a metric the
// cases report with b.ReportMetric. Other metrics a case reports (the file
// cases' "threads") follow its ratio.
type Unit string

const NsPerOp Unit = "ns/op"

// Group is a set of cases that do the same work in different ways, so
// their ratios mean something. Ratios are to the case named Ref, or to the
// fastest when Ref is empty.
type Group struct {
	Title string
	Unit  Unit
	Ref   string
	Cases []Case
}

// Groups are what coro bench runs, in order.
var Groups = []Group{
	{"switch round trip", NsPerOp, "iter.Pull", []Case{
		{Name: "coro Cede", Fn: CedeRoundTrip},
		Turbo("coro Cede, turbo engine", "cede", CedeRoundTrip),
		{Name: "state Transfer", Fn: TransferRoundTrip},
		Turbo("state Transfer, turbo engine", "transfer", TransferRoundTrip),
		Turbo("state Transfer, turbo, one loop", "transfer-same", TransferSameLoop),
		{Name: "iter.Pull", Fn: PullRoundTrip},
		{Name: "goroutines, unbuffered chan", Fn: ChanPingPong},
		{Name: "goroutines, runtime.Gosched", Fn: GoschedPingPong},
		{Name: "bare register swap (asm, no Go code)", Fn: RegSwapRoundTrip},
	}},
	{"uncontended lock and unlock", NsPerOp, "", []Case{
		{Name: "coro/sync Semaphore Down+Up", Fn: SemaphoreDownUp},
		{Name: "sync.Mutex Lock+Unlock", Fn: MutexLockUnlock},
	}},
	{"value ping-pong between two", NsPerOp, "", []Case{
		{Name: "coro/sync Chan, 2 coroutines", Fn: ChannelPingPong},
		{Name: "unbuffered chan, 2 goroutines", Fn: GoChanPingPong},
	}},
	{"100 producers, 100 consumers, per value", NsPerOp, "", []Case{
		{Name: "coro/sync Chan(101)", Fn: Channel100x100},
		{Name: "chan with 100 buffered", Fn: GoChan100x100},
	}},
	{"create, run to the end, finish", NsPerOp, "go + WaitGroup", []Case{
		{Name: "state context", Fn: CreateRunFinish},
		Turbo("state context, turbo engine", "create", CreateRunFinish),
		{Name: "go + WaitGroup", Fn: GoWaitGroup},
	}},
	{"runtime.GC with 10,000 idle", "ns/GC", "parked goroutines", []Case{
		{Name: "suspended state contexts", Fn: GCSuspended},
		Turbo("suspended state contexts, turbo engine", "gc", GCSuspended),
		Turbo("suspended, turbo engine, host per core", "gc-per-core", GCSuspendedPerCore),
		{Name: "parked goroutines", Fn: GCParked},
	}},
	{"memory held by each of 10,000 idle", "B/idle", "parked goroutines", []Case{
		{Name: "suspended state contexts", Fn: MemSuspended},
		Turbo("suspended state contexts, turbo engine", "mem", MemSuspended),
		{Name: "parked goroutines", Fn: MemParked},
	}},
	{"heap goal after a collection, 10,000 idle", "MiB", "parked goroutines", []Case{
		{Name: "suspended state contexts", Fn: GoalSuspended},
		Turbo("suspended state contexts, turbo engine", "goal", GoalSuspended),
		{Name: "parked goroutines", Fn: GoalParked},
	}},
	{"4 KiB random reads, 1,000 readers", NsPerOp, "goroutines, os.File.ReadAt", []Case{
		{Name: "coroutines, aio ReadAt", Fn: AIORandomReads},
		{Name: "coroutines, aio ReadAt, CORO_AIO=pool", Fn: AIORandomReadsPool},
		{Name: "coroutines, aio ReadAt, sched per core", Fn: AIORandomReadsPerCore},
		{Name: "bare preadv2 NOWAIT, thread per core", Fn: BareNowaitReads, skipped: &nowaitUnavailable},
		{Name: "bare pread64, thread per core", Fn: BarePreadReads},
		{Name: "goroutines, os.File.ReadAt", Fn: OSRandomReads},
	}},
	{"32 KiB reads at the file's position, one reader", NsPerOp, "os.File.Read", []Case{
		{Name: "coroutine, aio Read", Fn: AIOSequentialRead},
		{Name: "os.File.Read", Fn: OSSequentialRead},
	}},
	{"TCP echo, 1,000 connections, per request", NsPerOp, "goroutine per connection, net", []Case{
		{Name: "coroutine per connection, aio", Fn: EchoCoroutines},
		{Name: "coroutines, aio, sched per core", Fn: EchoCoroutinesPerCore},
		{Name: "goroutine per connection, net", Fn: EchoGoroutines},
	}},
	{"open+fstat+close of 10,000 small files", NsPerOp, "100 goroutines, os Open+Stat+Close", []Case{
		{Name: "100 coroutines, aio Open+Stat+Close", Fn: AIOOpenStatClose},
		{Name: "100 coroutines, aio, sched per core", Fn: AIOOpenStatClosePerCore},
		{Name: "100 goroutines, os Open+Stat+Close", Fn: OSOpenStatClose},
	}},
	{"4 KiB write and sync, 100 files", NsPerOp, "100 goroutines, os WriteAt+Sync", []Case{
		{Name: "100 coroutines, aio WriteAt+Sync", Fn: AIOSyncs},
		{Name: "100 goroutines, os WriteAt+Sync", Fn: OSSyncs},
	}},
	{"link and unlink, 100 directories", NsPerOp, "100 goroutines, os Link+Remove", []Case{
		{Name: "100 coroutines, aio Link+Unlink", Fn: AIOLinkUnlink},
		{Name: "100 goroutines, os Link+Remove", Fn: OSLinkUnlink},
	}},
}

// CedeRoundTrip: main and one coroutine cede to each other. Kept out of
// line for the reason TransferRoundTrip is.
//
//go:noinline
func CedeRoundTrip(b *testing.B) {
	runSched(b, func() {
		stop := false
		sched.Async(func() any {
			for !stop {
				sched.Cede()
			}
			return nil
		})
		sched.Cede() // let it start
		t := startTurns(b)
		b.ResetTimer()
		for n := t.batch(); n > 0; n = t.batch() {
			for range n {
				sched.Cede()
			}
			t.pull()
		}
		b.StopTimer()
		t.report("x-iter.Pull-in-turns")
		stop = true
	})
}

// TransferRoundTrip: the main context transfers to another, which
// transfers straight back. It is kept out of line: once Go 1.26 has
// inlined it into BenchmarkTransferRoundTrip, it no longer inlines
// Transfer into the copies of its closures, so the benchmark would time
// a Transfer slower than user code gets.
//
//go:noinline
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

// TransferSameLoop: two contexts transfer to each other from the same
// loop, so every return after a switch goes where the CPU predicts. In
// TransferRoundTrip the two sides are different functions and the first
// return on each side after a switch is mispredicted; the difference is
// that cost, which the bare register swap avoids by jumping, not returning.
func TransferSameLoop(b *testing.B) {
	state.Run(func() {
		main := state.Current()
		var other *state.State
		other = state.New(func() { transferLoop(other, main, -1) })
		main.Transfer(other)
		b.ResetTimer()
		transferLoop(main, other, b.N)
	})
}

// transferLoop transfers from self to to n times, or forever if n < 0.
//
//go:noinline
func transferLoop(self, to *state.State, n int) {
	for i := 0; i != n; i++ {
		self.Transfer(to)
	}
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
