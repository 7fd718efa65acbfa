package sched

import (
	"container/heap"
	"context"
	"fmt"
	"os"
	"time"
)

// Timer is a timeout for the coroutine that made it (Coro::Timer's
// timeout): when it expires it sets its flag and readies that coroutine.
// Timers fire only while the scheduler idles, as Coro's do (they are
// event-loop timers): a coroutine that never lets the scheduler idle delays
// them.
//
//	t := sched.Timeout(time.Second)
//	defer t.Stop()
//	for !condition() {
//		sched.Schedule() // woken by whoever makes condition true, or by t
//		if t.Expired() {
//			return false
//		}
//	}
type Timer struct {
	when    time.Time
	c       *Coro
	index   int // in the scheduler's heap; -1 once fired or stopped
	expired bool
	// throws marks WithTimeout's timers, which throw themselves at c
	// instead of readying it; outer is the call enclosing theirs.
	throws bool
	outer  scopedThrow
}

// Timeout starts a Timer for the running coroutine.
func Timeout(d time.Duration) *Timer {
	c := current()
	t := &Timer{when: time.Now().Add(d), c: c}
	heap.Push(&c.s.timers, t)
	return t
}

// Expired reports whether the timer has fired.
func (t *Timer) Expired() bool { return t.expired }

// Stop cancels the timer if it has not fired. It is safe to call more than
// once, and after it fired.
func (t *Timer) Stop() {
	if t.index >= 0 {
		heap.Remove(&t.c.s.timers, t.index)
	}
}

// Sleep suspends the running coroutine for at least d (Coro::AnyEvent's
// sleep); other coroutines run meanwhile. For d of 0 or less it waits as
// Poll does.
func Sleep(d time.Duration) {
	t := Timeout(d) // due at once for d <= 0: it fires when the scheduler next idles
	defer t.Stop()  // when the sleeper is cancelled or thrown at
	for !t.expired {
		Schedule()
	}
}

// ErrTimeout is what WithTimeout returns when its time runs out; it
// matches os.ErrDeadlineExceeded, as timeouts in Go do.
var ErrTimeout = fmt.Errorf("sched: timed out: %w", os.ErrDeadlineExceeded)

// WithTimeout runs fn and returns ErrTimeout if d passes while fn is
// blocked: the wait fn is in then ends as if Throw had been called on the
// coroutine, so every blocking call (sync waits, Join, aio requests)
// unwinds cleanly, and WithTimeout stops the unwinding and returns. This
// is the deadline of Coro's timed_down, timed_wait and friends, for any
// blocking call. Panics of fn pass through; so does a timeout of an outer
// WithTimeout.
//
//	err := sched.WithTimeout(time.Second, func() { v, ok = ch.Get() })
func WithTimeout(d time.Duration, fn func()) (err error) {
	c := current()
	// The timer is the whole state of the call: it says whether it fired,
	// and is the token it throws, its own while the call lasts.
	t := c.s.spareTimer()
	*t = Timer{when: time.Now().Add(d), c: c, throws: true, outer: c.scope}
	heap.Push(&c.s.timers, t)
	c.scope = (*timeoutError)(t)
	defer func() {
		c.scope = t.outer
		t.Stop()
		if t.expired && caught(c, (*timeoutError)(t), recover()) {
			err = ErrTimeout
		}
		// No throw of t is pending now (caught withdrew one fn did not
		// see), so a later call may take t as its own token. A panic
		// passing through leaves t to the collector.
		t.c, t.outer = nil, nil // keep no ended coroutine or call alive
		c.s.spareTimers = append(c.s.spareTimers, t)
	}()
	fn()
	return nil
}

// spareTimer returns a timer for WithTimeout: one an ended call left, or
// a new one.
func (s *Scheduler) spareTimer() *Timer {
	n := len(s.spareTimers)
	if n == 0 {
		return new(Timer)
	}
	t := s.spareTimers[n-1]
	s.spareTimers[n-1] = nil
	s.spareTimers = s.spareTimers[:n-1]
	return t
}

// WithContext runs fn and returns ctx's error if ctx is done before fn
// returns, ending the wait fn is in as WithTimeout does. ctx may be
// cancelled from any goroutine; until fn returns, the scheduler counts it
// as something that can still wake a coroutine (Hold).
func WithContext(ctx context.Context, fn func()) (err error) {
	if err := ctx.Err(); err != nil {
		return err
	}
	if ctx.Done() == nil {
		// It can never be done (context.Background, WithoutCancel): no
		// Hold, which would keep a deadlock from being reported.
		fn()
		return nil
	}
	c := current()
	release := c.s.Hold()
	tok := contextCancel{outer: c.scope} // escapes with the callback, so its address is this call's own
	c.scope = &tok
	armed := true
	throw := func() {
		for armed && c.othersThrow() {
			Sleep(othersThrowWait)
		}
		if armed {
			tok.done = true
			c.Throw(&tok) // at once, if c is the coroutine idling
		}
	}
	stop := context.AfterFunc(ctx, func() { c.s.Post(throw) })
	defer func() {
		c.scope = tok.outer
		armed = false
		stop()
		release()
		if tok.done && caught(c, &tok, recover()) {
			err = ctx.Err()
		}
	}()
	fn()
	return nil
}

