// Package uring is a thin, exact wrapper over the Linux io_uring interface
// (io_uring_setup(2), io_uring_enter(2), io_uring_register(2)) made of raw
// system calls through golang.org/x/sys/unix: no cgo, no liburing.
//
// The types mirror the kernel's UAPI structures byte for byte (SQE is
// struct io_uring_sqe, CQE is struct io_uring_cqe, Params is struct
// io_uring_params, ...), the constants carry the kernel's numeric values,
// and a Ring is the three shared memory areas the kernel maps for a ring
// (SQ ring, CQ ring, SQE array) plus the ring's file descriptor.
//
// A typical round trip:
//
//	r, err := uring.Setup(64, 0)
//	if errors.Is(err, uring.ErrUnsupported) {
//		// no io_uring here (old kernel, seccomp, sysctl, qemu-user...):
//		// fall back to something else.
//	}
//	sqe := r.NextSQE()
//	uring.PrepRead(sqe, fd, buf, 0)
//	sqe.UserData = 1
//	_, err = r.SubmitAndWait(1, -1)
//	cqe, _ := r.PeekCQE()
//	n, err := cqe.Res, cqe.Err()
//	r.CQESeen()
//	runtime.KeepAlive(buf)
//
// # Memory handed to the kernel
//
// An SQE carries addresses (buffers, iovecs, paths, timespecs, statx
// results) as plain integers, which Go's garbage collector does not see.
// Such memory must be on the Go heap (the Prep helpers force that for the
// pointers they are given) and must stay referenced by Go code until the
// operation's CQE has been reaped (for example with runtime.KeepAlive after
// reaping, or by keeping it in the request's bookkeeping structure);
// otherwise the kernel may read or write memory that has been freed and
// reused.
//
// # Concurrency
//
// A Ring is not safe for concurrent use: the submission side (NextSQE,
// Submit, SubmitAndWait) and the completion side (PeekCQE, CQESeen,
// ForEachCQE, ...) each keep unsynchronised local state, so callers
// serialise access, for example by owning the ring from one goroutine.
// The only synchronisation done here is with the kernel, through atomic
// loads and stores of the shared ring heads and tails.
package uring
