package aio

import (
	"sync/atomic"

	"golang.org/x/sys/unix"

	"github.com/corogo/coro/sched"
)

// A scheduler's side of its copier (copier.go): which reads it hands
// over, how a coroutine waits for one, and how the jobs whose coroutines
// sleep come back.

// copyJob is one read handed to the copier: preadCached's arguments, and
// what it returned.
type copyJob struct {
	fd  int
	p   []byte // held here, so that escape analysis puts the caller's buffer on the heap, which never moves
	off int64
	c   *sched.Coro
	cut cutShort // what a Read cut short gives back

	n     int
	errno unix.Errno
	state atomic.Uint32 // jobQueued, jobWaited or jobDone
}

// The states of a copyJob.
const (
	jobQueued = iota // handed over; its coroutine runs or cedes
	jobWaited        // its coroutine sleeps: the copier hands the job back to the scheduler, which readies it
	jobDone          // n and errno are final, and the copier no longer touches p
)

// busyLoops counts the event loops whose schedulers run and are not
// waiting idle (setBusy), in the whole process.
var busyLoops atomic.Int32

// setBusy says whether l's scheduler runs and is not waiting idle: from
// its first request until it waits in Poll, and from then until the next
// Poll or Close.
func (l *loop) setBusy(busy bool) {
	if l.busy != busy {
		l.busy = busy
		if busy {
			busyLoops.Add(1)
		} else {
			busyLoops.Add(-1)
		}
	}
}

// spareCore reports whether a copier may run: a second busy thread for
// every busy scheduler fits in GOMAXPROCS, as the loop last saw it (Poll),
// and CORO_COPIER is not "off".
func (l *loop) spareCore() bool { return !l.noCopier && 2*int(busyLoops.Load()) <= l.procs }

// copyCached is preadCached for the running coroutine: its scheduler's
// copier makes it when another coroutine is ready to run meanwhile, a core
// is spare and the copier runs and has no job waiting; else it is made at
// once. A scheduler with no event loop yet makes it at once too.
func copyCached(fd int, p []byte, off int64, cut cutShort) (int, unix.Errno) {
	if sched.NReady() == 0 {
		return preadCached(fd, p, off)
	}
	l := loopOf(sched.Current().Scheduler())
	if l == nil || !l.spareCore() {
		return preadCached(fd, p, off)
	}
	if l.copier == nil {
		l.copier = newCopier(l.copiedBack)
	}
	if l.copier.next.Load() != nil {
		return preadCached(fd, p, off) // a job waits: give would fail, taking the cache line from the copier
	}
	j := l.spareJob()
	j.fd, j.p, j.off, j.c, j.cut = fd, p, off, sched.Current(), cut
	j.state.Store(jobQueued)
	if !l.copier.give(j) {
		l.recycleJob(j)
		return preadCached(fd, p, off)
	}
	return l.awaitCopy(j)
}

// copiedBack takes job j, whose coroutine sleeps, from the copier, for
// the scheduler to finish (deliverCopies) as it next polls its loop. Any
// goroutine.
func (l *loop) copiedBack(j *copyJob) {
	l.copied.mu.Lock()
	l.copied.jobs = append(l.copied.jobs, j)
	l.copied.mu.Unlock()
	l.Wake()
}

// deliverCopies marks the jobs the copier handed back done, and readies
// their coroutines.
func (l *loop) deliverCopies() {
	l.copied.mu.Lock()
	jobs := l.copied.jobs
	l.copied.jobs = nil
	l.copied.mu.Unlock()
	for _, j := range jobs {
		j.state.Store(jobDone)
		j.c.Ready()
	}
}

// awaitCopy returns the result of job j, which has been handed over, once
// it is done. If the coroutine unwinds meanwhile (Cancel, Throw), the
// unwinding waits too: until then the copier may write into p. What the
// read took is then given back (cutShort).
func (l *loop) awaitCopy(j *copyJob) (int, unix.Errno) {
	l.inflight++ // Outstanding: the scheduler waits for the wake-up, not reporting a deadlock
	returned := false
	defer func() {
		if !returned {
			sched.Uninterrupted(func() { l.waitDone(j) })
			j.cut.salvage(j.p, j.n) // j.n < 0 with an errno
		}
		l.inflight--
	}()
	l.waitDone(j)
	returned = true
	n, errno := j.n, j.errno
	l.recycleJob(j)
	return n, errno
}

// waitDone returns once j is done. While other coroutines are ready it
// lets them run, whatever their priority (as a request's wait would),
// which costs the copier nothing. Then, if the copier has not taken j yet
// (it has no P, say), the coroutine takes it back and makes the read
// itself; else it sleeps until the scheduler readies it (deliverCopies).
func (l *loop) waitDone(j *copyJob) {
	for {
		switch j.state.Load() {
		case jobDone:
			return
		case jobQueued:
			switch {
			case sched.NReady() > 0:
				sched.CedeNotSelf()
			case l.copier.next.CompareAndSwap(j, nil): // the copier will never see it
				j.n, j.errno = preadCached(j.fd, j.p, j.off)
				j.state.Store(jobDone)
			default:
				j.state.CompareAndSwap(jobQueued, jobWaited) // fails if done meanwhile
			}
		case jobWaited:
			sched.Schedule()
		}
	}
}

// recycleJob makes j, which the copier no longer has, a spare, holding
// neither buffer nor coroutine nor File.
func (l *loop) recycleJob(j *copyJob) {
	j.p, j.c, j.cut = nil, nil, cutShort{}
	l.jobs = append(l.jobs, j)
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
