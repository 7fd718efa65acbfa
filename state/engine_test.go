package state

import (
	"strings"
	"testing"

	"github.com/corogo/coro/internal/selfexec"
)

// turboAvailable is whether this build can run turbo when GODEBUG allows.
var turboAvailable = len(turboMissing("gcshrinkstackoff=1,adaptivestackstart=0")) == 0

var autoName, turboName = func() (string, string) {
	if turboAvailable {
		return "turbo", "turbo"
	}
	return "portable", "CORO_ENGINE=turbo, but turbo needs"
}()

func TestChooseEngine(t *testing.T) {
	for _, c := range []struct {
		env, godebug string
		want         string // engine name, or an error containing it
		wantErr      bool
	}{
		{"", "", "portable", false},
		{"auto", "gcshrinkstackoff=1,adaptivestackstart=0", autoName, false},
		{"portable", "", "portable", false},
		{"turbo", "gcshrinkstackoff=1,adaptivestackstart=0", turboName, !turboAvailable},
		{"auto", "gcshrinkstackoff=1", "portable", false},
		{"turbo", "", "GODEBUG gcshrinkstackoff=1; GODEBUG adaptivestackstart=0", true},
		{"fast", "", `CORO_ENGINE="fast"`, true},
	} {
		e, err := chooseEngine(c.env, c.godebug)
		switch {
		case c.wantErr && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("CORO_ENGINE=%q GODEBUG=%q: error %v, want one containing %q", c.env, c.godebug, err, c.want)
		case !c.wantErr && (err != nil || e.info().Name != c.want):
			t.Errorf("CORO_ENGINE=%q GODEBUG=%q: %v, %v; want %s", c.env, c.godebug, e, err, c.want)
		}
	}
}

// GODEBUG counts as the runtime parses it: the last of a key wins, and a
// setting the runtime does not apply (a space around it, a value that is
// no number) does not count. (Found by review: spaces were trimmed, and
// turbo ran on a runtime that shrank its stacks.)
func TestGodebugAsTheRuntimeParsesIt(t *testing.T) {
	for godebug, ok := range map[string]bool{
		"gcshrinkstackoff=1,adaptivestackstart=0":                         true,
		"gcshrinkstackoff=0,adaptivestackstart=0,gcshrinkstackoff=1,junk": true,
		"gcshrinkstackoff=2,adaptivestackstart=00":                        true,
		"gcshrinkstackoff=1, adaptivestackstart=0":                        false,
		" gcshrinkstackoff=1,adaptivestackstart=0":                        false,
		"gcshrinkstackoff=1 ,adaptivestackstart=0":                        false,
		"gcshrinkstackoff=yes,adaptivestackstart=0":                       false,
		"gcshrinkstackoff=1,adaptivestackstart=0,adaptivestackstart=1":    false,
		"gcshrinkstackoff=1":                                              false,
	} {
		missing := strings.Join(turboMissing(godebug), "; ")
		if got := !strings.Contains(missing, "GODEBUG"); got != ok {
			t.Errorf("GODEBUG=%q: turbo's settings count as set: %v, want %v (missing: %s)", godebug, got, ok, missing)
		}
	}
}

// TestTurboRequestFailsAtStartup re-runs this test binary with
// CORO_ENGINE=turbo: the process must stop before any test runs, saying
// what turbo needs, rather than fall back silently.
func TestTurboRequestFailsAtStartup(t *testing.T) {
	out, err := selfexec.Output([]string{"CORO_ENGINE=turbo", "GODEBUG="}, "-test.run=^TestChooseEngine$")
	if err == nil || !strings.Contains(string(out), "CORO_ENGINE=turbo, but turbo needs") {
		t.Fatalf("CORO_ENGINE=turbo ran (%v):\n%s", err, out)
	}
}
