package main

import (
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/corogo/coro/bench"
	"github.com/corogo/coro/state"
)

func TestMain(m *testing.M) {
	bench.RunProbe()
	code := m.Run()
	bench.Cleanup()
	os.Exit(code)
}

// TestBenchTable runs the whole table briefly and checks that every group
// and case is printed with a figure, so a broken benchmark in package bench
// fails the ordinary test run instead of waiting for -bench.
func TestBenchTable(t *testing.T) {
	old := flag.Lookup("test.benchtime").Value.String()
	flag.Set("test.benchtime", "3x")
	defer flag.Set("test.benchtime", old)
	defer func(size int64, n, conns int) {
		bench.BigFileSize, bench.SmallFiles, bench.EchoConns = size, n, conns
	}(bench.BigFileSize, bench.SmallFiles, bench.EchoConns)
	bench.BigFileSize, bench.SmallFiles, bench.EchoConns = 8<<20, 500, 50

	var out strings.Builder
	if err := run(&out, 2, false, 0); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	if !strings.HasPrefix(text, "engine: "+state.Engine().String()+"\n") || !strings.Contains(text, "\nrounds: 2, each row its median\n") {
		t.Errorf("table does not start with the engine and the rounds:\n%s", text)
	}
	for _, g := range bench.Groups {
		if !strings.Contains(text, g.Title) {
			t.Errorf("group %q missing:\n%s", g.Title, text)
		}
		for _, c := range g.Cases {
			line := lineWith(text, c.Name)
			if why := c.Skipped(); why != "" && strings.Contains(line, "skipped: "+why) {
				continue // the turbo engine cannot run in this build or here
			}
			if f := strings.Fields(strings.TrimPrefix(line, "  "+c.Name)); len(f) < 2 || len(f)%2 != 0 || f[0] == "-" {
				t.Errorf("case %q has no figure: %q", c.Name, line)
			}
		}
	}
}

func lineWith(text, name string) string {
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, "  "+name+" ") {
			return l
		}
	}
	return ""
}

// TestExtraMetrics checks that the metrics a case reports besides the
// group's unit follow its ratio, and that the file cases report threads.
func TestExtraMetrics(t *testing.T) {
	r := testing.BenchmarkResult{N: 1, Extra: map[string]float64{"ns/GC": 5, "threads": 8, "B/x": 0.5, "cpu-ns": 17700.286, "x-ref": 1.4118301833455145}}
	if got, want := extras("ns/GC", r), []string{"0.5 B/x", "17700 cpu-ns", "8 threads", "1.41 x-ref"}; !slices.Equal(got, want) {
		t.Errorf("extras = %q, want %q", got, want)
	}
	var out strings.Builder
	printTable(&out, bench.Group{Title: "g", Unit: bench.NsPerOp}, []row{
		{name: "a", ns: 10, extra: []string{"8 threads"}},
		{name: "b", ns: 20},
	})
	want := "\n" + fmt.Sprintf("%-40s %10s  x a\n", "g", "ns/op") +
		fmt.Sprintf("  %-38s %10s  %6s  8 threads\n", "a", "10.0", "1.00") +
		fmt.Sprintf("  %-38s %10s  %6s\n", "b", "20.0", "2.00")
	if out.String() != want {
		t.Errorf("table:\n%s\nwant:\n%s", out.String(), want)
	}

	old := flag.Lookup("test.benchtime").Value.String()
	flag.Set("test.benchtime", "1x")
	defer flag.Set("test.benchtime", old)
	defer func(size int64) { bench.BigFileSize = size }(bench.BigFileSize)
	bench.BigFileSize = 1 << 20
	if r := testing.Benchmark(bench.AIORandomReadsPool); !slices.ContainsFunc(extras(bench.NsPerOp, r), func(e string) bool {
		return strings.HasSuffix(e, " threads")
	}) {
		t.Errorf("AIORandomReadsPool reports %v, no threads", r.Extra)
	}
}

// TestMedian checks that a row is its case's median round, metrics and
// all, and that a round that did not run leaves the row without a figure.
func TestMedian(t *testing.T) {
	round := func(ns int64, threads float64) testing.BenchmarkResult {
		return testing.BenchmarkResult{N: 1, T: time.Duration(ns), Extra: map[string]float64{"threads": threads}}
	}
	for _, tc := range []struct {
		rounds      []testing.BenchmarkResult
		ns, threads float64
	}{
		{[]testing.BenchmarkResult{round(30, 3), round(10, 1), round(20, 2)}, 20, 2},
		{[]testing.BenchmarkResult{round(40, 4), round(10, 1), round(20, 2), round(30, 3)}, 20, 2},
		{[]testing.BenchmarkResult{round(7, 1)}, 7, 1},
	} {
		r := median(bench.NsPerOp, tc.rounds)
		if got := figure(bench.NsPerOp, r); got != tc.ns || r.Extra["threads"] != tc.threads {
			t.Errorf("median of %d rounds: %v ns/op and %v threads, want %v and %v", len(tc.rounds), got, r.Extra["threads"], tc.ns, tc.threads)
		}
	}
	if r := median(bench.NsPerOp, []testing.BenchmarkResult{round(10, 1), {}, round(20, 2)}); r.N != 0 {
		t.Errorf("median with a round that did not run has N = %d, want 0", r.N)
	}
}
