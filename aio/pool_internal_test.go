package aio

import (
	"errors"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/corogo/coro/sched"
)

// A cancel that reaches a worker whose request cannot be stopped (a
// function that sleeps, on every worker at once) leaves nothing behind:
// the pool keeps no cancel once the requests complete, and no worker's
// stop eventfd stays written to end its next read of a pipe that has data.
func TestPoolForgetsLateCancels(t *testing.T) {
	s := sched.New()
	if err := UsePool(s); err != nil {
		t.Fatal(err)
	}
	err := s.Run(func() {
		var sleepers []*sched.Coro
		for range poolWorkers {
			sleepers = append(sleepers, sched.Async(func() any {
				return sched.WithTimeout(5*time.Millisecond, func() {
					run(func() error { time.Sleep(30 * time.Millisecond); return nil })
				})
			}))
		}
		for _, c := range sleepers {
			if v, _ := c.Join(); !errors.Is(v.(error), sched.ErrTimeout) {
				t.Fatalf("a sleeping request cut short by a deadline: %v", v)
			}
		}
		p := loopFor(sched.Current()).pool
		p.mu.Lock()
		if n := len(p.cancels); n != 0 {
			t.Errorf("the pool keeps %d cancels of requests that have completed", n)
		}
		p.mu.Unlock()
		var readers []*sched.Coro
		for range poolWorkers {
			f, w := pipeFile(t)
			defer f.Close()
			w.Write([]byte("x"))
			readers = append(readers, sched.Async(func() any {
				_, err := f.Read(make([]byte, 1))
				return err
			}))
		}
		for _, c := range readers {
			if v, _ := c.Join(); v != nil {
				t.Errorf("a read of a pipe with data, after a cancel its worker could not act on: %v", v)
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A read of an empty pipe, and a write to a full one, end at their
// coroutine's cancel, WithTimeout's deadline, or Run's end, on the pool
// as on io_uring: the worker's wait for the pipe is stopped. (Found by
// review: each waited for the other end, for ever.)
func TestPoolStopsPipeWaits(t *testing.T) {
	// The other ends never act: a hang here is the bug (the test binary's
	// -timeout ends it).
	for _, dir := range []string{"read", "write"} {
		t.Run(dir, func(t *testing.T) {
			r, w, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			defer w.Close()
			end := r
			if dir == "write" {
				end = w
				w.Write(make([]byte, 1<<16)) // a pipe's default capacity: full
			}
			s := sched.New()
			if err := UsePool(s); err != nil {
				t.Fatal(err)
			}
			err = s.Run(func() {
				flag := os.O_RDONLY
				if dir == "write" {
					flag = os.O_WRONLY
				}
				f, err := OpenFile("/dev/fd/"+strconv.Itoa(int(end.Fd())), flag, 0)
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				op := func() {
					if dir == "read" {
						f.Read(make([]byte, 8))
					} else {
						f.Write([]byte("x"))
					}
				}
				if err := sched.WithTimeout(10*time.Millisecond, op); !errors.Is(err, sched.ErrTimeout) {
					t.Errorf("WithTimeout: %v, want its timeout", err)
				}
				c := sched.Async(func() any { op(); return nil })
				sched.Sleep(10 * time.Millisecond)
				c.Cancel(nil)
				sched.Async(func() any { op(); return nil }) // still waiting when main returns
				sched.Sleep(10 * time.Millisecond)
			})
			if err != nil {
				t.Fatal(err)
			}
		})
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
			pf, w := pipeFile(t)
			defer pf.Close()
			ws = append(ws, w)
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

// pipeFile opens the read end of a new pipe as a File of the running
// coroutine's scheduler, and returns it with the write end. The pipe's
// own descriptors are closed when the test ends.
func pipeFile(t *testing.T) (*File, *os.File) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close(); w.Close() })
	f, err := Open("/dev/fd/" + strconv.Itoa(int(r.Fd())))
	if err != nil {
		t.Fatal(err)
	}
	return f, w
}
