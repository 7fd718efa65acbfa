package aio

import (
	"io"

	"golang.org/x/sys/unix"
)

// A Read cut short (a Cancel, a timeout) while a read at the file's
// position is in flight waits for that read to end (loop.abandon,
// awaitCopy), and may find that it took data: a pipe's or a device's,
// gone from there once read, or a file's, whose position has moved past
// it. The Read cannot return it, so cutShort gives it back: a file with a
// position moves its position back, as if the Read had not begun; a
// stream or device keeps the data for the next Read, as a socket does.

// cutShort is what a read at a File's position (Read) leaves to do, should
// it be cut short.
type cutShort struct {
	f *File // nil: not a read at a File's position
	// before counts the bytes the Read took before this read, into the
	// start of its buffer: the cached part on a positioned file. A stream
	// or device has none (readCached returns once it has read anything).
	before int
}

// salvage gives back what the Read took, the read cut short having read
// n bytes (< 0: an errno) into p, at the end; the Read's turn at the
// position is still held.
func (s cutShort) salvage(p []byte, n int) {
	f := s.f
	if f == nil || s.before+max(n, 0) == 0 {
		return
	}
	if f.positioned() {
		unix.Seek(f.fd, -int64(s.before+max(n, 0)), io.SeekCurrent) // cannot fail: the Read holds f, and its position is past what it took
		return
	}
	f.unread.keep(p[:max(n, 0)])
}

// unread is what reads cut short took from a stream, a device or a
// socket (File.unread, sock.unread): the next read returns it first.
type unread []byte

// keep adds p, which a read cut short took, after what is kept already.
func (u *unread) keep(p []byte) { *u = append(*u, p...) }

// read copies into p what is kept, if anything, as a read would, and
// reports whether it did; whole drops the rest of it (one datagram's, as a
// short read of a datagram drops it).
func (u *unread) read(p []byte, whole bool) (int, bool) {
	if len(*u) == 0 {
		return 0, false
	}
	n := copy(p, *u)
	if *u = (*u)[n:]; whole || len(*u) == 0 {
		*u = nil // its array goes
	}
	return n, true
}
