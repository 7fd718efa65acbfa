package aio

import (
	"fmt"
	"math"
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
// the blocking system calls, and the loop collects their results. It also
// watches sockets for readiness with epoll, which is what the loop waits
// in: worker completions and wake-ups arrive there through an eventfd.
type pool struct {
	why    string
	notify func() // called after each completion, besides wake; may be nil

	mu sync.Mutex
	// queued[head:] are the requests submitted and not yet taken by a
	// worker, oldest first: a cancel takes one out and completes it at
	// once, rather than wait for a worker to come free (they may all wait
	// for pipes that only other cancels would stop). Emptied, it starts
	// again at the front of its array, so that it allocates nothing once
	// grown.
	queued   []*request
	head     int
	more     sync.Cond        // signalled on mu when queued grows, or the pool closes
	finished []*request       // completed, not yet delivered
	spare    []*request       // the batch take returned last: finished's next buffer, once the loop is through with it
	running  map[*request]int // taken by a worker, with the eventfd that stops its wait (stoppable)
	workers  sync.WaitGroup
	closed   bool

	epfd    int
	efd     int                // eventfd: workers' completions and wake
	watched map[int]*fdWaiters // sockets registered with epoll, by fd
	events  []unix.EpollEvent
}

// fdWaiters are the polls waiting on one descriptor, by direction.
type fdWaiters struct{ readers, writers []*request }

// newPool starts a pool. notify, if not nil, is called whenever a request
// completes: the wake of the backend the loop waits in, when the pool
// only helps it. It fails, leaving nothing open, where the descriptors it
// needs cannot be had (EMFILE).
func newPool(why string, notify func()) (*pool, error) {
	var fds []int // every descriptor made, closed again on failure
	fail := func(call string, err error) (*pool, error) {
		for _, fd := range fds {
			unix.Close(fd)
		}
		return nil, fmt.Errorf("aio: thread pool: %s: %w", call, err)
	}
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return fail("epoll_create1", err)
	}
	fds = append(fds, epfd)
	// The pool's eventfd, then each worker's stop, made before any worker
	// starts: a worker owns its stop.
	for range 1 + poolWorkers {
		fd, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
		if err != nil {
			return fail("eventfd", err)
		}
		fds = append(fds, fd)
	}
	efd := fds[1]
	if err := unix.EpollCtl(epfd, unix.EPOLL_CTL_ADD, efd, &unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(efd)}); err != nil {
		return fail("epoll_ctl", err)
	}
	p := &pool{
		why:     why,
		notify:  notify,
		running: make(map[*request]int),
		epfd:    epfd,
		efd:     efd,
		watched: make(map[int]*fdWaiters),
		events:  make([]unix.EpollEvent, 128),
	}
	p.more.L = &p.mu
	p.workers.Add(poolWorkers)
	for _, stop := range fds[2:] {
		go p.work(stop)
	}
	return p, nil
}

func (p *pool) name() string { return "thread pool (" + p.why + ")" }

func (p *pool) supports(opcode) bool { return true }

// work runs requests on its own OS thread, so that it can set the
// thread's I/O priority to each request's. stop is its eventfd: cancel
// writes it to end the wait of a read or write the worker is making.
func (p *pool) work(stop int) {
	defer p.workers.Done()
	defer unix.Close(stop)
	runtime.LockOSThread() // never unlocked: the thread exits with the worker
	tid := unix.Gettid()
	var prio uint16
	for {
		r := p.next(stop)
		if r == nil {
			return
		}
		if r.prio != prio {
			prio = r.prio
			unix.Syscall(unix.SYS_IOPRIO_SET, ioprioWhoProcess, uintptr(tid), uintptr(prio)) // best effort, like IO::AIO's
		}
		res := r.stoppable(stop)
		p.mu.Lock()
		delete(p.running, r)
		p.mu.Unlock()
		var buf [8]byte
		unix.Read(stop, buf[:]) // reset: a cancel that came as r ended
		p.finish(r, res)
	}
}

