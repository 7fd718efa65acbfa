package sched_test

import (
	"errors"
	"runtime"
	"testing"
	"time"

	"github.com/corogo/coro/sched"
)

// TestNoGoroutineLeaks ends coroutines in every way there is (return,
// Terminate, Cancel while queued or suspended, runtime.Goexit, left over
// when main returns, pooled and idle in the pool, a deadlock) and checks
// that no goroutine outlives Run.
func TestNoGoroutineLeaks(t *testing.T) {
	before := runtime.NumGoroutine()
	for range 3 {
		run(t, func() {
			sched.Async(func() any { return 1 })
			sched.Async(func() any { sched.Terminate(2); return nil })
			sched.Async(func() any { runtime.Goexit(); return nil })
			queued := sched.Async(func() any { return nil })
			suspended := sched.Async(func() any { sched.Schedule(); return nil })
			sched.Async(func() any { sched.Schedule(); return nil }) // left over
			for range 20 {
				sched.AsyncPool(func() { sched.Cede() })
			}
			sched.Cede()
			queued.Cancel(nil)
			suspended.Cancel(nil)
			for range 5 {
				sched.Cede()
			}
		})
		err := sched.Run(func() {
			sched.Async(func() any { sched.Schedule(); return nil })
			sched.Schedule()
		})
		if !errors.Is(err, sched.ErrDeadlock) {
			t.Fatalf("want a deadlock, got %v", err)
		}
	}
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond) // exited goroutines are reaped asynchronously
	}
	if after := runtime.NumGoroutine(); after > before {
		buf := make([]byte, 1<<16)
		t.Fatalf("%d goroutines before, %d after:\n%s", before, after, buf[:runtime.Stack(buf, true)])
	}
}
