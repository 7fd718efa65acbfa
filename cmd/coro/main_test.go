package main

import (
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/corogo/coro/bench"
)

func TestMain(m *testing.M) {
	bench.RunProbe()
	os.Exit(m.Run())
}

// TestBenchTable runs the whole table briefly and checks that every group
// and case is printed with a figure.
func TestBenchTable(t *testing.T) {
	old := flag.Lookup("test.benchtime").Value.String()
	flag.Set("test.benchtime", "3x")
	defer flag.Set("test.benchtime", old)

	var out strings.Builder
	if err := run(&out, false, 0); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	if !strings.HasPrefix(text, "engine: portable") {
		t.Errorf("table does not start with the engine:\n%s", text)
	}
	for _, g := range bench.Groups {
		if !strings.Contains(text, g.Title) {
			t.Errorf("group %q missing:\n%s", g.Title, text)
		}
		for _, c := range g.Cases {
			line := lineWith(text, c.Name)
			if f := strings.Fields(strings.TrimPrefix(line, "  "+c.Name)); len(f) != 2 || f[0] == "-" {
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
