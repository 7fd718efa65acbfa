package sched

import (
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/corogo/coro/internal/ilist"
	"github.com/corogo/coro/state"
)

// Scheduler runs coroutines cooperatively on one host goroutine: Coro's
// scheduler, ready queues and idle handling. Create one with New and start
// it with Run; Run (the package function) does both.
type Scheduler struct {
	ready  readyQueues
	nready int
	main   *Coro
	nextID int

	live ilist.List[Coro] // coroutines that have not ended, in creation order

	idle   func() bool
	timers timerHeap
	// spareTimers are WithTimeout's timers whose calls have ended, for
	// the next calls to take: a socket read with a deadline allocates
	// none. Like the ready queues, it keeps the most ever in use at once.
	spareTimers []*Timer
	poller      atomic.Pointer[Poller] // read by other goroutines in wakeUp

	pool     []*Coro // idle pooled coroutines, the last to go idle last
	poolSize int

	stackSize state.Option // the StackSize option, or nil

	posts postBox
	holds atomic.Int64
}

// postBox carries functions and wake-ups from other goroutines to the
// scheduler.
type postBox struct {
	mu      sync.Mutex
	fns     []func()
	wakes   []*Coro // to ready (Wake)
	pending atomic.Bool
	wake    chan struct{} // capacity 1: a token means "look again"
	// sleeping is set while the scheduler waits idle, from before its
	// last look at pending, holds and the Poller: only then does a Post,
	// Wake or release need to wake it (wakeUp), which costs the Poller a
	// system call.
	sleeping atomic.Bool
}

// Option configures a Scheduler.
type Option func(*Scheduler)

// Idle sets the function the scheduler calls when no coroutine is ready
// ($Coro::idle). It should wait until something may have become ready and
// return true, or return false when nothing it watches can ever ready a
// coroutine. Without one, or when it returns false and nothing holds the
// scheduler (Hold), Run ends with a deadlock error. The hook waits in
// the Poller's place (aio's loop): after each call that returns true the
// Poller runs once without waiting, so that its requests still complete
// (where Perl's replaced $Coro::idle would starve the event loop).
func Idle(f func() bool) Option { return func(s *Scheduler) { s.idle = f } }

// PoolSize sets how many finished AsyncPool coroutines are kept for reuse
// ($Coro::POOL_SIZE, default 8).
func PoolSize(n int) Option { return func(s *Scheduler) { s.poolSize = n } }

// StackSize sets the size in bytes of every coroutine's stack on the
// turbo engine, main's too, as state.StackSize does for one context
// ($Coro::State::cctx_stacksize): rounded up to 64 KiB, the default, and
// ignored by the portable engine, whose stacks grow. It panics unless
// 0 < bytes <= state.MaxStackSize.
func StackSize(bytes int) Option {
	o := state.StackSize(bytes)
	return func(s *Scheduler) { s.stackSize = o }
}

// New returns a scheduler that has not started.
func New(opts ...Option) *Scheduler {
	s := &Scheduler{poolSize: 8}
	s.posts.wake = make(chan struct{}, 1)
	for _, o := range opts {
		o(s)
	}
	return s
}

// Run runs main as the scheduler's main coroutine on the calling goroutine
// ($Coro::main), locked to its OS thread (runtime.LockOSThread) until Run
// returns, and returns when main returns, after cancelling every
// coroutine still alive (their deferred calls and OnDestroy callbacks run,
// in creation order). When no coroutine is ready and nothing can ready one,
// Run returns an error matching ErrDeadlock; so it does when a deferred
// call of a coroutine it cancels at the end waits for ever (that call is
// then cut short). A panic in any coroutine
// reaches Run's caller; one in a coroutine other than main arrives as a
// *state.PanicError.
func Run(main func()) error { return New().Run(main) }

