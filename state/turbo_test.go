package state

import (
	"strings"
	"testing"

	"github.com/corogo/coro/internal/selfexec"
)

// TurboEnv is the environment that makes the turbo engine run.
var turboEnv = []string{"CORO_ENGINE=turbo", "GODEBUG=gcshrinkstackoff=1,adaptivestackstart=0"}

// TestTurbo runs this package's tests again in a process where the turbo
// engine runs, so go test exercises it with no set-up.
func TestTurbo(t *testing.T) {
	if Engine().Name == "turbo" {
		return // this is that process
	}
	if !turboAvailable {
		t.Skipf("no turbo engine here: %s", strings.Join(turboMissing("gcshrinkstackoff=1,adaptivestackstart=0"), "; "))
	}
	out, err := selfexec.Output(turboEnv, "-test.run=^Test", "-test.skip=^(TestTurbo|TestTurboRequestFailsAtStartup)$", "-test.count=1")
	if err != nil || !strings.Contains(string(out), "PASS") {
		t.Fatalf("tests on the turbo engine failed (%v):\n%s", err, out)
	}
}
