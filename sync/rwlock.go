package sync

import "github.com/corogo/coro/sched"

// RWLock is a reader/writer lock (Coro::RWLock): any number of readers or
// one writer hold it at a time.
//
// Coro's writer handling: a reader gets the lock whenever no writer holds
// it, even while writers wait, but when the lock is given up a waiting
// writer is preferred: Unlock by the last reader or by the writer readies
// the longest-waiting writer, and only when no writer waits does it ready
// all waiting readers. A woken coroutine checks again when it runs and, if
// the lock was taken in between, waits again at the end of its list.
//
// The zero value is an unlocked RWLock. It must be used from coroutines of
// one scheduler only and must not be copied after first use. A waiter
// that is cancelled, or panics, while it waits leaves its list; one that
// had been woken and not yet run passes the wake-up on if the lock is
// free. The lock does not record who holds it: a holder that may unwind
// should defer its Unlock.
type RWLock struct {
	writers int // 0 or 1
	readers int
	wq, rq  waitq
}

// RLock takes a read lock, waiting while a writer holds the lock
// ($lock->rdlock).
func (l *RWLock) RLock() {
	if l.writers == 0 {
		l.readers++
		return
	}
	l.block(&l.rq, false)
}

// Lock takes the write lock, waiting while anyone holds the lock
// ($lock->wrlock).
func (l *RWLock) Lock() {
	if l.writers == 0 && l.readers == 0 {
		l.writers++
		return
	}
	l.block(&l.wq, true)
}

// TryRLock takes a read lock if no writer holds the lock and reports
// whether it did ($lock->tryrdlock).
func (l *RWLock) TryRLock() bool {
	if l.writers != 0 {
		return false
	}
	l.readers++
	return true
}

// TryLock takes the write lock if nobody holds the lock and reports
// whether it did ($lock->trywrlock).
func (l *RWLock) TryLock() bool {
	if l.writers != 0 || l.readers != 0 {
		return false
	}
	l.writers++
	return true
}

// Unlock gives up a read lock or the write lock ($lock->unlock): a read
// lock while readers hold the lock, otherwise the write lock. When the
// lock becomes free it readies the longest-waiting writer or, if none
// waits, every waiting reader. Unlock of an unlocked RWLock panics.
func (l *RWLock) Unlock() {
	switch {
	case l.readers > 0:
		if l.readers--; l.readers > 0 {
			return
		}
	case l.writers > 0:
		l.writers--
	default:
		panic("coro/sync: Unlock of unlocked RWLock")
	}
	l.wakeUp()
}

// wakeUp readies the first waiting writer or else all waiting readers.
func (l *RWLock) wakeUp() {
	if !l.wq.wake(wokeOne) {
		for l.rq.wake(wokeOne) {
		}
	}
}

// block is the slow path of RLock (q is the reader list) and Lock (the
// writer list).
func (l *RWLock) block(q *waitq, write bool) {
	w := q.enter(sched.Current())
	q.push(w)
	defer l.abandon(q, w)
	for {
		sched.Schedule()
		if l.writers == 0 && (!write || l.readers == 0) {
			break
		}
		if !w.queued {
			q.push(w) // woken, but the lock was taken first
		}
	}
	q.leave(w)
	if write {
		l.writers++
	} else {
		l.readers++
	}
}

func (l *RWLock) abandon(q *waitq, w *waiter) {
	if w.c == nil {
		return // block returned normally
	}
	woken := !w.queued
	q.leave(w)
	if woken && l.writers == 0 && l.readers == 0 {
		l.wakeUp()
	}
}
