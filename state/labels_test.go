package state_test

import (
	"bytes"
	"context"
	"runtime/pprof"
	"strings"
	"testing"

	"github.com/corogo/coro/state"
)

// labelsHere returns the profiler labels the goroutine profile shows for
// the calling goroutine, as its "# labels:" line, or "none".
func labelsHere(t *testing.T) string {
	t.Helper()
	var buf bytes.Buffer
	if err := pprof.Lookup("goroutine").WriteTo(&buf, 1); err != nil {
		t.Fatal(err)
	}
	for _, rec := range strings.Split(buf.String(), "\n\n") {
		if !strings.Contains(rec, "state_test.labelsHere") {
			continue
		}
		for _, line := range strings.Split(rec, "\n") {
			if l, ok := strings.CutPrefix(line, "# labels: "); ok {
				return l
			}
		}
		return "none"
	}
	t.Fatal("the goroutine profile does not show the calling goroutine")
	return ""
}

func setLabel(v string) {
	pprof.SetGoroutineLabels(pprof.WithLabels(context.Background(), pprof.Labels("ctx", v)))
}

// TestProfilerLabelsPerContext: each context has profiler labels of its
// own, as a goroutine does, and a new context starts with those of the
// context that enters it, as a goroutine starts with its creator's. On
// the turbo engine every context of a host runs on one goroutine. Switch
// moves them as Transfer does.
func TestProfilerLabelsPerContext(t *testing.T) {
	defer pprof.SetGoroutineLabels(context.Background())
	for _, way := range []struct {
		name     string
		transfer func(from, to *state.State)
	}{
		{"Transfer", (*state.State).Transfer},
		{"Switch", func(_, to *state.State) { state.Switch(func(*state.State) *state.State { return to }) }},
	} {
		t.Run(way.name, func(t *testing.T) {
			state.Run(func() {
				setLabel("main")
				main := state.Current()
				check := func(where, want string) {
					t.Helper()
					if got := labelsHere(t); got != `{"ctx":"`+want+`"}` {
						t.Errorf("%s: labels %s, want ctx=%s", where, got, want)
					}
				}
				var a, b *state.State
				a = state.New(func() {
					setLabel("a")
					way.transfer(a, b)
					check("a, resumed by b", "a")
					way.transfer(a, main)
				})
				b = state.New(func() {
					check("b, started by a", "a")
					setLabel("b")
					way.transfer(b, a)
					check("b, resumed by main", "b")
				})
				way.transfer(main, a)
				check("main, resumed by a", "main")
				way.transfer(main, b) // b ends, and main resumes
				check("main, after b ended", "main")
				a.Cancel()
			})
		})
	}
}