// next waits for a queued request and takes it, as running with the
// eventfd stop; nil once the pool is closed.
func (p *pool) next(stop int) *request {
	p.mu.Lock()
	defer p.mu.Unlock()
	for p.head == len(p.queued) {
		if p.closed {
			return nil
		}
		p.more.Wait()
	}
	r := p.queued[p.head]
	p.queued[p.head] = nil // hold no request
	p.head++
	p.compact()
	p.running[r] = stop
	return r
}

// unqueue takes r out of the queue, and reports whether it was there.
func (p *pool) unqueue(r *request) bool {
	waiting := p.queued[p.head:]
	if !withdraw(&waiting, r) {
		return false
	}
	p.queued[p.head+len(waiting)] = nil // the slot withdraw's shift left: hold no request
	p.queued = p.queued[:p.head+len(waiting)]
	p.compact()
	return true
}

// compact starts an empty queue again at the front of its array.
func (p *pool) compact() {
	if p.head == len(p.queued) {
		p.queued, p.head = p.queued[:0], 0
	}
}

// finish records r's result for the loop and wakes it. Any goroutine.
func (p *pool) finish(r *request, res int) {
	p.mu.Lock()
	p.finishLocked(r, res)
	p.mu.Unlock()
	p.woken()
}

// finishLocked is finish's record, under mu; woken must follow, once mu
// is released.
func (p *pool) finishLocked(r *request, res int) {
	r.res = res // published to the loop by mu
	p.finished = append(p.finished, r)
}

// woken wakes the loop to deliver what finished.
func (p *pool) woken() {
	p.wake()
	if p.notify != nil {
		p.notify()
	}
}

// submit queues r for a worker, or, for a poll, registers it with epoll.
func (p *pool) submit(r *request) {
	if r.op == opPoll {
		p.watch(r)
		return
	}
	p.mu.Lock()
	p.queued = append(p.queued, r)
	p.mu.Unlock()
	p.more.Signal()
}

// watch adds poll r to the waiters of its descriptor, registering the
// descriptor with epoll, edge-triggered, the first time.
func (p *pool) watch(r *request) {
	w := p.watched[r.fd]
	if w == nil {
		ev := unix.EpollEvent{Events: unix.EPOLLIN | unix.EPOLLOUT | unix.EPOLLRDHUP | unix.EPOLLET, Fd: int32(r.fd)}
		if err := unix.EpollCtl(p.epfd, unix.EPOLL_CTL_ADD, r.fd, &ev); err != nil {
			p.finish(r, -int(err.(unix.Errno)))
			return
		}
		w = new(fdWaiters)
		p.watched[r.fd] = w
	}
	// Registered before the loop next waits: an edge that came before this
	// is still in epoll's ready list then, and one before the caller's
	// EAGAIN would have let its system call succeed.
	if r.flags&unix.POLLIN != 0 {
		w.readers = append(w.readers, r)
	} else {
		w.writers = append(w.writers, r)
	}
}

// forget drops fd's registration before the descriptor is closed and its
// number reused.
func (p *pool) forget(fd int) {
	if _, ok := p.watched[fd]; ok {
		delete(p.watched, fd)
		unix.EpollCtl(p.epfd, unix.EPOLL_CTL_DEL, fd, nil)
	}
}

// cancel completes r at once with ECANCELED if no worker has taken it, and
// stops it if its worker still waits for r's descriptor to be ready
// (stoppable); a system call under way completes normally, and so does a
// request that has completed. A poll is withdrawn at once.
func (p *pool) cancel(r *request) {
	if r.op == opPoll {
		if w := p.watched[r.fd]; w != nil && (withdraw(&w.readers, r) || withdraw(&w.writers, r)) {
			p.finish(r, -int(unix.ECANCELED))
		}
		return
	}
	p.mu.Lock()
	if stop, ok := p.running[r]; ok {
		one := [8]byte{1}
		unix.Write(stop, one[:]) // under mu: the worker closes stop only after r leaves running
		p.mu.Unlock()
		return
	}
	queued := p.unqueue(r)
	if queued {
		p.finishLocked(r, -int(unix.ECANCELED))
	}
	p.mu.Unlock()
	if queued {
		p.woken()
	}
}

