package sched

import (
	"fmt"
	"reflect"
)

// rouse is the state behind one RouseCb callback.
type rouse struct {
	called bool
	args   []any
	waiter *Coro // the coroutine blocked in RouseWait on it
}

// rouseQuery is passed to a rouse callback by RouseWait to learn its
// state; no other caller can make one.
type rouseQuery struct{ r *rouse }

// RouseCb returns a callback that wakes the coroutine waiting for it in
// RouseWait (Coro::rouse_cb). The first call's arguments are kept and are
// what RouseWait returns; later calls do nothing. It is meant to be passed
// to code that reports completion through a callback on the same
// scheduler.
func RouseCb() func(args ...any) {
	c := current()
	cb := rouseCbFor(&rouse{})
	c.lastRouse = cb
	return cb
}

// rouseCbFor makes r's callback. It is the one place such a callback is
// made, and out of line, so that every one has the same code (rouseCode):
// an inlined copy of the literal would be code of its own.
//
//go:noinline
func rouseCbFor(r *rouse) func(args ...any) {
	return func(args ...any) {
		if len(args) == 1 {
			if q, ok := args[0].(*rouseQuery); ok {
				q.r = r
				return
			}
		}
		if r.called {
			return
		}
		r.called = true
		r.args = append([]any(nil), args...)
		if r.waiter != nil {
			r.waiter.Ready()
		}
	}
}

// rouseCode is the code of every rouse callback, which tells RouseWait a
// callback of RouseCb's from any other function without calling it.
var rouseCode = reflect.ValueOf(rouseCbFor(nil)).Pointer()

// RouseWait waits until cb has been called and returns its arguments
// (Coro::rouse_wait), taking them: a later RouseWait on cb returns at
// once, with none. A nil cb means the last callback RouseCb made in this
// coroutine, which this uses up (a RouseWait with cb named does not).
// Only one coroutine may wait for a callback.
func RouseWait(cb func(args ...any)) []any {
	c := current()
	if cb == nil {
		if cb = c.lastRouse; cb == nil {
			panic("sched: RouseWait(nil) in a coroutine with no RouseCb callback left: none made, or the last one already waited for by RouseWait(nil)")
		}
		c.lastRouse = nil
	}
	if reflect.ValueOf(cb).Pointer() != rouseCode {
		panic("sched: RouseWait on a function that RouseCb did not make")
	}
	var q rouseQuery
	cb(&q)
	r := q.r
	if !r.called {
		if r.waiter != nil {
			panic(fmt.Sprintf("sched: RouseWait on a callback that %v already waits for; only one coroutine can wait for a rouse callback", r.waiter))
		}
		r.waiter = c
		defer func() { r.waiter = nil }()
		for !r.called {
			Schedule()
		}
	}
	args := r.args
	r.args = nil
	return args
}
