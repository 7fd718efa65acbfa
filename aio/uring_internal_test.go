package aio

import (
	"testing"

	"github.com/corogo/coro/aio/internal/uring"
	"github.com/corogo/coro/sched"
)

// A scheduler's ring takes the first set-up of uringSetups the kernel
// knows, and the requests of its coroutines reach it from the one thread
// that made it (SingleIssuer): otherwise the Nop would panic with EEXIST.
// The package's other tests, on both engines, use the same rings.
func TestRingTakesBestSetup(t *testing.T) {
	var want uint32
	for _, flags := range uringSetups {
		if r, err := uring.Setup(uringEntries, flags); err == nil {
			r.Close()
			want = flags
			break
		}
	}
	var flags uint32
	backend := ""
	err := sched.Run(func() {
		done := sched.Async(func() any { return Nop() })
		if err := Nop(); err != nil {
			t.Error(err) // not Fatal: this is a coroutine
		}
		if v, _ := done.Join(); v != nil {
			t.Error(v)
		}
		backend = Backend()
		if b, ok := loopOf(sched.Current().Scheduler()).be.(*uringBackend); ok {
			flags = b.ring.Params().Flags
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if backend != "io_uring" {
		t.Skipf("the scheduler uses %s", backend)
	}
	if flags != want {
		t.Errorf("ring set up with flags %#x, want %#x", flags, want)
	}
}
