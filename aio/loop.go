package aio

import (
	"errors"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"github.com/corogo/coro/sched"
)

// backend carries requests to the kernel and brings their results back.
// Its methods run on the scheduler's host goroutine, except wake.
type backend interface {
	// name says which backend this is and why it was chosen.
	name() string
	// supports reports whether the backend can carry requests of op.
	supports(op opcode) bool
	// submit starts r.
	submit(r *request)
	// cancel asks the kernel to give up r early; its completion still comes.
	cancel(r *request)
	// wait delivers the completions that have arrived to complete, first
	// waiting for one, the deadline (zero: none) or wake.
	wait(deadline time.Time, complete func(*request))
	// wake makes a wait in progress, or the next one, return. Any
	// goroutine may call it.
	wake()
	// forget drops what the backend keeps about fd, which is being closed.
	forget(fd int)
	close() error
}

// loop is a scheduler's event loop: the sched.Poller it idles in, with the
// backend its requests go through. There is one per scheduler, made by the
// first request. Requests the backend cannot carry (io_uring has no
// opcode for readlink, say) go to a thread pool made when first needed,
// whose completions wake the backend's wait.
type loop struct {
	be       backend
	pool     *pool      // be itself, or the helper pool; nil until needed
	inflight int        // submitted or handed to the copier, not completed
	copier   *copier    // nil until the first read it takes
	jobs     []*copyJob // spares for the copier's jobs
	copied   struct {   // jobs the copier handed back (copiedBack)
		mu   sync.Mutex
		jobs []*copyJob
	}
	busy     bool // counted in busyLoops (setBusy)
	procs    int  // GOMAXPROCS at the last Poll (spareCore)
	noCopier bool // CORO_COPIER=off
	// spares are requests do and a socket's await fill in: as many as
	// were ever in flight at once through them.
	spares []*request
	// deliver is l.complete, made once: a method value made at each Poll
	// would be allocated there, as the backend's wait lets it escape.
	deliver func(*request)
	// closed is set when Close is called: the scheduler has ended. Close
	// sets it under wakeMu, which orders Wake, which any goroutine may call
	// at any time (a Post after Run has returned, say), with Close, which
	// frees the eventfd Wake writes to: its number may name another file
	// then. (The scheduler's own goroutine reads it without the lock;
	// others call closedFromOutside.)
	closed bool
	wakeMu sync.RWMutex
}

// newLoop returns a loop with no backend yet.
func newLoop() *loop {
	l := &loop{procs: runtime.GOMAXPROCS(0), noCopier: os.Getenv("CORO_COPIER") == "off"}
	l.deliver = l.complete
	return l
}

// loopFor returns the loop of the running coroutine's scheduler, making it
// on first use, with the backend newBackend makes; it fails as that does.
func loopFor(c *sched.Coro) (*loop, error) {
	s := c.Scheduler()
	if l := loopOf(s); l != nil {
		return l, nil
	}
	be, err := newBackend()
	if err != nil {
		return nil, err
	}
	l := newLoop()
	l.setBackend(be)
	s.SetPoller(l)
	return l, nil
}

// loopOf returns scheduler s's loop, or nil before its first request.
func loopOf(s *sched.Scheduler) *loop {
	l, _ := s.Poller().(*loop)
	return l
}

// running returns the running coroutine and its scheduler's loop, made
// on first use.
func running() (*sched.Coro, *loop, error) {
	c := sched.Current()
	l, err := loopFor(c)
	if err != nil {
		return c, nil, err
	}
	l.setBusy(true)
	return c, l, nil
}

// UsePool makes the requests of scheduler s go through the thread pool,
// as CORO_AIO=pool does for every scheduler; s keeps its choice for life,
// so UsePool must come before its first request.
func UsePool(s *sched.Scheduler) error {
	if s.Poller() != nil {
		return errors.New("aio: UsePool: the scheduler already has an event loop")
	}
	be, err := onlyPool("aio.UsePool")
	if err != nil {
		return err
	}
	l := newLoop()
	l.setBackend(be)
	s.SetPoller(l)
	return nil
}

// setBackend makes be the loop's backend, and its pool too when be is
// the thread pool.
func (l *loop) setBackend(be backend) {
	l.be = be
	l.pool, _ = be.(*pool)
}

// forget tells the loop's backends that fd is about to be closed.
func (l *loop) forget(fd int) {
	l.be.forget(fd)
	if l.pool != nil && l.pool != l.be {
		l.pool.forget(fd)
	}
}

// backendFor returns the backend that carries r: the loop's own, unless
// it cannot carry r's op or r must block on a pool worker.
// The helper pool is made on first use, and fails as newPool fails.
func (l *loop) backendFor(r *request) (backend, error) {
	if l.be.supports(r.op) && !r.blocking {
		return l.be, nil
	}
	if l.pool == nil {
		p, err := newPool("for requests "+l.be.name()+" cannot carry", l.be.wake)
		if err != nil {
			return nil, err
		}
		l.pool = p
	}
	return l.pool, nil
}

func (l *loop) Outstanding() bool { return l.inflight > 0 }

func (l *loop) Poll(deadline time.Time) {
	l.setBusy(false)
	defer l.setBusy(true)
	l.be.wait(deadline, l.deliver)
	if l.pool != nil && l.pool != l.be {
		l.pool.reap(l.deliver)
	}
	l.deliverCopies()
	l.procs = runtime.GOMAXPROCS(0) // which the runtime may change
}

