package aio

import (
	"errors"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/corogo/coro/sched"
)

// A cancel that reaches the pool after a worker took its request (here a
// read of an empty pipe, cut short by a deadline) has nothing left to
// stop; the pool forgets it once the request completes instead of keeping
// it, and the request with it, for good.
func TestPoolForgetsLateCancels(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	s := sched.New()
	if err := UsePool(s); err != nil {
		t.Fatal(err)
	}
	err = s.Run(func() {
		f, err := Open("/dev/fd/" + strconv.Itoa(int(r.Fd())))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		go func() { // the worker's blocking read ends only with data
			time.Sleep(50 * time.Millisecond)
			w.Write([]byte("x"))
		}()
		err = sched.WithTimeout(5*time.Millisecond, func() { f.Read(make([]byte, 8)) })
		if !errors.Is(err, sched.ErrTimeout) {
			t.Fatalf("Read on an empty pipe: %v", err)
		}
		p := loopFor(sched.Current()).pool
		p.mu.Lock()
		defer p.mu.Unlock()
		if n := len(p.cancels); n != 0 {
			t.Errorf("the pool keeps %d cancels of requests that have completed", n)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
}