// scopedThrow is the token a WithTimeout or WithContext call throws to
// end its function, and its place in the chain of such calls its
// coroutine is in (Coro.scope).
type scopedThrow interface {
	error
	thrown() bool           // the call's time is up: it has thrown, or is about to
	enclosing() scopedThrow // the call it is in, or nil
}

// othersThrow reports whether a Throw other than a WithTimeout's or
// WithContext's waits for c. It is a panic of the function such a call
// runs, which must pass through the call, so the call's own throw waits
// until c has seen it rather than replacing it: it looks again every
// othersThrowWait. (c, readied by the Throw, normally runs before that;
// one that Suspend keeps from running costs a look a millisecond.)
func (c *Coro) othersThrow() bool {
	v := c.st.Raised()
	_, scoped := v.(scopedThrow)
	return v != nil && !scoped
}

const othersThrowWait = time.Millisecond

// caught ends the unwinding of a call that threw tok at c, which has
// recovered r: it reports whether r is tok, and otherwise withdraws tok's
// throw, which fn ended before it could see, and panics on with r. (Call
// it only after a throw: recover stops any panic.)
//
// When r is tok but the time of an enclosing call is up too, caught
// panics with the outermost such call's token instead: that call's
// function must end as well, and its own throw may never come, having
// been replaced by tok's before c resumed, or having come while tok's
// unwound (all of them are delivered, and the last one wins).
func caught(c *Coro, tok scopedThrow, r any) bool {
	if r == tok {
		var out scopedThrow
		for o := tok.enclosing(); o != nil; o = o.enclosing() {
			if o.thrown() {
				out = o
			}
		}
		if out != nil {
			c.withdraw(out) // its throw, held while tok unwound, is this panic
			panic(out)
		}
		return true
	}
	c.withdraw(tok) // another's Throw, or an outer call's, goes on waiting
	if r != nil {
		panic(r)
	}
	return false
}

// withdraw takes back tok's throw at c if it waits for c's next resume.
func (c *Coro) withdraw(tok scopedThrow) {
	if c.st.Raised() == tok {
		c.st.Raise(nil)
	}
}

// timeoutError is a WithTimeout's Timer as the token it throws: each call
// has its own, so nested ones recover only their own.
type timeoutError Timer

func (*timeoutError) Error() string            { return ErrTimeout.Error() }
func (t *timeoutError) thrown() bool           { return t.expired }
func (t *timeoutError) enclosing() scopedThrow { return t.outer }

// contextCancel is WithContext's state, and a pointer to it is the token
// it throws, its own. (Were it zero-size, it would not be: pointers to
// zero-size values need not differ, and an inner call would then take an
// outer one's throw for its own.)
type contextCancel struct {
	done  bool // it has thrown
	outer scopedThrow
}

func (*contextCancel) Error() string            { return "sched: context done" }
func (c *contextCancel) thrown() bool           { return c.done }
func (c *contextCancel) enclosing() scopedThrow { return c.outer }

// timerHeap orders pending timers by when they fire (container/heap).
type timerHeap []*Timer

func (h timerHeap) Len() int           { return len(h) }
func (h timerHeap) Less(i, j int) bool { return h[i].when.Before(h[j].when) }
func (h timerHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}
func (h *timerHeap) Push(x any) {
	t := x.(*Timer)
	t.index = len(*h)
	*h = append(*h, t)
}
func (h *timerHeap) Pop() any {
	old := *h
	t := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	t.index = -1
	return t
}

// next returns when the earliest timer fires, or false if none is pending.
func (h timerHeap) next() (time.Time, bool) {
	if len(h) == 0 {
		return time.Time{}, false
	}
	return h[0].when, true
}

// fire expires the timers that are due and readies their coroutines.
func (h *timerHeap) fire(now time.Time) {
	for len(*h) > 0 && !(*h)[0].when.After(now) {
		if t := (*h)[0]; t.throws && t.c.othersThrow() {
			t.when = now.Add(othersThrowWait)
			heap.Fix(h, 0)
			continue
		}
		t := heap.Pop(h).(*Timer)
		t.expired = true
		if t.throws {
			t.c.throwHere((*timeoutError)(t)) // at once, if c is the coroutine idling
		} else {
			t.c.readyHere()
		}
	}
}