// Run is the method form of the package function Run.
func (s *Scheduler) Run(main func()) (err error) {
	if s.main != nil {
		return errors.New("sched: Run called twice on one scheduler")
	}
	// A scheduler runs on one OS thread, as Perl's Coro does. io_uring
	// hands the completion of work it did in a kernel worker (a stat, an
	// open that blocks) to the thread that submitted it, which is then the
	// thread waiting in the ring, not one woken only to pass it on.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	defer func() {
		if s.main != nil { // else Run did not start, and the Poller is for a Run that will
			s.closePoller() // after the host's end, whose cancels may still wait in it
		}
	}()
	state.Run(func() {
		s.main = s.newCoro(nil, "[main::]") // Perl's description, kept for listings
		s.main.st = state.Current()
		s.main.st.SetData(s.main)
		s.main.started = true
		defer s.shutdown(&err)
		main()
	}, s.stackSize)
	return err
}

// mainTerminated is the panic value that unwinds main for Terminate.
type mainTerminated struct{}

// shutdown ends Run: it turns a deadlock or a Terminate of main into Run's
// result and cancels the coroutines left. Other panics continue after.
func (s *Scheduler) shutdown(err *error) {
	r := recover()
	switch v := r.(type) {
	case nil, mainTerminated:
		r = nil
	case *DeadlockError:
		*err, r = v, nil
	}
	if d := s.cancelLeft(); d != nil && *err == nil {
		*err = d
	}
	s.main.done = true
	if r != nil {
		panic(r)
	}
}

// closePoller closes the scheduler's Poller, if it can be closed, once
// nothing is left that could wait in it.
func (s *Scheduler) closePoller() {
	if c, ok := s.Poller().(io.Closer); ok {
		c.Close()
	}
}

// cancelLeft cancels the coroutines left when main ends. A deferred call
// of theirs that waits is waited for; if nothing can end that wait, the
// deadlock is returned, and the host's end cancels the coroutines still
// left, cutting such calls short.
func (s *Scheduler) cancelLeft() (deadlock *DeadlockError) {
	defer func() {
		r := recover()
		if d, ok := r.(*DeadlockError); ok {
			deadlock = d
		} else if r != nil {
			panic(r)
		}
	}()
	for c := s.live.Front(); c != nil; c = s.live.Front() {
		c.cancel(nil)
	}
	return nil
}

// newCoro makes a coroutine record; with fn it also starts it.
func (s *Scheduler) newCoro(fn func() any, desc string) *Coro {
	s.nextID++
	c := &Coro{s: s, fn: fn, id: s.nextID, desc: desc}
	if fn != nil {
		c.start()
	}
	return c
}

// start makes the context that runs c.fn and counts c as live.
func (c *Coro) start() {
	c.st = c.s.newState(c, c.body)
	c.s.live.PushBack(c, liveLinks)
}

// newState makes the context that runs fn for coroutine c.
func (s *Scheduler) newState(c *Coro, fn func()) *state.State {
	return state.New(fn, state.Data(c), state.Desc(c.desc), state.OnExit(s.afterExit), s.stackSize)
}

// switchTo counts a switch from cur to next for the ps listing and
// returns next's context.
func (s *Scheduler) switchTo(cur, next *Coro) *state.State {
	if next != cur {
		next.uses++
	}
	return next.st
}

// pickNext returns the next coroutine to run, waiting in the idle hook
// while none is ready. If nothing can ever be ready it raises the deadlock
// in main: at once if cur is main, else by returning main with the
// deadlock raised in it. cur is nil when the caller is no coroutine (an
// ending one).
func (s *Scheduler) pickNext(cur *Coro) *Coro {
	if !s.posts.pending.Load() {
		if c := s.popRunnable(); c != nil {
			return c
		}
	}
	return s.pickNextSlow(cur)
}

// pickNextSlow is pickNext when posts wait or nothing is ready.
func (s *Scheduler) pickNextSlow(cur *Coro) *Coro {
	for {
		if s.posts.pending.Load() {
			s.drainPosts()
		}
		if c := s.popRunnable(); c != nil {
			return c
		}
		if s.waitIdle() {
			continue
		}
		err := s.deadlock()
		if cur == s.main {
			panic(err)
		}
		s.main.st.Raise(err) // main raises it when it resumes
		return s.main
	}
}

