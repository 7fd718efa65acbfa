package aio

import (
	"errors"
	"io"
	"math"
	"os"
	"strconv"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/corogo/coro/sched"
)

// A cancel that reaches a worker whose request cannot be stopped (a
// function that sleeps, on every worker at once) leaves nothing behind:
// the pool keeps no request once they complete, and no worker's
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
		l, err := loopFor(sched.Current())
		if err != nil {
			t.Fatal(err)
		}
		p := l.pool
		p.mu.Lock()
		if len(p.queued) != 0 || len(p.running) != 0 {
			t.Errorf("the pool keeps %d queued and %d running requests that have completed", len(p.queued), len(p.running))
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

// A pool read or write that the descriptor's readiness would never let go
// on returns at once, as its system call does: a write to a pipe's read
// end fails with EBADF, and a read of a FIFO opened O_NONBLOCK with no
// writer gets EOF. (Found by review: both waited in ppoll for readiness
// that never came.)
func TestPoolCallThatCannotWaitReturnsAtOnce(t *testing.T) {
	fifo := t.TempDir() + "/fifo"
	if err := unix.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	s := sched.New()
	if err := UsePool(s); err != nil {
		t.Fatal(err)
	}
	err := s.Run(func() {
		f, _ := pipeFile(t) // the read end
		defer f.Close()
		var werr error
		if err := sched.WithTimeout(500*time.Millisecond, func() { _, werr = f.Write([]byte("x")) }); err != nil || !errors.Is(werr, unix.EBADF) {
			t.Errorf("Write to a pipe's read end: %v (WithTimeout: %v), want EBADF at once", werr, err)
		}
		g, err := OpenFile(fifo, os.O_RDONLY|unix.O_NONBLOCK, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer g.Close()
		var rerr error
		if err := sched.WithTimeout(500*time.Millisecond, func() { _, rerr = g.Read(make([]byte, 8)) }); err != nil || rerr != io.EOF {
			t.Errorf("Read of a FIFO opened O_NONBLOCK with no writer: %v (WithTimeout: %v), want io.EOF at once", rerr, err)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A pool write to a pipe larger than the room POLLOUT promises stops at
// its deadline too. (Found by review: the write blocked in the kernel
// once the pipe filled, until the reader drained it.)
func TestPoolStopsLargePipeWrite(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	drain := time.AfterFunc(time.Second, func() { go io.Copy(io.Discard, r) }) // ends a hang
	defer drain.Stop()
	s := sched.New()
	if err := UsePool(s); err != nil {
		t.Fatal(err)
	}
	var took time.Duration
	err = s.Run(func() {
		f, err := OpenFile("/dev/fd/"+strconv.Itoa(int(w.Fd())), os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		start := time.Now()
		sched.WithTimeout(50*time.Millisecond, func() { f.Write(make([]byte, 1<<20)) })
		took = time.Since(start)
	})
	if err != nil {
		t.Fatal(err)
	}
	if took > 500*time.Millisecond {
		t.Errorf("a 1 MiB pipe write ended %v after a 50ms deadline", took)
	}
}

// The pool's epoll timeout never wakes early and never wraps: a wait
// longer than int32 milliseconds is cut to the most epoll takes, not to
// its low 32 bits.
func TestEpollTimeout(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want int
	}{
		{-time.Second, 0},
		{0, 0},
		{1, 1},
		{time.Millisecond, 1},
		{time.Millisecond + 1, 2},
		{(1<<32 + 5) * time.Millisecond, math.MaxInt32},
		{math.MaxInt64, math.MaxInt32},
	} {
		if got := epollTimeout(tc.d); got != tc.want {
			t.Errorf("epollTimeout(%v) = %d, want %d", tc.d, got, tc.want)
		}
	}
}
