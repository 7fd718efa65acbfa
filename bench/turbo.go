package bench

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/corogo/coro/internal/turbotest"
)

// The turbo engine needs GODEBUG settings that only a new process can
// have, so a turbo row is its case run in a fresh copy of the program with
// them set (RunProbe). The child reports ns/op and the case's metrics; the
// row reports them as its own.

const turboEnv = "CORO_BENCH_TURBO"

// turboCases are the cases Turbo wraps, by name.
var turboCases = map[string]func(*testing.B){}

// turboUnavailable is why turbo rows were skipped, once one has been: the
// turbo engine cannot run in this build or on this machine.
var turboUnavailable string

// Turbo returns the case row: fn run on the turbo engine, in a child
// process that finds it by name. Where the engine cannot run (another
// architecture, a -race build), the case is skipped with the reason.
func Turbo(row, name string, fn func(*testing.B)) Case {
	turboCases[name] = fn
	return Case{Name: row, Fn: turboRun(name), skipped: &turboUnavailable}
}

func turboRun(name string) func(*testing.B) {
	return func(b *testing.B) {
		m := perRun(b, "turbo "+name, func() map[string]float64 {
			out, missing, err := turbotest.Output(append(childEnv(), turboEnv+"="+name), "-test.run=^$")
			if missing != "" {
				turboUnavailable = "turbo needs " + missing
				b.Skip(turboUnavailable)
			}
			if err != nil {
				b.Fatalf("turbo %s: %v\n%s", name, err, out)
			}
			metrics, err := parseMetrics(string(out))
			if err != nil {
				b.Fatalf("turbo %s: %v", name, err)
			}
			return metrics
		})
		for unit, v := range m {
			b.ReportMetric(v, unit)
		}
	}
}

// runTurboCase runs the case the parent asked for and prints
// "value unit" pairs.
func runTurboCase(name string) {
	fn, ok := turboCases[name]
	if !ok {
		fmt.Fprintf(os.Stderr, "bench: no turbo case %q\n", name)
		os.Exit(2)
	}
	if err := useParentBenchTime(); err != nil {
		fmt.Fprintf(os.Stderr, "bench: turbo case %q: %v\n", name, err)
		os.Exit(2)
	}
	r := testing.Benchmark(fn)
	if r.N == 0 {
		fmt.Fprintf(os.Stderr, "bench: turbo case %q did not run\n", name)
		os.Exit(1)
	}
	if _, ok := r.Extra["ns/op"]; !ok {
		fmt.Printf("%v ns/op", float64(r.T.Nanoseconds())/float64(r.N))
	}
	for unit, v := range r.Extra {
		fmt.Printf(" %v %s", v, unit)
	}
	fmt.Println()
}

func parseMetrics(out string) (map[string]float64, error) {
	f := strings.Fields(out)
	if len(f) == 0 || len(f)%2 != 0 {
		return nil, fmt.Errorf("printed %q", out)
	}
	m := make(map[string]float64)
	for i := 0; i < len(f); i += 2 {
		v, err := strconv.ParseFloat(f[i], 64)
		if err != nil {
			return nil, fmt.Errorf("printed %q", out)
		}
		m[f[i+1]] = v
	}
	return m, nil
}