func withdraw(list *[]*request, r *request) bool {
	for i, x := range *list {
		if x == r {
			*list = append((*list)[:i], (*list)[i+1:]...)
			return true
		}
	}
	return false
}

// take returns the completions that have arrived. The loop calls it, and
// delivers the whole batch before it calls take again, so the batch
// before is free to collect the next: the two slices take turns, and a
// completion allocates nothing once they have grown.
func (p *pool) take() []*request {
	clear(p.spare) // delivered: hold no request
	p.mu.Lock()
	done := p.finished
	p.finished = p.spare[:0]
	p.mu.Unlock()
	p.spare = done
	return done
}

// reap delivers the completions that have arrived, without waiting: the
// loop calls it after waiting in io_uring, when the pool only helps.
func (p *pool) reap(complete func(*request)) {
	for _, r := range p.take() {
		complete(r)
	}
}

// epollTimeout is epoll_wait's timeout for a wait of d: in milliseconds,
// rounded up so as never to wake early, and at most epoll's int32, 24.8
// days, from which a wait wakes early to wait again (a larger value would
// be cut to its low 32 bits, a short or endless wait).
func epollTimeout(d time.Duration) int {
	if d <= 0 {
		return 0
	}
	msec := d / time.Millisecond // d+time.Millisecond-1 would overflow near the largest Duration, time.Until's for a far deadline
	if d%time.Millisecond != 0 {
		msec++
	}
	return int(min(msec, math.MaxInt32))
}

// wait sleeps in epoll until a worker finishes, a watched socket is ready,
// wake is called or the deadline passes.
func (p *pool) wait(deadline time.Time, complete func(*request)) {
	msec := -1
	p.mu.Lock()
	if len(p.finished) > 0 {
		msec = 0
	}
	p.mu.Unlock()
	if msec != 0 && !deadline.IsZero() {
		msec = epollTimeout(time.Until(deadline))
	}
	n, err := unix.EpollWait(p.epfd, p.events, msec)
	if err != nil && err != unix.EINTR {
		panic(fmt.Sprintf("aio: epoll_wait: %v", err))
	}
	for _, ev := range p.events[:max(n, 0)] {
		if int(ev.Fd) == p.efd {
			var buf [8]byte
			unix.Read(p.efd, buf[:]) // reset the counter
			continue
		}
		w := p.watched[int(ev.Fd)]
		if w == nil {
			continue
		}
		if ev.Events&(unix.EPOLLIN|unix.EPOLLRDHUP|unix.EPOLLHUP|unix.EPOLLERR) != 0 {
			for _, r := range w.readers {
				r.res = int(ev.Events)
				complete(r)
			}
			w.readers = w.readers[:0]
		}
		if ev.Events&(unix.EPOLLOUT|unix.EPOLLHUP|unix.EPOLLERR) != 0 {
			for _, r := range w.writers {
				r.res = int(ev.Events)
				complete(r)
			}
			w.writers = w.writers[:0]
		}
	}
	for _, r := range p.take() {
		complete(r)
	}
}

func (p *pool) wake() {
	one := [8]byte{1}
	unix.Write(p.efd, one[:])
}

// close stops the workers. The scheduler closes the loop only when no
// request is in flight.
func (p *pool) close() error {
	if !p.closed {
		p.mu.Lock()
		p.closed = true // read by the workers under mu
		p.mu.Unlock()
		p.more.Broadcast()
		p.workers.Wait()
		unix.Close(p.epfd)
		unix.Close(p.efd)
	}
	return nil
}
