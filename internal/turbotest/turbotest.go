// Package turbotest runs a package's tests again on the turbo engine, so
// that go test exercises it with no set-up: the engine needs GODEBUG
// settings that only a new process can have.
package turbotest

import (
	"regexp"
	"strings"
	"testing"

	"github.com/corogo/coro/internal/selfexec"
	"github.com/corogo/coro/state"
)

// Env makes the turbo engine run, or the process stop at start-up saying
// what it lacks.
var Env = []string{"CORO_ENGINE=turbo", "GODEBUG=gcshrinkstackoff=1,adaptivestackstart=0"}

// Output runs this executable again with Env and env, as selfexec.Output
// does. If the child stopped at start-up because the turbo engine cannot
// run there (another architecture, a -race build), missing says what it
// needs.
func Output(env []string, args ...string) (out []byte, missing string, err error) {
	out, err = selfexec.Output(append(append([]string(nil), Env...), env...), args...)
	if _, why, ok := strings.Cut(string(out), "but turbo needs "); ok && err != nil {
		missing, _, _ = strings.Cut(why, "\n")
	}
	return out, missing, err
}

// Rerun runs the calling test binary's tests again in a process with Env,
// all but the calling test and those matching skip (a -test.skip
// pattern, or ""), and fails with the child's output if any fails. The
// child skips the calling test, so it never gets here; a process already
// on the turbo engine returns at once. Where the turbo engine cannot run
// at all, it skips, saying why.
func Rerun(t *testing.T, skip string) {
	t.Helper()
	if state.Engine().Name == "turbo" {
		return // already on the turbo engine: nothing to rerun
	}
	skip = "^" + regexp.QuoteMeta(t.Name()) + "$" + "|" + skip
	out, missing, err := Output(nil, "-test.run=^(Test|Example)", "-test.skip="+strings.TrimSuffix(skip, "|"), "-test.count=1")
	if missing != "" {
		t.Skipf("the turbo engine cannot run here: it needs %s", missing)
	}
	if err != nil || !strings.Contains(string(out), "PASS") {
		t.Fatalf("tests on the turbo engine failed (%v):\n%s", err, out)
	}
}
