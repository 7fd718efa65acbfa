// Package sync provides the synchronisation primitives of Perl's Coro for
// coroutines of a sched.Scheduler: Semaphore (Coro::Semaphore), Signal
// (Coro::Signal), Channel and its typed form Chan (Coro::Channel), RWLock
// (Coro::RWLock) and SemaphoreSet (Coro::SemaphoreSet).
//
// The primitives are cooperative: they are plain data owned by one
// scheduler, with no atomics or locks, and must only be used from that
// scheduler's coroutines. An operation blocks only when it has to, by
// putting the running coroutine on the primitive's wait list and calling
// sched.Schedule; it never gives up the CPU otherwise. Waking a coroutine
// only readies it: it runs when the scheduler reaches it in the ready
// queue, after the waker carries on.
//
// Wake order is Coro 6.57's, event for event. Waiters are served first
// come, first served, and a woken coroutine re-checks its condition when
// it runs: if another coroutine took the semaphore or lock in the
// meantime, it waits again at the end of the list, as in Coro.
//
// Unwinding is safe where Coro's is not: a coroutine that is cancelled
// (sched's Cancel runs its deferred calls at once) or that panics (Throw)
// while it waits leaves every wait list and never swallows a wake-up meant
// for another; one that had been woken but not yet run passes its wake-up
// on. A Put cut short while it waits for room keeps its stored value and
// the room it takes, where Coro's put leaves the room free and the
// channel one value wider for good. Guards (Semaphore.Guard,
// SemaphoreSet.Guard) give the count back
// however their holder ends, as long as Release is deferred:
//
//	g := sem.Guard()
//	defer g.Release()
//
// Misuse panics instead of corrupting state: releasing a guard twice, or
// Unlock of an unlocked RWLock.
//
// Once a primitive has reached its highest number of simultaneous waiters
// (and, for guards and SemaphoreSet keys, holders), its operations do not
// allocate: wait-list nodes, guard slots and set entries are recycled.
package sync
