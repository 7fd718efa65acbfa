package aio

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/corogo/coro/sched"
)

// pipeWriters are the write ends of pipes whose readers wait, for a
// rescue timer to write to should the test fail; the timer's goroutine
// reads the list.
type pipeWriters struct {
	mu sync.Mutex
	ws []*os.File
}

func (p *pipeWriters) add(w *os.File) {
	p.mu.Lock()
	p.ws = append(p.ws, w)
	p.mu.Unlock()
}

func (p *pipeWriters) writeAll() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, w := range p.ws {
		w.Write([]byte("x"))
	}
}

// eachBackend runs f once on io_uring (where the kernel has it) and once
// on the thread pool.
func eachBackend(t *testing.T, f func(t *testing.T)) {
	for _, backend := range []string{"", "pool"} {
		t.Run("CORO_AIO="+backend, func(t *testing.T) {
			t.Setenv("CORO_AIO", backend)
			f(t)
		})
	}
}

// A cancel reaches a request still queued for the pool at once, though
// every worker waits on a pipe that only other cancels would stop: a
// timeout around a read of an empty pipe queued behind poolWorkers such
// reads (on the pool; on io_uring the ring makes it), and around a
// Readlink queued behind opens of FIFOs that wait for readers (the pool
// helps io_uring with both). (Found in review: the cancel waited for a
// worker to come free, for ever had the tests not written to the pipes
// and opened the FIFOs after 3 s.)
func TestCancelReachesAQueuedRequest(t *testing.T) {
	eachBackend(t, func(t *testing.T) {
		dir := t.TempDir()
		var writers pipeWriters
		var fifos []string
		for i := range poolWorkers {
			fifos = append(fifos, filepath.Join(dir, "fifo"+strconv.Itoa(i)))
			if err := unix.Mkfifo(fifos[i], 0o600); err != nil {
				t.Fatal(err)
			}
		}
		rescue := time.AfterFunc(3*time.Second, func() {
			writers.writeAll()
			for _, name := range fifos {
				if r, err := os.OpenFile(name, os.O_RDONLY|unix.O_NONBLOCK, 0); err == nil {
					defer r.Close()
					time.Sleep(100 * time.Millisecond)
				}
			}
		})
		defer rescue.Stop()
		err := sched.Run(func() {
			f, _ := pipeFile(t)
			var blockers []*sched.Coro
			for range poolWorkers {
				g, w := pipeFile(t)
				writers.add(w)
				blockers = append(blockers, sched.Async(func() any { g.Read(make([]byte, 1)); return nil }))
			}
			sched.Sleep(10 * time.Millisecond) // they wait for their pipes
			start := time.Now()
			if err := sched.WithTimeout(100*time.Millisecond, func() { f.Read(make([]byte, 1)) }); err != sched.ErrTimeout || time.Since(start) > time.Second {
				t.Errorf("%s: a 100 ms WithTimeout around a queued read of an empty pipe: %v after %v", Backend(), err, time.Since(start))
			}
			for _, c := range blockers {
				c.Cancel(nil)
			}
			for _, name := range fifos {
				sched.Async(func() any {
					if f, err := OpenFile(name, os.O_WRONLY, 0); err == nil {
						f.Close()
					}
					return nil
				})
			}
			sched.Sleep(10 * time.Millisecond) // the opens wait for readers on the workers
			start = time.Now()
			if err := sched.WithTimeout(100*time.Millisecond, func() { Readlink(filepath.Join(dir, "none")) }); err != sched.ErrTimeout || time.Since(start) > time.Second {
				t.Errorf("%s: a 100 ms WithTimeout around a queued Readlink: %v after %v", Backend(), err, time.Since(start))
			}
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// Run ends at once though a coroutine it cancels first has a request
// queued behind those of coroutines it cancels later, which hold every
// worker. (Found in review: Run never ended.)
func TestRunEndsWithRequestsQueued(t *testing.T) {
	eachBackend(t, func(t *testing.T) {
		var writers pipeWriters
		rescue := time.AfterFunc(3*time.Second, writers.writeAll)
		defer rescue.Stop()
		start := time.Now()
		err := sched.Run(func() {
			f, _ := pipeFile(t)
			sched.Async(func() any { // made first, reads last
				sched.Sleep(10 * time.Millisecond)
				f.Read(make([]byte, 1))
				return nil
			})
			for range poolWorkers {
				g, w := pipeFile(t)
				writers.add(w)
				sched.Async(func() any { g.Read(make([]byte, 1)); return nil })
			}
			sched.Sleep(30 * time.Millisecond)
		})
		if err != nil {
			t.Fatal(err)
		}
		if took := time.Since(start); took > time.Second {
			t.Errorf("%s: Run took %v to end", os.Getenv("CORO_AIO"), took)
		}
	})
}

// Two coroutines read one pipe, each through a File of its own (the Reads
// of one File take turns); one byte comes, and one of them takes it. The
// other's read still stops at its deadline, on the pool too, where both
// workers saw the pipe ready. (Found in review: the loser blocked in
// read(2), out of the cancel's reach, in 2 to 8 rounds of 20.)
func TestTwoReadersOfOnePipe(t *testing.T) {
	eachBackend(t, func(t *testing.T) {
		slow, backend := 0, ""
		const rounds = 20
		err := sched.Run(func() {
			backend = Backend()
			for range rounds {
				f, w := pipeFile(t)
				g, err := Open(f.Name()) // the same pipe's read end
				if err != nil {
					t.Error(err) // not Fatal: this is a coroutine
					return
				}
				rescue := time.AfterFunc(2*time.Second, func() { w.Write([]byte("zz")) })
				var readers []*sched.Coro
				for _, r := range []*File{f, g} {
					readers = append(readers, sched.Async(func() any {
						return sched.WithTimeout(100*time.Millisecond, func() { r.Read(make([]byte, 1)) })
					}))
				}
				sched.Sleep(5 * time.Millisecond) // both wait
				start := time.Now()
				w.Write([]byte("x"))
				for _, c := range readers {
					if v, _ := c.Join(); v != nil && !errors.Is(v.(error), sched.ErrTimeout) {
						t.Errorf("reader: %v", v)
					}
				}
				if time.Since(start) > time.Second {
					slow++
				}
				rescue.Stop()
				f.Close()
				g.Close()
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		if slow > 0 {
			t.Errorf("%s: in %d of %d rounds a pipe read outlived its 100 ms deadline by seconds", backend, slow, rounds)
		}
	})
}
