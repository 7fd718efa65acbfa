// Command coro runs the project's benchmarks and reports them as a table.
//
//	coro bench [-rounds N] [-benchtime D] [-perl=false] [-perl-rounds N]
//
// Every figure comes from one process, so the ratios between rows are
// meaningful even on a noisy machine; the absolute numbers are not. Each
// group runs its cases in turn, round after round, and a row shows the
// case's median round: a slow spell of the machine then costs a case one
// round instead of deciding its row.
package main

import (
	"cmp"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"testing"

	"github.com/corogo/coro/bench"
	"github.com/corogo/coro/state"
)

func main() {
	bench.RunProbe() // a measurement this program asked of a fresh copy of itself
	if len(os.Args) < 2 || os.Args[1] != "bench" {
		fmt.Fprintln(os.Stderr, "usage: coro bench [-rounds N] [-benchtime D] [-perl=false] [-perl-rounds N]")
		os.Exit(2)
	}
	fs := flag.NewFlagSet("bench", flag.ExitOnError)
	perl := fs.Bool("perl", true, "also time Perl Coro's cede round trip, when perl and Coro are installed")
	perlRounds := fs.Int("perl-rounds", 1_000_000, "round trips for the Perl Coro row")
	rounds := fs.Int("rounds", 3, "times each case runs, in turn with the others of its group; a row shows the median")
	benchTime := fs.String("benchtime", "300ms", "how long each case runs in a round (as go test's -benchtime)")
	fs.Parse(os.Args[2:])
	if *rounds < 1 {
		fmt.Fprintf(os.Stderr, "coro bench: -rounds %d: want at least 1\n", *rounds)
		os.Exit(2)
	}
	testing.Init() // testing.Benchmark reads its -test.benchtime
	if err := flag.Set("test.benchtime", *benchTime); err != nil {
		fmt.Fprintf(os.Stderr, "coro bench: -benchtime %q: %v\n", *benchTime, err)
		os.Exit(2)
	}
	err := run(os.Stdout, *rounds, *perl, *perlRounds)
	bench.Cleanup() // the file cases' files
	if err != nil {
		fmt.Fprintln(os.Stderr, "coro bench:", err)
		os.Exit(1)
	}
}

type row struct {
	name  string
	ns    float64
	note  string
	extra []string // other metrics the case reported, "value unit"
}

func run(w io.Writer, rounds int, perl bool, perlRounds int) error {
	fmt.Fprintf(w, "engine: %v\n", state.Engine())
	fmt.Fprintf(w, "aio: %v\n", bench.AIOBackend())
	fmt.Fprintf(w, "rounds: %d, each row its median\n", rounds)
	for _, g := range bench.Groups {
		results := make([][]testing.BenchmarkResult, len(g.Cases))
		for range rounds {
			for i, c := range g.Cases {
				results[i] = append(results[i], testing.Benchmark(c.Fn))
			}
		}
		var rows []row
		for i, c := range g.Cases {
			r := median(g.Unit, results[i])
			if why := c.Skipped(); r.N == 0 && why != "" {
				rows = append(rows, row{name: c.Name, note: "skipped: " + why})
				continue
			}
			if r.N == 0 {
				return fmt.Errorf("%s: %s did not run", g.Title, c.Name)
			}
			rows = append(rows, row{name: c.Name, ns: figure(g.Unit, r), extra: extras(g.Unit, r)})
		}
		if perl && g.Title == bench.Groups[0].Title {
			rows = append(rows, perlRow(perlRounds))
		}
		printTable(w, g, rows)
	}
	return nil
}

// median returns the round whose figure is the median of a case's rounds
// (the lower middle one of an even number), or a result with N == 0 when
// a round did not run. Its other metrics come from the same round.
func median(u bench.Unit, rounds []testing.BenchmarkResult) testing.BenchmarkResult {
	for _, r := range rounds {
		if r.N == 0 {
			return r
		}
	}
	sorted := slices.SortedFunc(slices.Values(rounds), func(a, b testing.BenchmarkResult) int {
		return cmp.Compare(figure(u, a), figure(u, b))
	})
	return sorted[(len(sorted)-1)/2]
}

// figure is what a group shows of a benchmark result.
func figure(u bench.Unit, r testing.BenchmarkResult) float64 {
	if u == bench.NsPerOp {
		if v, ok := r.Extra["ns/op"]; ok { // measured in another process (bench.Turbo)
			return v
		}
		return float64(r.T.Nanoseconds()) / float64(r.N)
	}
	return r.Extra[string(u)]
}

// extras are the metrics a result has besides the group's unit, in the
// order of their units, so that every row of a group lists them alike.
// Values of 100 and more are rounded to whole numbers, smaller ones to
// three significant digits.
func extras(u bench.Unit, r testing.BenchmarkResult) []string {
	var units []string
	for unit := range r.Extra {
		if unit != string(u) && unit != "ns/op" {
			units = append(units, unit)
		}
	}
	slices.Sort(units)
	e := make([]string, len(units))
	for i, unit := range units {
		v := r.Extra[unit]
		text := strconv.FormatFloat(v, 'g', 3, 64)
		if math.Abs(v) >= 100 {
			text = strconv.FormatFloat(math.Round(v), 'f', -1, 64)
		}
		e[i] = text + " " + unit
	}
	return e
}

func perlRow(rounds int) row {
	const name = "Perl Coro cede"
	ns, err := bench.PerlCedeRoundTrip(rounds)
	if err != nil {
		return row{name: name, note: "skipped: " + err.Error()}
	}
	return row{name: name, ns: ns}
}

// printTable prints ns/op and each row's ratio to the group's reference,
// then any other metrics of the row.
func printTable(w io.Writer, g bench.Group, rows []row) {
	ref, refName := 0.0, g.Ref
	for _, r := range rows {
		if r.ns > 0 && (r.name == g.Ref || g.Ref == "" && (ref == 0 || r.ns < ref)) {
			ref, refName = r.ns, r.name
		}
	}
	fmt.Fprintf(w, "\n%-40s %10s  x %s\n", g.Title, g.Unit, refName)
	for _, r := range rows {
		if r.ns == 0 {
			fmt.Fprintf(w, "  %-38s %10s  %s\n", r.name, "-", r.note)
			continue
		}
		fmt.Fprintf(w, "  %-38s %10.1f  %6.2f", r.name, r.ns, r.ns/ref)
		for _, e := range r.extra {
			fmt.Fprintf(w, "  %s", e)
		}
		fmt.Fprintln(w)
	}
}
