package aio

import (
	"os"
	"runtime"
	"sync/atomic"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/corogo/coro/sched"
)

// copier is a scheduler's second thread for reads of cached data. Such a
// read is the kernel copying from the page cache on the thread that asks,
// so a scheduler that made them all itself would copy on one core where
// goroutines copy on all of them. While other coroutines are ready and a
// core is spare (spareCore), a coroutine hands its read to the copier and
// lets them run, and the next to read copies its own meanwhile: two reads
// are copied at once, by two busy threads.
//
// The loop hands over a job only while none waits (next is nil): the
// copier takes it as it finishes the one before, and the scheduler's
// thread copies the reads in between itself.
type copier struct {
	next   atomic.Pointer[copyJob] // handed over, not yet taken: set by the loop, cleared by the copier
	sleep  atomic.Uint32           // 1 while the copier sleeps, or is about to, in futex(2) on it
	closed atomic.Bool
}

// copyJob is one read handed to the copier: preadCached's arguments, and
// what it returned.
type copyJob struct {
	fd  int
	p   []byte // held here, so that escape analysis puts the caller's buffer on the heap, which never moves
	off int64
	c   *sched.Coro

	n     int
	errno unix.Errno
	state atomic.Uint32 // jobQueued, jobWaited or jobDone
}

// The states of a copyJob.
const (
	jobQueued = iota // handed over; its coroutine runs or cedes
	jobWaited        // its coroutine sleeps, and the copier wakes it when done
	jobDone          // n and errno are final, and the copier no longer touches p
)

// copierSpin is how long the copier looks for a job before it sleeps: a
// read takes about a microsecond, a wake-up several.
const copierSpin = 20 * time.Microsecond

// futex(2) operations (linux/futex.h), private to the process.
const (
	futexWaitPrivate = 0 | 128 // FUTEX_WAIT | FUTEX_PRIVATE_FLAG
	futexWakePrivate = 1 | 128 // FUTEX_WAKE | FUTEX_PRIVATE_FLAG
)

func newCopier() *copier {
	k := new(copier)
	go k.run()
	return k
}

// run copies on a thread of its own, never unlocked: with the
// scheduler's, two busy threads, and the one its futex wakes.
func (k *copier) run() {
	runtime.LockOSThread()
	for {
		j := k.take()
		if j == nil {
			return
		}
		c := j.c // read before jobDone, after which the job is its coroutine's again
		j.n, j.errno = preadCached(j.fd, j.p, j.off)
		if j.state.Swap(jobDone) == jobWaited {
			c.Wake()
		}
	}
}

// take returns the next job, or nil once the copier is closed. It spins
// for copierSpin, then sleeps in the kernel until give or close wakes it:
// a goroutine parked on a channel would be readied onto the run queue of
// the scheduler's P, which its locked thread keeps busy.
func (k *copier) take() *copyJob {
	var since time.Time
	for i := 1; ; i++ {
		// Loaded before it is swapped: a Swap in every turn would take the
		// cache line from the scheduler's core each time.
		if k.next.Load() != nil {
			return k.next.Swap(nil)
		}
		if k.closed.Load() {
			return nil
		}
		switch {
		case i%64 != 0: // look at the clock now and then only
		case since.IsZero():
			since = time.Now()
		case time.Since(since) > copierSpin:
			// sleep is set before the last looks: a give or close that
			// they miss sees it and wakes the futex (wake). Both sides
			// use sequentially consistent atomics.
			k.sleep.Store(1)
			if k.next.Load() == nil && !k.closed.Load() {
				unix.Syscall6(unix.SYS_FUTEX, uintptr(unsafe.Pointer(&k.sleep)), futexWaitPrivate, 1, 0, 0, 0) // returns at once unless sleep is still 1
			}
			k.sleep.Store(0)
			since = time.Time{}
		}
	}
}

// give hands j over if no job waits, and reports whether it did.
func (k *copier) give(j *copyJob) bool {
	if !k.next.CompareAndSwap(nil, j) {
		return false
	}
	k.wake()
	return true
}

// wake ends the copier's sleep, if it sleeps.
func (k *copier) wake() {
	if k.sleep.Load() == 1 && k.sleep.Swap(0) == 1 {
		unix.RawSyscall6(unix.SYS_FUTEX, uintptr(unsafe.Pointer(&k.sleep)), futexWakePrivate, 1, 0, 0, 0)
	}
}

// close ends the copier's goroutine. No job is in flight: the scheduler
// has ended, and its coroutines waited for theirs.
func (k *copier) close() {
	k.closed.Store(true)
	k.wake()
}

// busyLoops counts the event loops whose schedulers are not waiting idle
// (Poll), in the whole process.
var busyLoops atomic.Int32

// spareCore reports whether a copier may run: a second busy thread for
// every busy scheduler fits in GOMAXPROCS as it was when l was made.
func (l *loop) spareCore() bool { return 2*int(busyLoops.Load()) <= l.procs }

// copierProcs is l.procs for GOMAXPROCS procs: 0, which no busy scheduler
// fits in, when CORO_COPIER=off.
func copierProcs(procs int) int {
	if os.Getenv("CORO_COPIER") == "off" {
		return 0
	}
	return procs
}

// preadCached is the package's preadCached for the running coroutine, of
// l's scheduler: the copier makes it when another coroutine is ready to
// run meanwhile, a core is spare and no job waits; else it is made at
// once.
func (l *loop) preadCached(fd int, p []byte, off int64) (int, unix.Errno) {
	if sched.NReady() == 0 || !l.spareCore() {
		return preadCached(fd, p, off)
	}
	if l.copier == nil {
		l.copier = newCopier()
	}
	if l.copier.next.Load() != nil {
		return preadCached(fd, p, off) // a job waits: give would fail, taking the cache line from the copier
	}
	j := l.spareJob()
	j.fd, j.p, j.off, j.c = fd, p, off, sched.Current()
	j.state.Store(jobQueued)
	if !l.copier.give(j) {
		l.jobs = append(l.jobs, j)
		return preadCached(fd, p, off)
	}
	return l.awaitCopy(j)
}

// awaitCopy returns the result of job j, which has been handed over, once
// it is done. If the coroutine unwinds meanwhile (Cancel, Throw), the
// unwinding waits too: until then the copier may write into p.
func (l *loop) awaitCopy(j *copyJob) (int, unix.Errno) {
	l.inflight++ // Outstanding: the scheduler waits for the wake-up, not reporting a deadlock
	returned := false
	defer func() {
		if !returned {
			sched.Uninterrupted(func() { waitDone(j) })
		}
		l.inflight--
	}()
	waitDone(j)
	returned = true
	n, errno := j.n, j.errno
	j.p, j.c = nil, nil
	l.jobs = append(l.jobs, j)
	return n, errno
}

// waitDone returns once j is done. While other coroutines are ready it
// cedes to them, which costs the copier nothing; else it sleeps, and the
// copier wakes it.
func waitDone(j *copyJob) {
	for {
		switch j.state.Load() {
		case jobDone:
			return
		case jobQueued:
			if sched.NReady() > 0 {
				sched.Cede()
			} else {
				j.state.CompareAndSwap(jobQueued, jobWaited) // fails if done meanwhile
			}
		case jobWaited:
			sched.Schedule()
		}
	}
}

// spareJob returns a job to fill in: the last one recycled, or a new one.
func (l *loop) spareJob() *copyJob {
	if n := len(l.jobs); n > 0 {
		j := l.jobs[n-1]
		l.jobs = l.jobs[:n-1]
		return j
	}
	return new(copyJob)
}
