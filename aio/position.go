package aio

import (
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// The calls at a file's position (Read, Write, Seek, Sendfile) take turns
// on a file that has one position for all of them: a regular file or a
// block device. os.File's calls take turns by the kernel's lock on the
// position, which io_uring's reads and writes at the position do not take
// (two would start at the same offset), nor could hold across a wait.
// Pipes, sockets, terminals and other devices, and files opened as
// streams (FUSE's FOPEN_STREAM), have no position to share, and their
// reads and writes must not wait for each other: a read that waits for an
// answer would keep the write that asks for it out. Their reads and their
// writes take turns apart, as os.File's do: the parts of two Writes, each
// repeating short writes, do not interleave, and a Read cut short hands
// what it took (cutShort) to the Read after it, which would otherwise be
// waiting in the kernel for data that came before it.

// fileKind says whether a file has a position its calls share, and
// whether it has offsets at all.
type fileKind uint8

const (
	kindUnknown    fileKind = iota
	kindPositioned          // a regular file or a block device; its reads stop short only at its end
	kindDevice              // another file lseek works on (/dev/zero): offsets are its own to read
	kindStream              // lseek fails with ESPIPE (a pipe, FIFO, socket, or a file opened as a stream): no offsets
)

// kindOf finds out f's kind the first time, by fstat and lseek; f must be
// open.
func (f *File) kindOf() fileKind {
	if f.kind == kindUnknown {
		var st unix.Stat_t
		if err := unix.Fstat(f.fd, &st); err != nil {
			return kindUnknown // not kept: it says nothing of the file
		}
		_, err := unix.Seek(f.fd, 0, io.SeekCurrent)
		mode := st.Mode & unix.S_IFMT
		f.deviceWrites = writesUnpolled(f.fd, mode)
		switch {
		case err == unix.ESPIPE:
			f.kind = kindStream
		case mode == unix.S_IFREG || mode == unix.S_IFBLK:
			f.kind = kindPositioned
		default:
			f.kind = kindDevice
		}
	}
	return f.kind
}

// positioned reports whether f is a regular file or a block device with a
// position.
func (f *File) positioned() bool { return f.kindOf() == kindPositioned }

// seekable reports whether f has offsets, as pread(2) needs: io_uring's
// reads and writes at an offset of a stream ignore the offset.
func (f *File) seekable() bool { return f.kindOf() != kindStream }

// atPosition starts a call named op at f's position and returns the turn
// it waited for, which the caller gives back (unlock, which takes nil):
// f.pos on a positioned file, else stream, the turn such calls take on a
// stream or device (f.reads, f.writes; nil for a seek, which has none). It
// fails if f is closed, before or after the wait.
func (f *File) atPosition(op string, stream *turnLock) (*turnLock, error) {
	if f == nil {
		return nil, os.ErrInvalid
	}
	if f.closed {
		return nil, f.pathErr(op, ErrClosed)
	}
	turn := stream
	if f.positioned() {
		turn = &f.pos
	}
	if turn == nil {
		return nil, nil
	}
	turn.lock()
	if f.closed {
		turn.unlock()
		return nil, f.pathErr(op, ErrClosed)
	}
	return turn, nil
}
