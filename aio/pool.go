package aio

import (
	"runtime"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// poolWorkers is how many requests the thread pool runs at once
// (IO::AIO's max_parallel default).
const poolWorkers = 8

const ioprioWhoProcess = 1 // IOPRIO_WHO_PROCESS: a thread, given its tid

// pool is the backend used where io_uring is not: worker goroutines make
// the blocking system calls, and the loop collects their results.
type pool struct {
	why    string
	jobs   chan *request // buffered; the workers take from it
	notify func()        // called after each completion, besides wake; may be nil

	mu       sync.Mutex
	finished []*request        // completed, not yet delivered
	cancels  map[*request]bool // cancelled before a worker took them
	wakeCh   chan struct{}     // capacity 1: a token means "look again"
	workers  sync.WaitGroup
	closed   bool
}

// newPool starts a pool. notify, if not nil, is called whenever a request
// completes: the wake of the backend the loop waits in, when the pool
// only helps it.
func newPool(why string, notify func()) *pool {
	p := &pool{
		why:     why,
		notify:  notify,
		jobs:    make(chan *request, 1024),
		cancels: make(map[*request]bool),
		wakeCh:  make(chan struct{}, 1),
	}
	p.workers.Add(poolWorkers)
	for range poolWorkers {
		go p.work()
	}
	return p
}

func (p *pool) name() string { return "thread pool (" + p.why + ")" }

func (p *pool) supports(opcode) bool { return true }

// work runs requests on its own OS thread, so that it can set the
// thread's I/O priority to each request's.
func (p *pool) work() {
	defer p.workers.Done()
	runtime.LockOSThread() // never unlocked: the thread exits with the worker
	tid := unix.Gettid()
	var prio uint16
	for r := range p.jobs {
		if r.prio != prio {
			prio = r.prio
			unix.Syscall(unix.SYS_IOPRIO_SET, ioprioWhoProcess, uintptr(tid), uintptr(prio)) // best effort, like IO::AIO's
		}
		p.mu.Lock()
		cancelled := p.cancels[r]
		delete(p.cancels, r)
		p.mu.Unlock()
		res := -int(unix.ECANCELED)
		if !cancelled {
			res = r.call()
		}
		p.mu.Lock()
		r.res = res // published to the loop by mu
		p.finished = append(p.finished, r)
		p.mu.Unlock()
		p.wake()
		if p.notify != nil {
			p.notify()
		}
	}
}

// submit hands r to a worker. The jobs channel is buffered; if it is full,
// the host waits for a worker, as IO::AIO's submitter does.
func (p *pool) submit(r *request) { p.jobs <- r }

// cancel stops r if no worker has started it; a running system call
// cannot be stopped and completes normally.
func (p *pool) cancel(r *request) {
	p.mu.Lock()
	p.cancels[r] = true
	p.mu.Unlock()
}

func (p *pool) take() []*request {
	p.mu.Lock()
	done := p.finished
	p.finished = nil
	p.mu.Unlock()
	return done
}

func (p *pool) reap(complete func(*request)) {
	for _, r := range p.take() {
		complete(r)
	}
}

func (p *pool) wait(deadline time.Time, complete func(*request)) {
	done := p.take()
	if len(done) == 0 {
		if deadline.IsZero() {
			<-p.wakeCh
		} else {
			t := time.NewTimer(time.Until(deadline))
			select {
			case <-p.wakeCh:
			case <-t.C:
			}
			t.Stop()
		}
		done = p.take()
	}
	for _, r := range done {
		complete(r)
	}
}

func (p *pool) wake() {
	select {
	case p.wakeCh <- struct{}{}:
	default:
	}
}

// close stops the workers. The scheduler closes the loop only when no
// request is in flight.
func (p *pool) close() error {
	if !p.closed {
		p.closed = true
		close(p.jobs)
		p.workers.Wait()
	}
	return nil
}
