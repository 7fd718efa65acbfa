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

// A Close whose coroutine is cancelled while it waits for a worker (every
// worker here blocks reading an empty pipe) still closes the descriptor:
// the File counts as closed at once, so a close cut short would leave the
// descriptor open for good. (Found by review: the pool dropped it.)
func TestPoolCancelledCloseStillCloses(t *testing.T) {
	name := t.TempDir() + "/f"
	if err := os.WriteFile(name, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := sched.New()
	if err := UsePool(s); err != nil {
		t.Fatal(err)
	}
	var fd int
	err := s.Run(func() {
		var ws []*os.File
		for range poolWorkers {
			r, w, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			defer w.Close()
			ws = append(ws, w)
			pf, err := Open("/dev/fd/" + strconv.Itoa(int(r.Fd())))
			if err != nil {
				t.Fatal(err)
			}
			defer pf.Close()
			sched.Async(func() any { pf.Read(make([]byte, 1)); return nil })
		}
		f, err := Open(name)
		if err != nil {
			t.Fatal(err)
		}
		fd = f.fd
		closer := sched.Async(func() any { f.Close(); return nil })
		sched.Sleep(10 * time.Millisecond) // the workers block; the close waits in the queue
		time.AfterFunc(20*time.Millisecond, func() {
			for _, w := range ws {
				w.Write([]byte("x"))
			}
		})
		closer.Cancel(nil) // returns once the close has completed
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat("/proc/self/fd/" + strconv.Itoa(fd)); err == nil {
		t.Errorf("descriptor %d is still open after its File's cancelled Close", fd)
	}
}
