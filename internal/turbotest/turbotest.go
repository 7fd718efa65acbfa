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

// Rerun runs the calling test binary's tests again in a process with Env,
// all but the calling test and those matching skip (a -test.skip
// pattern, or ""), and fails with the child's output if any fails. In
// that child it returns at once. Where the turbo engine cannot run at
// all (another architecture, a -race build), it skips, saying why.
func Rerun(t *testing.T, skip string) {
	t.Helper()
	if state.Engine().Name == "turbo" {
		return // this is the child
	}
	skip = "^" + regexp.QuoteMeta(t.Name()) + "$" + "|" + skip
	out, err := selfexec.Output(Env, "-test.run=^(Test|Example)", "-test.skip="+strings.TrimSuffix(skip, "|"), "-test.count=1")
	if _, why, ok := strings.Cut(string(out), "but turbo needs "); ok && err != nil {
		why, _, _ = strings.Cut(why, "\n")
		t.Skipf("the turbo engine cannot run here: it needs %s", why)
	}
	if err != nil || !strings.Contains(string(out), "PASS") {
		t.Fatalf("tests on the turbo engine failed (%v):\n%s", err, out)
	}
}
