package aio

import (
	"fmt"
	"strings"
	"testing"

	"github.com/corogo/coro/internal/selfexec"
	"github.com/corogo/coro/sched"
)

func TestParseWanted(t *testing.T) {
	for env, want := range map[string]backendWanted{"": wantAuto, "auto": wantAuto, "pool": wantPool, "uring": wantUring} {
		if got, err := parseWanted(env); got != want || err != nil {
			t.Errorf("CORO_AIO=%q: %v, %v; want %v, nil", env, got, err, want)
		}
	}
	for _, env := range []string{"Pool", "io_uring", "off", " pool"} {
		if _, err := parseWanted(env); err == nil || !strings.Contains(err.Error(), "want auto, pool or uring") {
			t.Errorf("CORO_AIO=%q: %v; want an error naming the values", env, err)
		}
	}
}

// TestUnknownCoroAIOStopsAtStartup re-runs this test binary with a
// CORO_AIO it does not know: the process must stop before any test runs,
// saying so. (Found in review: any value but "pool" meant io_uring.)
func TestUnknownCoroAIOStopsAtStartup(t *testing.T) {
	out, err := selfexec.Output([]string{"CORO_AIO=io_uring"}, "-test.run=^TestParseWanted$")
	if err == nil || !strings.Contains(string(out), `CORO_AIO="io_uring": want auto, pool or uring`) {
		t.Fatalf("CORO_AIO=io_uring ran (%v):\n%s", err, out)
	}
}

// TestCoroAIOUring: CORO_AIO=uring gives io_uring where it works, and
// where it does not a panic saying why, never the pool.
func TestCoroAIOUring(t *testing.T) {
	t.Setenv("CORO_AIO", "uring")
	probe, available := newUring()
	if available == nil {
		probe.close()
	}
	be, err := func() (be backend, err error) {
		defer func() {
			if v := recover(); v != nil {
				err = fmt.Errorf("panic: %w", v.(error))
			}
		}()
		return newBackend()
	}()
	switch {
	case available == nil && (err != nil || !strings.HasPrefix(be.name(), "io_uring")):
		t.Errorf("io_uring works here, but CORO_AIO=uring gives %v, %v", be, err)
	case available != nil && (err == nil || !strings.HasSuffix(err.Error(), available.Error()+" (and CORO_AIO=uring)")):
		t.Errorf("io_uring fails here (%v), but CORO_AIO=uring gives %v, %v", available, be, err)
	}
	if be != nil {
		be.close()
	}
}

// TestUsePoolAfterBackend: Backend reports a scheduler's backend before
// its first request without making its loop, so UsePool may follow.
// (Found in review: UsePool failed after it.)
func TestUsePoolAfterBackend(t *testing.T) {
	t.Setenv("CORO_AIO", "")
	err := sched.Run(func() {
		first := Backend()
		if err := UsePool(sched.Current().Scheduler()); err != nil {
			t.Fatalf("UsePool after Backend (%s): %v", first, err)
		}
		if got := Backend(); !strings.HasPrefix(got, "thread pool (aio.UsePool)") {
			t.Errorf("Backend after UsePool = %s", got)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
}