func (l *loop) Wake() {
	l.wakeMu.RLock()
	if !l.closed {
		l.be.wake()
	}
	l.wakeMu.RUnlock()
}

// closedFromOutside reports closed to a goroutine other than the
// scheduler's.
func (l *loop) closedFromOutside() bool {
	l.wakeMu.RLock()
	defer l.wakeMu.RUnlock()
	return l.closed
}

func (l *loop) Close() error {
	l.wakeMu.Lock()
	l.closed = true
	l.wakeMu.Unlock()
	l.setBusy(false)
	if l.copier != nil {
		l.copier.close()
	}
	if l.pool != nil && l.pool != l.be {
		l.pool.close() // first: its workers tell be of what they finish
	}
	return l.be.close()
}

func (l *loop) complete(r *request) {
	r.done = true
	l.inflight--
	r.c.Ready()
}

// do runs a request like req for the calling coroutine, which sleeps
// until it completes while other coroutines run, and returns its result
// (>= 0, or -errno), which it also leaves in req.res. The request in
// flight is a copy from the loop's spares, so req can live on the
// caller's stack and a file opened, stat'ed and closed allocates no
// request.
func do(req *request) int {
	if strings.IndexByte(req.name, 0) >= 0 || strings.IndexByte(req.name2, 0) >= 0 {
		// The kernel would stop at the NUL, at another file: os refuses it.
		req.res = -int(unix.EINVAL)
		return req.res
	}
	c, l, err := running()
	if err != nil {
		req.res = -int(errnoOf(err))
		return req.res
	}
	r := l.spareLike(req)
	req.res = l.run(c, r)
	l.recycle(r)
	return req.res
}

// run submits r for coroutine c and sleeps until it completes. If the
// coroutine unwinds meanwhile (Cancel, Throw), the request is cancelled
// and the unwinding waits for its completion: until then the kernel may
// still use r's memory.
func (l *loop) run(c *sched.Coro, r *request) int {
	r.c = c
	r.prio = ioprio(c.Prio())
	be, err := l.backendFor(r)
	if err != nil {
		return -int(errnoOf(err))
	}
	r.be = be
	l.inflight++
	r.be.submit(r)
	returned := false
	defer func() {
		if !returned {
			l.abandon(r)
		}
	}()
	for !r.done {
		sched.Schedule()
	}
	returned = true
	return r.res
}

// spareLike returns a request filled in like req: the last one recycled,
// or a new one.
func (l *loop) spareLike(req *request) *request {
	var r *request
	if n := len(l.spares); n > 0 {
		r = l.spares[n-1]
		l.spares = l.spares[:n-1]
	} else {
		r = new(request)
	}
	buf, buf2 := r.cpath, r.cpath2 // kept: the path buffers of a spare
	*r = *req
	r.cpath, r.cpath2 = buf, buf2
	return r
}

// recycle makes r, which has completed, a spare. Nothing holds it any
// more: the backend dropped it when it delivered the completion, and a
// cancel sent meanwhile named it by a ring tag, which outlives it
// harmlessly (tagTable), or by pointer in the pool, which forgets it by
// the time it delivers it (take). Its path buffers are kept for the next.
func (l *loop) recycle(r *request) {
	*r = request{cpath: r.cpath[:0], cpath2: r.cpath2[:0]}
	l.spares = append(l.spares, r)
}

// abandon runs when the coroutine unwinds out of run (Cancel, Throw): it
// cancels r and waits for the kernel to let go of it. Nothing may cut that
// wait short, or the coroutine would go on (and r be recycled) with r in
// flight: a throw or cancel that comes meanwhile (a deadline passing, a
// second Cancel) waits for the next resume. What r's result held is then
// dropped: an open that succeeded gives a descriptor nobody will have, so
// abandon closes it; what a read at a File's position took is given back
// (cutShort). A close is not cancelled: the File counts as closed
// already, and a close cut short would leave the descriptor open for good.
func (l *loop) abandon(r *request) {
	if !r.done && r.op != opClose {
		r.be.cancel(r)
	}
	sched.Uninterrupted(func() {
		for !r.done {
			sched.Schedule()
		}
	})
	if r.op == opOpen && r.res >= 0 {
		unix.Close(r.res)
	}
	r.cut.salvage(r.buf, r.res)
}

// Backend returns the backend of the running coroutine's scheduler, with
// the reason it was chosen: io_uring, or the thread pool when CORO_AIO=pool
// or io_uring is not available. Before the scheduler's first request, it
// makes a backend as that request would, to report it, and closes it
// again: the scheduler is left without one, so UsePool may still follow.
// Where no backend can be made now (out of descriptors), it says so.
func Backend() string {
	if l := loopOf(sched.Current().Scheduler()); l != nil {
		return l.be.name()
	}
	be, err := newBackend()
	if err != nil {
		return "none (" + err.Error() + ")"
	}
	defer be.close()
	return be.name()
}

// errnoOf is the errno err carries, for a request's result: the errors
// of making a backend are system calls'.
func errnoOf(err error) unix.Errno {
	if errno, ok := errors.AsType[unix.Errno](err); ok {
		return errno
	}
	return unix.EIO
}
