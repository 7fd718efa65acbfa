package aio

import (
	"io"
	"slices"

	"golang.org/x/sys/unix"

	"github.com/corogo/coro/sched"
)

// The calls at a file's position (Read, Write, Seek, Sendfile) take turns
// on a file that has one position for all of them: a regular file or a
// block device. os.File's calls take turns by the kernel's lock on the
// position, which io_uring's reads and writes at the position do not take
// (two would start at the same offset), nor could hold across a wait.
// Pipes, sockets, terminals and other devices, and files opened as
// streams (FUSE's FOPEN_STREAM), have no position to share, and their
// reads and writes must not wait for each other: a read that waits for an
// answer would keep the write that asks for it out. Their writes take
// turns, as os.File's do, so that the parts of two Writes, each repeating
// short writes, do not interleave.

// fileKind says whether a file has a position its calls share.
type fileKind uint8

const (
	kindUnknown    fileKind = iota
	kindPositioned          // a regular file or a block device; its reads stop short only at its end
	kindStream              // anything else; its reads stop short where the data there ends
)

// positioned reports whether f is a regular file or a block device with a
// position (lseek works: a file opened as a stream fails with ESPIPE),
// finding out the first time; f must be open.
func (f *File) positioned() bool {
	if f.kind == kindUnknown {
		var st unix.Stat_t
		if err := unix.Fstat(f.fd, &st); err != nil {
			return false // not kept: it says nothing of the file
		}
		f.kind = kindStream
		if st.Mode&unix.S_IFMT == unix.S_IFREG || st.Mode&unix.S_IFMT == unix.S_IFBLK {
			if _, err := unix.Seek(f.fd, 0, io.SeekCurrent); err != unix.ESPIPE {
				f.kind = kindPositioned
			}
		}
	}
	return f.kind == kindPositioned
}

// atPosition starts a call named op at f's position, a write if write is
// set, and returns the turn it waited for, which the caller gives back
// (unlock, which takes nil): f.pos on a positioned file, f.writes for a
// write to a stream, nil for a read or a seek of a stream. It fails if f is closed, before
// or after the wait.
func (f *File) atPosition(op string, write bool) (*posLock, error) {
	if f.closed {
		return nil, f.pathErr(op, ErrClosed)
	}
	var turn *posLock
	switch {
	case f.positioned():
		turn = &f.pos
	case write:
		turn = &f.writes
	default:
		return nil, nil
	}
	turn.lock()
	if f.closed {
		turn.unlock()
		return nil, f.pathErr(op, ErrClosed)
	}
	return turn, nil
}

// posLock is a lock for the coroutines of one scheduler that hands itself
// to the coroutine that has waited longest, so that one that reads in a
// loop (io.ReadAll) cannot take it back before the others' turn, as it
// could a coro/sync Semaphore (Coro's up wakes a waiter, who must then
// find the count still there). A waiter costs an allocation.
type posLock struct {
	held    bool
	waiters []*posWaiter // oldest first
}

// posWaiter is a coroutine waiting in posLock.lock.
type posWaiter struct {
	c       *sched.Coro
	granted bool // unlock handed the lock to it
}

func (l *posLock) lock() {
	if !l.held {
		l.held = true
		return
	}
	w := &posWaiter{c: sched.Current()}
	l.waiters = append(l.waiters, w)
	returned := false
	defer func() {
		switch {
		case returned:
		case w.granted: // handed over as the coroutine unwound (Cancel, Throw): pass it on
			l.unlock()
		default:
			l.waiters = slices.DeleteFunc(l.waiters, func(x *posWaiter) bool { return x == w })
		}
	}()
	for !w.granted {
		sched.Schedule()
	}
	returned = true
}

// unlock gives l back; a nil l, no turn taken (atPosition), is nothing.
func (l *posLock) unlock() {
	if l == nil {
		return
	}
	if len(l.waiters) == 0 {
		l.held = false
		return
	}
	w := l.waiters[0]
	l.waiters = slices.Delete(l.waiters, 0, 1)
	w.granted = true
	w.c.Ready()
}
