package aio

import (
	"testing"

	"github.com/corogo/coro/sched"
)

// JoinCancellingSome cancels every seventh of the readers, mid-read or
// between reads, then joins them all, reporting what any returned: the
// end of the torture tests here and in package aio_test.
func JoinCancellingSome(t testing.TB, readers []*sched.Coro) {
	t.Helper()
	for i, r := range readers {
		if i%7 == 0 {
			r.Cancel(nil)
		}
	}
	for _, r := range readers {
		if v, _ := r.Join(); v != nil {
			t.Error(v)
		}
	}
}

// DirFd is d's descriptor, whose number the tests watch.
func DirFd(d *Dir) int { return d.fd }
