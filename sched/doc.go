// Package sched provides Coro: cooperative threads ("coroutines") on one
// goroutine, with Perl Coro 6.57's scheduling semantics, order of events
// included.
//
// Run starts a scheduler with the given function as its main coroutine.
// Async creates a coroutine and puts it in the ready queue; nothing runs
// until the running coroutine gives up the CPU with Cede (stay ready),
// Schedule (sleep until something readies it), Join, or a blocking
// operation of the sync package. There is one FIFO ready queue per
// priority (PrioMin..PrioMax) and the highest non-empty one runs first.
//
// When nothing is ready the scheduler fires due timers and waits in its
// event loop (a Poller; package aio installs one) for requests in flight,
// timers and Post, or calls its idle hook; if nothing can ready a coroutine,
// Run returns an error matching ErrDeadlock whose text is Coro's "FATAL:
// deadlock detected." and a ps listing. When main returns, Run cancels the
// coroutines left, running their deferred calls.
//
// # Names
//
//	Perl Coro                 this package
//	async { ... }             Async(func() any { ... })
//	async_pool                AsyncPool
//	new Coro                  NewCoro
//	cede / cede_notself       Cede / CedeNotSelf
//	schedule                  Schedule
//	terminate                 Terminate
//	$Coro::current / main     Current / Main
//	Coro::nready / killall    NReady / KillAll
//	$coro->ready              (*Coro).Ready
//	$coro->cancel, safe_cancel (*Coro).Cancel, SafeCancel
//	$coro->throw              (*Coro).Throw
//	$coro->join               (*Coro).Join
//	$coro->on_destroy         (*Coro).OnDestroy
//	$coro->prio / nice / desc (*Coro).Prio, SetPrio, Nice, Desc, SetDesc
//	rouse_cb / rouse_wait     RouseCb / RouseWait
//	Coro::Specific            Specific[T]
//	unblock_sub               (*Scheduler).Post; (*Coro).Wake readies a
//	                          coroutine from another goroutine
//	$Coro::idle               Idle option, and SetPoller for an event loop
//	$Coro::State::cctx_stacksize
//	                          StackSize option (turbo engine stacks)
//	Coro::AnyEvent::sleep     Sleep
//	Coro::AnyEvent::poll      Poll
//	Coro::Timer::timeout      Timeout; WithTimeout and WithContext bound
//	                          any blocking call (timed_down, timed_wait)
//
// # Where it differs from Perl
//
// Deliberately, and only where Perl's behaviour is an accident of its
// implementation: a suspended coroutine the scheduler drops is un-readied
// (Perl 6.57 keeps counting it as ready forever); IsReady is false for an
// ended coroutine; OnDestroy callbacks run on the ending coroutine rather
// than in Perl's manager coroutine; deferred calls always run, to the end,
// when a coroutine unwinds (a Cancel waits for one that waits, and the
// coroutine keeps the value it had); coroutines left when main returns
// are cancelled in creation order; a panic in any coroutine reaches Run's
// caller (Perl ends the process); and a blocked coroutine is not
// destroyed when the last reference to it goes (Perl frees it at once; a
// Go coroutine's stack keeps it reachable until it ends or is cancelled).
// The ps listing has no rows for Perl's internal idle, manager and
// unblock_sub coroutines. A coroutine's Join of itself returns ErrJoinSelf
// (Perl waits for ever, into a deadlock); OnDestroy on an ended coroutine
// calls its callback at once (Perl never calls it); Terminate in main ends
// Run after cancelling the others (Perl's main goes on with them).
//
// The scheduler starts every function posted since it last looked, in
// order, before it runs any of them; Perl's unblock_sub scheduler starts
// one and cedes to it before it starts the next.
//
// In AsyncPool, a panic in a call ends its coroutine and reaches Run
// (Perl warns and puts the coroutine back in the pool); so does a Throw at
// an idle pooled coroutine, which the pool no longer hands out (Perl's
// next call on it is lost); a pooled coroutine cancelled while idle
// leaves the pool (Perl hands the ended coroutine out again, and the call
// never runs); and Join of a pooled coroutine that a full pool ended
// returns nil (Perl's waits for ever).
//
// Not handled yet: a Cancel, or Run's end, that reaches a coroutine while
// a deferred call of its panic or runtime.Goexit waits cuts that call
// short (runtime.Goexit there ends the panic, so Run does not see it); a
// coroutine that waits for ever inside Uninterrupted when main returns
// keeps Run from returning.
package sched
