package bench

import (
	"flag"
	"os"
	"sync"
	"testing"
)

// The turbo rows and the GC and memory cases measure in a child process:
// a fresh copy of the program (see Turbo and RunProbe). Their figures do
// not depend on b.N, so the case measures once per testing.Benchmark run
// and reports the same figures at every N of that run.

// childResults holds the latest figures of each such case, by name.
var childResults sync.Map

// perRun returns what measure gives, calling it once per
// testing.Benchmark run: a run calls its case first with b.N == 1, then
// with larger N. A later run (coro bench's next round, go test's -count)
// measures afresh.
func perRun[T any](b *testing.B, name string, measure func() T) T {
	if v, ok := childResults.Load(name); ok && b.N > 1 {
		return v.(T)
	}
	v := measure()
	childResults.Store(name, v)
	return v
}

// benchTimeEnv carries the parent's -test.benchtime to a turbo child, so
// that both engines' rows are timed alike.
const benchTimeEnv = "CORO_BENCH_TIME"

// childEnv is the environment a child is started with, besides its task.
func childEnv() []string {
	if f := flag.Lookup("test.benchtime"); f != nil {
		return []string{benchTimeEnv + "=" + f.Value.String()}
	}
	return nil
}

// useParentBenchTime sets this child's -test.benchtime to its parent's.
func useParentBenchTime() error {
	d, ok := os.LookupEnv(benchTimeEnv)
	if !ok {
		return nil
	}
	testing.Init() // registers test.benchtime where go test has not (coro)
	return flag.Set("test.benchtime", d)
}