// enqueue readies c, which is neither ready nor done: it appends c to the
// ready queue of its priority. One flat function: it is on the path of
// every wake-up, and of every Cede that does not rotate a ring.
func (s *Scheduler) enqueue(c *Coro) {
	c.ready = true
	s.nready++
	i := c.prio - PrioMin
	r := &s.ready.q[i]
	if r.n == len(r.buf) {
		r.grow()
	}
	r.buf[(r.head+r.n)&(len(r.buf)-1)] = c
	r.n++
	s.ready.nonEmpty |= 1 << i
}

// popRunnable dequeues the next ready coroutine, dropping suspended ones.
func (s *Scheduler) popRunnable() *Coro {
	for {
		c := s.ready.pop()
		if c == nil {
			return nil
		}
		if c.done {
			continue // ended while queued, and uncounted then
		}
		c.ready = false
		s.nready--
		if !c.suspended {
			return c
		}
	}
}

// afterExit picks the context to resume when a coroutine's fn has ended
// by itself (return, Terminate, runtime.Goexit). It runs on the ending
// coroutine after its deferred calls and OnDestroy callbacks.
func (s *Scheduler) afterExit() *state.State {
	return s.switchTo(nil, s.pickNext(nil))
}

// Post arranges for fn to run in a pooled coroutine of s, as AsyncPool's
// calls do (Coro's unblock_sub, which uses async_pool). It is safe to call
// from any goroutine, and it wakes a scheduler that is waiting idle. A
// scheduler that has nothing else to wait for reports a deadlock rather
// than wait for a Post that may come: Hold tells it one may. A function
// posted once main has returned never runs.
func (s *Scheduler) Post(fn func()) {
	s.posts.mu.Lock()
	s.posts.fns = append(s.posts.fns, fn)
	s.posts.pending.Store(true)
	s.posts.mu.Unlock()
	s.wakeUp()
}

func (s *Scheduler) drainPosts() {
	s.posts.mu.Lock()
	fns, wakes := s.posts.fns, s.posts.wakes
	s.posts.fns, s.posts.wakes = nil, nil
	s.posts.pending.Store(false)
	s.posts.mu.Unlock()
	for _, c := range wakes {
		c.readyHere()
	}
	for _, fn := range fns {
		s.asyncPool(fn)
	}
}

// Wake is Ready for callers outside the scheduler: any goroutine may call
// it. The coroutine is readied when the scheduler next looks (at once, if
// it is idle), in the order the wake-ups arrived.
func (c *Coro) Wake() {
	s := c.s
	s.posts.mu.Lock()
	s.posts.wakes = append(s.posts.wakes, c)
	s.posts.pending.Store(true)
	s.posts.mu.Unlock()
	s.wakeUp()
}

// Hold tells s that something outside it may still call Post or Wake: until
// release is called, a scheduler with nothing ready waits for a Post
// instead of reporting a deadlock. release may be called from any
// goroutine; calls after the first do nothing.
func (s *Scheduler) Hold() (release func()) {
	s.holds.Add(1)
	var once sync.Once
	return func() {
		once.Do(func() {
			s.holds.Add(-1)
			s.wakeUp()
		})
	}
}

// current returns the running coroutine, or panics outside a scheduler.
func current() *Coro { return coroOf(state.Running()) }

// coroOf returns the coroutine whose context st is, or panics: st is nil
// outside a scheduler.
func coroOf(st *state.State) *Coro {
	if st != nil {
		if c, ok := st.Data().(*Coro); ok {
			return c
		}
	}
	panic(notCoroError{st}) // its message is made when printed, so that coroOf inlines
}

// notCoroError is why a scheduler call panicked: it was made from st,
// which is no coroutine's context, or from outside any host when st is nil.
type notCoroError struct{ st *state.State }

func (e notCoroError) Error() string {
	if e.st == nil {
		return "sched: called outside a scheduler; start one with sched.Run"
	}
	return fmt.Sprintf("sched: called from state context %q, which is not a coroutine", e.st.Desc())
}
