package aio

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// cstring returns s NUL-terminated, in buf's memory when it has room; s
// never holds a NUL here (do refuses such a path), as the kernel would
// stop at it. Both backends pass paths so, from a request's own
// buffer, which the loop's spare requests keep from one use to the next.
func cstring(buf []byte, s string) []byte { return append(append(buf[:0], s...), 0) }

// openatNUL and statxNUL are unix.Openat and unix.Statx for a path made by
// cstring (request.cname), for the thread pool: the unix wrappers copy
// every path into a new buffer, an allocation per open or stat. The
// caller's request keeps path referenced during the call.

func openatNUL(dirfd int, path *byte, flags int, mode uint32) (int, error) {
	fd, _, errno := unix.Syscall6(unix.SYS_OPENAT, uintptr(dirfd), uintptr(unsafe.Pointer(path)), uintptr(flags), uintptr(mode), 0, 0)
	if errno != 0 {
		return -1, errno
	}
	return int(fd), nil
}

func statxNUL(dirfd int, path *byte, flags, mask int, st *unix.Statx_t) error {
	_, _, errno := unix.Syscall6(unix.SYS_STATX, uintptr(dirfd), uintptr(unsafe.Pointer(path)), uintptr(flags), uintptr(mask), uintptr(unsafe.Pointer(st)), 0)
	if errno != 0 {
		return errno
	}
	return nil
}

// rawIOMax bounds the socket reads and writes that sockIO makes raw.
const rawIOMax = 64 << 10

// sockRead and sockWrite are unix.Read and unix.Write for a nonblocking
// socket.
func sockRead(fd int, b []byte) (int, error)  { return sockIO(unix.SYS_READ, fd, b) }
func sockWrite(fd int, b []byte) (int, error) { return sockIO(unix.SYS_WRITE, fd, b) }

// sockIO makes read or write (trap) on a nonblocking socket, which never
// sleeps in it. Up to rawIOMax bytes the call is raw, without telling the
// Go scheduler, as uring's submissions are (see ioUringEnter there for
// what that saves): an echo server writes between every few switches. A
// larger copy would keep the thread's P long enough to hold up a
// collection's stop-the-world.
func sockIO(trap uintptr, fd int, b []byte) (int, error) {
	// b stays referenced and unmoved during the call: the conversion is in
	// the argument list of an assembly function.
	var n uintptr
	var errno unix.Errno
	if len(b) > rawIOMax {
		n, _, errno = unix.Syscall(trap, uintptr(fd), uintptr(unsafe.Pointer(unsafe.SliceData(b))), uintptr(len(b)))
	} else {
		n, _, errno = unix.RawSyscall(trap, uintptr(fd), uintptr(unsafe.Pointer(unsafe.SliceData(b))), uintptr(len(b)))
	}
	if errno != 0 {
		return 0, errno
	}
	return int(n), nil
}
