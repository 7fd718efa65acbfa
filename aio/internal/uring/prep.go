//go:build linux

package uring

import (
	"encoding/binary"
	"math"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The Prep* helpers fill an SQE from NextSQE (which zeroes it) for one
// operation, exactly as the kernel reads it; they leave UserData, Flags,
// Ioprio and the other common fields to the caller. Memory whose address
// they store (buffers, iovecs, paths, timespecs, statx buffers) is moved to
// the heap by them, but must stay referenced by the caller until the
// operation's CQE has been reaped: the SQE holds it as a plain integer.

// escapeSink is never written: the branch in addr is never taken.
var escapeSink struct {
	enabled bool
	p       unsafe.Pointer
}

// addr returns p as the integer an SQE carries. The (never taken) store
// makes p escape, so the compiler puts whatever it points to on the heap,
// where it cannot move as a goroutine stack can.
func addr(p unsafe.Pointer) uint64 {
	if escapeSink.enabled {
		escapeSink.p = p
	}
	return uint64(uintptr(p))
}

// bufAddr returns the address and the length field for buf (the length is
// clamped to the __u32 field; the kernel caps a transfer below that anyway).
func bufAddr(buf []byte) (uint64, uint32) {
	if len(buf) == 0 {
		return 0, 0
	}
	// &buf[0] is the start of the buffer, kept on the heap by addr.
	return addr(unsafe.Pointer(&buf[0])), uint32(min(uint64(len(buf)), math.MaxUint32))
}

// PrepRW fills the fields every read/write-like opcode uses, like
// liburing's io_uring_prep_rw: Opcode, Fd, Addr, Len and Off.
func PrepRW(sqe *SQE, op uint8, fd int, address uint64, length uint32, off uint64) {
	sqe.Opcode = op
	sqe.Fd = int32(fd)
	sqe.Addr = address
	sqe.Len = length
	sqe.Off = off
}

// PrepNop prepares OpNop, which completes with Res 0.
func PrepNop(sqe *SQE) { sqe.Opcode = OpNop }

// PrepRead prepares OpRead: pread(fd, buf, off); off ^uint64(0) (that is,
// -1) reads at the file position (FeatRWCurPos).
func PrepRead(sqe *SQE, fd int, buf []byte, off uint64) {
	a, n := bufAddr(buf)
	PrepRW(sqe, OpRead, fd, a, n, off)
}

// PrepWrite prepares OpWrite: pwrite(fd, buf, off); off ^uint64(0) writes at
// the file position.
func PrepWrite(sqe *SQE, fd int, buf []byte, off uint64) {
	a, n := bufAddr(buf)
	PrepRW(sqe, OpWrite, fd, a, n, off)
}

// PrepReadv prepares OpReadv: preadv(fd, iovs, off). Both the iovec array
// and the buffers it points to must stay referenced until completion.
func PrepReadv(sqe *SQE, fd int, iovs []unix.Iovec, off uint64) {
	PrepRW(sqe, OpReadv, fd, iovecsAddr(iovs), uint32(len(iovs)), off)
}

// PrepWritev prepares OpWritev: pwritev(fd, iovs, off).
func PrepWritev(sqe *SQE, fd int, iovs []unix.Iovec, off uint64) {
	PrepRW(sqe, OpWritev, fd, iovecsAddr(iovs), uint32(len(iovs)), off)
}

func iovecsAddr(iovs []unix.Iovec) uint64 {
	if len(iovs) == 0 {
		return 0
	}
	// &iovs[0] is the struct iovec array, kept on the heap by addr.
	return addr(unsafe.Pointer(&iovs[0]))
}

// PrepFsync prepares OpFsync: fsync(fd), or fdatasync(fd) with
// FsyncDatasync in flags.
func PrepFsync(sqe *SQE, fd int, flags uint32) {
	PrepRW(sqe, OpFsync, fd, 0, 0, 0)
	sqe.OpFlags = flags
}

// PrepOpenat prepares OpOpenat: openat(dirfd, path, flags, mode). path is a
// NUL-terminated string, such as unix.BytePtrFromString returns. The kernel
// adds O_LARGEFILE; the new descriptor is the CQE's Res.
func PrepOpenat(sqe *SQE, dirfd int, path *byte, flags int, mode uint32) {
	// path's address travels in addr; addr keeps the string on the heap.
	PrepRW(sqe, OpOpenat, dirfd, addr(unsafe.Pointer(path)), mode, 0)
	sqe.OpFlags = uint32(flags) // open_flags
}

// PrepClose prepares OpClose: close(fd).
func PrepClose(sqe *SQE, fd int) {
	PrepRW(sqe, OpClose, fd, 0, 0, 0)
}

// PrepStatx prepares OpStatx: statx(dirfd, path, flags, mask, stat); path
// is NUL-terminated.
func PrepStatx(sqe *SQE, dirfd int, path *byte, flags int, mask uint32, stat *unix.Statx_t) {
	// unix.Statx_t is struct statx; its address travels in addr2 (Off),
	// path's in addr; addr keeps both on the heap.
	PrepRW(sqe, OpStatx, dirfd, addr(unsafe.Pointer(path)), mask, addr(unsafe.Pointer(stat)))
	sqe.OpFlags = uint32(flags) // statx_flags
}

// The path opcodes take NUL-terminated paths, and directory descriptors
// that the kernel resolves when the operation runs (on a worker thread):
// a dirfd must stay open until the CQE. A negative dirfd (unix.AT_FDCWD)
// that travels in Len, a __u32, is read back into an int by the kernel.

// PrepUnlinkat prepares OpUnlinkat (5.11): unlinkat(dirfd, path, flags),
// flags 0 or unix.AT_REMOVEDIR (rmdir).
func PrepUnlinkat(sqe *SQE, dirfd int, path *byte, flags int) {
	// path's address travels in addr; addr keeps the string on the heap.
	PrepRW(sqe, OpUnlinkat, dirfd, addr(unsafe.Pointer(path)), 0, 0)
	sqe.OpFlags = uint32(flags) // unlink_flags
}

// PrepMkdirat prepares OpMkdirat (5.15): mkdirat(dirfd, path, mode).
func PrepMkdirat(sqe *SQE, dirfd int, path *byte, mode uint32) {
	// path's address travels in addr, the mode in len; addr keeps the
	// string on the heap.
	PrepRW(sqe, OpMkdirat, dirfd, addr(unsafe.Pointer(path)), mode, 0)
}

// PrepRenameat prepares OpRenameat (5.11): renameat2(olddirfd, oldpath,
// newdirfd, newpath, flags), flags unix.RENAME_*.
func PrepRenameat(sqe *SQE, olddirfd int, oldpath *byte, newdirfd int, newpath *byte, flags int) {
	prepTwoPaths(sqe, OpRenameat, olddirfd, oldpath, newdirfd, newpath)
	sqe.OpFlags = uint32(flags) // rename_flags
}

// PrepLinkat prepares OpLinkat (5.15): linkat(olddirfd, oldpath, newdirfd,
// newpath, flags), flags 0 or unix.AT_SYMLINK_FOLLOW.
func PrepLinkat(sqe *SQE, olddirfd int, oldpath *byte, newdirfd int, newpath *byte, flags int) {
	prepTwoPaths(sqe, OpLinkat, olddirfd, oldpath, newdirfd, newpath)
	sqe.OpFlags = uint32(flags) // hardlink_flags
}

// prepTwoPaths fills what OpRenameat and OpLinkat share: the old
// directory in fd, the new one in len, the old path in addr and the new
// one in addr2 (Off).
func prepTwoPaths(sqe *SQE, op uint8, olddirfd int, oldpath *byte, newdirfd int, newpath *byte) {
	// Both paths' addresses travel as integers; addr keeps both strings on
	// the heap.
	PrepRW(sqe, op, olddirfd, addr(unsafe.Pointer(oldpath)), uint32(newdirfd), addr(unsafe.Pointer(newpath)))
}

// PrepSymlinkat prepares OpSymlinkat (5.15): symlinkat(target, newdirfd,
// linkpath), which makes linkpath, in newdirfd, a link holding target.
func PrepSymlinkat(sqe *SQE, target *byte, newdirfd int, linkpath *byte) {
	// target's address travels in addr, linkpath's in addr2 (Off); addr
	// keeps both strings on the heap.
	PrepRW(sqe, OpSymlinkat, newdirfd, addr(unsafe.Pointer(target)), 0, addr(unsafe.Pointer(linkpath)))
}

// bigEndian reports whether this is a big-endian machine.
var bigEndian = binary.NativeEndian.Uint16([]byte{0, 1}) == 1

// PrepPollAdd prepares a one-shot OpPollAdd of fd for events (unix.POLLIN,
// ...); Res is the ready events. The kernel reads poll32_events with its
// 16-bit halves swapped on big-endian machines, as done here.
func PrepPollAdd(sqe *SQE, fd int, events uint32) {
	PrepRW(sqe, OpPollAdd, fd, 0, 0, 0)
	if bigEndian {
		events = events<<16 | events>>16
	}
	sqe.OpFlags = events
}

// PrepAsyncCancel prepares OpAsyncCancel of the request whose SQE had user
// data userData (flags: AsyncCancel*). Its CQE has Res 0 when the request
// was found and cancelled (the request's own CQE then has -ECANCELED),
// -ENOENT when it was not found, -EALREADY when it was running and could
// not be stopped.
func PrepAsyncCancel(sqe *SQE, userData uint64, flags uint32) {
	PrepRW(sqe, OpAsyncCancel, -1, userData, 0, 0)
	sqe.OpFlags = flags // cancel_flags
}

// PrepTimeout prepares OpTimeout: complete with -ETIME when ts passes
// (relative, or absolute with TimeoutAbs), or with 0 once count other
// completions have been posted (count 0: only the time counts).
func PrepTimeout(sqe *SQE, ts *KernelTimespec, count uint32, flags uint32) {
	// One struct __kernel_timespec at ts, kept on the heap by addr.
	PrepRW(sqe, OpTimeout, -1, addr(unsafe.Pointer(ts)), 1, uint64(count))
	sqe.OpFlags = flags // timeout_flags
}

// DurationTimespec converts d to a KernelTimespec.
func DurationTimespec(d time.Duration) KernelTimespec {
	return KernelTimespec{Sec: int64(d / time.Second), Nsec: int64(d % time.Second)}
}
