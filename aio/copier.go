package aio

import (
	"runtime"
	"sync/atomic"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// copier is a scheduler's second thread for reads of cached data. Such a
// read is the kernel copying from the page cache on the thread that asks,
// so a scheduler that made them all itself would copy on one core where
// goroutines copy on all of them. While other coroutines are ready and a
// core is spare (spareCore), a coroutine hands its read to the copier and
// lets them run, and the next to read copies its own meanwhile: two reads
// are copied at once, by two busy threads.
//
// The loop hands over a job only while the copier runs and no job waits
// (next is nil): the copier takes it as it finishes the one before, and
// the scheduler's thread copies the reads in between itself. A coroutine
// left with nothing else to run takes back a job not yet taken (waitDone).
// The loop's side is in copy.go.
type copier struct {
	next atomic.Pointer[copyJob] // handed over, not yet taken: set by the loop, cleared by the copier
	// running is set while the copier's goroutine runs (it has a P),
	// between its sleeps: give hands over nothing else. Woken from a sleep,
	// the thread may wait for a P for as long as every P runs other
	// goroutines (until sysmon preempts one, 10 ms), and a job handed over
	// then would wait as long.
	running atomic.Bool
	sleep   atomic.Uint32 // 1 while the copier sleeps, or is about to, in futex(2) on it
	closed  atomic.Bool
	// handBack takes a job whose coroutine sleeps (jobWaited) back to the
	// scheduler, which readies it (loop.copiedBack).
	handBack func(*copyJob)
}

// copierSpin is how long the copier looks for a job before it sleeps: a
// read takes about a microsecond, a wake-up several.
const copierSpin = 20 * time.Microsecond

// futex(2) operations (linux/futex.h), private to the process.
const (
	futexWaitPrivate = 0 | 128 // FUTEX_WAIT | FUTEX_PRIVATE_FLAG
	futexWakePrivate = 1 | 128 // FUTEX_WAKE | FUTEX_PRIVATE_FLAG
)

func newCopier(handBack func(*copyJob)) *copier {
	k := &copier{handBack: handBack}
	go k.run()
	return k
}

// run copies on a thread of its own, never unlocked: with the
// scheduler's, two busy threads, and the one its futex wakes.
func (k *copier) run() {
	runtime.LockOSThread()
	k.running.Store(true)
	for {
		j := k.take()
		if j == nil {
			return
		}
		k.copy(j)
	}
}

// copy makes the read of job j, which the copier has taken. The job is
// done at once where its coroutine does not sleep; else the scheduler
// readies the coroutine as it marks the job done, so that the coroutine
// can neither miss the wake-up nor get it once it has gone on (a Wake
// from here could land after a resume for another reason had let it see
// jobDone and go on).
func (k *copier) copy(j *copyJob) {
	j.n, j.errno = preadCached(j.fd, j.p, j.off)
	if !j.state.CompareAndSwap(jobQueued, jobDone) {
		k.handBack(j)
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
			if j := k.next.Swap(nil); j != nil {
				return j
			}
			continue // taken back meanwhile (waitDone)
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
			k.running.Store(false)
			k.sleep.Store(1)
			if k.next.Load() == nil && !k.closed.Load() {
				unix.Syscall6(unix.SYS_FUTEX, uintptr(unsafe.Pointer(&k.sleep)), futexWaitPrivate, 1, 0, 0, 0) // returns at once unless sleep is still 1
			}
			k.sleep.Store(0)
			k.running.Store(true)
			since = time.Time{}
		}
	}
}

// give hands j over if the copier runs and no job waits, and reports
// whether it did; a copier that sleeps is woken for the next.
func (k *copier) give(j *copyJob) bool {
	if !k.running.Load() {
		k.wake()
		return false
	}
	if !k.next.CompareAndSwap(nil, j) {
		return false
	}
	k.wake() // it may have gone to sleep since
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
