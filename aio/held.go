package aio

import "golang.org/x/sys/unix"

// held is a descriptor that requests name by number, a File's or a Dir's,
// with the count of those in flight. A Close while any is in flight
// leaves the descriptor open, and the last of them closes it: so no
// request reaches a file that takes the number after Close. A request
// queued for a pool worker names the descriptor by number until the
// worker makes its system call, and so does an io_uring open or statx in
// a directory, whose dirfd the kernel looks up when it makes the call,
// perhaps on one of its workers, after the submission.
//
// The fields need no lock: the coroutines that use a File or a Dir run
// on their scheduler's one thread, and switch only in requests.
type held struct {
	fd     int
	closed bool // Close was called
	busy   int  // requests in flight that name fd (acquire)
}

// acquire counts a request that names fd as in flight until release, or
// fails with ErrClosed once Close was called. Calls made at once, with no
// switch (lseek, preadCached), need neither, since no Close can come in
// between.
func (h *held) acquire() error {
	if h.closed {
		return ErrClosed
	}
	h.busy++
	return nil
}

// release ends what acquire began. After Close the last one closes the
// descriptor, at once: it may run in a deferred call of a coroutine that
// unwinds, where a request would make Cancel wait. As with os.File, the
// error of a close deferred past Close has no one to go to.
func (h *held) release() {
	if h.busy--; h.busy == 0 && h.closed {
		unix.Close(h.fd)
	}
}

// close closes the descriptor (aio_close), or leaves that to the last
// release while requests are in flight, returning nil at once, as
// os.File's Close does. A second close fails with ErrClosed.
func (h *held) close() error {
	if h.closed {
		return ErrClosed
	}
	h.closed = true
	if h.busy > 0 {
		return nil // the last release closes
	}
	r := &request{op: opClose, fd: h.fd}
	if do(r) < 0 {
		return r.err()
	}
	return nil
}
