//go:build linux

package uring

import (
	"errors"
	"sync/atomic"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The kernel and the process share the ring heads and tails. Each side
// writes one index of each ring (we write the SQ tail and the CQ head) and
// publishes it with a release store after the entries it covers; the other
// side reads it with an acquire load before touching those entries. Go's
// sync/atomic operations are sequentially consistent, which is at least
// that strong (and gives the full barrier SQPOLL needs between publishing
// the SQ tail and reading SQNeedWakeup).

// NextSQE returns the next free submission queue entry, zeroed, or nil
// when the SQ is full (submit, then try again). The entry belongs to the
// caller until the next Submit or SubmitAndWait, which hands every entry
// obtained since the last one to the kernel, in order.
func (r *Ring) NextSQE() *SQE {
	// The kernel advances the SQ head as it consumes entries.
	head := atomic.LoadUint32(r.sqHead)
	if r.sqeTail-head >= r.sqEntries {
		return nil
	}
	sqe := &r.sqes[r.sqeTail&r.sqMask]
	r.sqeTail++
	*sqe = SQE{}
	return sqe
}

// SQSpace returns how many more entries NextSQE can hand out now.
func (r *Ring) SQSpace() int {
	return int(r.sqEntries - (r.sqeTail - atomic.LoadUint32(r.sqHead)))
}

// SQPending returns the number of entries handed out by NextSQE or
// published to the kernel that it has not consumed yet.
func (r *Ring) SQPending() int {
	return int(r.sqeTail - atomic.LoadUint32(r.sqHead))
}

// flushSQ publishes the entries handed out since the last flush by moving
// the SQ tail, and returns how many published entries the kernel has yet
// to consume.
func (r *Ring) flushSQ() uint32 {
	if r.sqeHead != r.sqeTail {
		r.sqeHead = r.sqeTail
		// Release: the SQE contents written before are visible to the
		// kernel once it sees the new tail.
		atomic.StoreUint32(r.sqTail, r.sqeTail)
	}
	return r.sqeTail - atomic.LoadUint32(r.sqHead)
}

// enterFlags returns the io_uring_enter(2) flags needed besides those for
// waiting, and whether a call is needed at all for toSubmit entries.
func (r *Ring) enterFlags(toSubmit uint32) (flags uint32, needed bool) {
	sqFlags := atomic.LoadUint32(r.sqFlags)
	if sqFlags&(SQCQOverflow|SQTaskrun) != 0 {
		// Completions wait in the kernel (overflow list, deferred task
		// work): GETEVENTS moves them into the CQ ring.
		flags |= EnterGetEvents
	}
	if r.params.Flags&SetupSQPoll != 0 {
		// The SQ thread submits by itself; it only needs a call when it
		// has gone to sleep.
		if sqFlags&SQNeedWakeup != 0 {
			flags |= EnterSQWakeup
		}
		return flags, flags != 0
	}
	return flags, toSubmit > 0 || flags != 0
}

// Submit hands the entries obtained from NextSQE since the last submission
// to the kernel with io_uring_enter(2) and returns how many it accepted
// (with SetupSQPoll: how many are waiting for the SQ thread). Fewer than
// were pending means the first one not accepted failed; its error is in a
// CQE, the rest stay queued. Submit does not wait for completions.
func (r *Ring) Submit() (int, error) {
	toSubmit := r.flushSQ()
	flags, needed := r.enterFlags(toSubmit)
	if !needed {
		return int(toSubmit), nil
	}
	for {
		n, err := ioUringEnter(r.fd, toSubmit, 0, flags, nil, 0, false)
		if err == unix.EINTR {
			continue // nothing was submitted: the call failed as a whole
		}
		if err != nil {
			return 0, wrapErrno("enter", err)
		}
		return n, nil
	}
}

// SubmitAndWait submits like Submit and, in the same io_uring_enter(2)
// call (IORING_ENTER_GETEVENTS), waits until at least waitNr completions
// are ready in the CQ ring, or until timeout has passed (timeout < 0: no
// limit; 0: do not block; otherwise with IORING_ENTER_EXT_ARG and a
// struct io_uring_getevents_arg). A wait that times out is not an error:
// SubmitAndWait returns nil and CQReady tells what arrived. A signal
// interrupting the wait (EINTR) restarts it with the time left.
//
// As with the system call, the wait can end early without error: when an
// OpTimeout completes, or when a signal interrupts it after entries were
// submitted (the kernel then reports the submission). Callers reap what
// CQReady reports and call again if they need more.
func (r *Ring) SubmitAndWait(waitNr uint32, timeout time.Duration) (int, error) {
	var deadline time.Time
	if timeout >= 0 {
		deadline = time.Now().Add(timeout)
	}
	for {
		toSubmit := r.flushSQ()
		flags, _ := r.enterFlags(toSubmit)
		flags |= EnterGetEvents
		var arg unsafe.Pointer
		var argSize uintptr
		if timeout >= 0 {
			flags |= EnterExtArg
			left := max(time.Until(deadline), 0)
			r.waitTs = DurationTimespec(left)
			// r is heap-allocated and stays referenced by the caller, so
			// the address of r.waitTs is stable and valid during the call.
			r.waitArg = getEventsArg{Ts: uint64(uintptr(unsafe.Pointer(&r.waitTs)))}
			// The kernel copies sizeofGetEventsArg bytes from r.waitArg.
			arg, argSize = unsafe.Pointer(&r.waitArg), sizeofGetEventsArg
		}
		n, err := ioUringEnter(r.fd, toSubmit, waitNr, flags, arg, argSize, timeout != 0)
		switch {
		case err == nil:
			return n, nil
		case err == unix.ETIME:
			return 0, nil // timed out; nothing was submitted (else n > 0)
		case err == unix.EINTR:
			// Nothing was submitted (else the call reports the count):
			// retry with the time left.
			continue
		default:
			return 0, wrapErrno("enter", err)
		}
	}
}

// CQReady returns the number of completions in the CQ ring not yet marked
// seen.
func (r *Ring) CQReady() int {
	// Acquire the kernel's tail; the head is ours.
	return int(atomic.LoadUint32(r.cqTail) - atomic.LoadUint32(r.cqHead))
}

// PeekCQE returns the oldest completion not yet marked seen, without
// removing it, and whether there is one. The CQE points into the ring: it
// is valid until CQESeen or CQAdvance releases it to the kernel. PeekCQE
// makes no system call; completions the kernel holds back (CQ overflow,
// SetupDeferTaskrun) reach the ring on the next Submit or SubmitAndWait.
func (r *Ring) PeekCQE() (*CQE, bool) {
	head := atomic.LoadUint32(r.cqHead)
	// Acquire: the CQEs up to the tail are completely written.
	if head == atomic.LoadUint32(r.cqTail) {
		return nil, false
	}
	return &r.cqes[head&r.cqMask], true
}

// CQESeen marks the completion returned by PeekCQE as seen, giving its slot
// back to the kernel.
func (r *Ring) CQESeen() { r.CQAdvance(1) }

// CQAdvance marks the n oldest completions as seen; n must not exceed
// CQReady.
func (r *Ring) CQAdvance(n uint32) {
	// Release: our reads of those CQEs are done before the kernel may
	// overwrite their slots.
	atomic.StoreUint32(r.cqHead, atomic.LoadUint32(r.cqHead)+n)
}

// ForEachCQE calls f with each ready completion, oldest first, then marks
// them all seen and returns how many there were. The CQE passed to f is
// only valid during the call. f must not call PeekCQE, CQESeen or
// CQAdvance; if it panics, none of the batch is marked seen.
func (r *Ring) ForEachCQE(f func(*CQE)) int {
	head := atomic.LoadUint32(r.cqHead)
	tail := atomic.LoadUint32(r.cqTail) // acquire, as in PeekCQE
	for i := head; i != tail; i++ {
		f(&r.cqes[i&r.cqMask])
	}
	atomic.StoreUint32(r.cqHead, tail) // release, as in CQAdvance
	return int(tail - head)
}

// Register is io_uring_register(2) on the ring: opcode is a Register*
// constant, arg and nrArgs its argument as the kernel documents it (arg
// must stay valid for the call). It returns the call's non-negative result
// and retries on EINTR.
func (r *Ring) Register(opcode uint32, arg unsafe.Pointer, nrArgs uint32) (int, error) {
	return r.register("register", opcode, arg, nrArgs)
}

// register is Register with op naming the operation in errors.
func (r *Ring) register(op string, opcode uint32, arg unsafe.Pointer, nrArgs uint32) (int, error) {
	for {
		n, err := ioUringRegister(r.fd, opcode, arg, nrArgs)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return 0, wrapErrno(op, err)
		}
		return n, nil
	}
}
