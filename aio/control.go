package aio

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// fcntl(2) and ioctl(2) on a pool worker (aio_fcntl, aio_ioctl). As
// IO::AIO warns, they are for calls that do file system work (cloning,
// trimming, flags); one that waits for another party (a lock another
// process holds, F_OFD_SETLKW) holds a worker for as long, and no cancel
// reaches it.

// Fcntl makes fcntl(2) cmd with an integer argument and returns its
// result (aio_fcntl): F_DUPFD_CLOEXEC, F_GETFL, F_ADD_SEALS, ...
func (f *File) Fcntl(cmd, arg int) (int, error) {
	return f.control("fcntl", unix.SYS_FCNTL, uintptr(cmd), uintptr(arg), nil)
}

// FcntlFlock makes fcntl(2) cmd with a lock (aio_fcntl): F_OFD_GETLK,
// F_OFD_SETLK, F_OFD_SETLKW and the process-wide F_GETLK, F_SETLK,
// F_SETLKW.
func (f *File) FcntlFlock(cmd int, lk *unix.Flock_t) error {
	_, err := f.control("fcntl", unix.SYS_FCNTL, uintptr(cmd), 0, unsafe.Pointer(lk))
	return err
}

// Ioctl makes ioctl(2) req with arg, the memory req reads or writes (a
// *unix.FstrimRange for FITRIM, say), and returns its result (aio_ioctl).
// arg must point to memory Go allocated, or be nil.
func (f *File) Ioctl(req uint, arg unsafe.Pointer) (int, error) {
	return f.control("ioctl", unix.SYS_IOCTL, uintptr(req), 0, arg)
}

// IoctlInt makes ioctl(2) req with an integer argument (FICLONE's source
// descriptor, say) and returns its result (aio_ioctl).
func (f *File) IoctlInt(req uint, arg int) (int, error) {
	return f.control("ioctl", unix.SYS_IOCTL, uintptr(req), uintptr(arg), nil)
}

// control makes the system call trap on f's descriptor with cmd and the
// argument: ptr where it is memory, else arg.
func (f *File) control(op string, trap, cmd, arg uintptr, ptr unsafe.Pointer) (int, error) {
	if err := f.hold(op); err != nil {
		return 0, err
	}
	defer f.release()
	n, err := runN(func() (int, error) {
		var r uintptr
		var errno unix.Errno
		if ptr != nil {
			// Converted in the call, as unsafe.Pointer's rules ask; the
			// memory cannot move, as what ptr points to escaped to the
			// heap through this closure.
			r, _, errno = unix.Syscall(trap, uintptr(f.fd), cmd, uintptr(ptr))
		} else {
			r, _, errno = unix.Syscall(trap, uintptr(f.fd), cmd, arg)
		}
		if errno != 0 {
			return 0, errno
		}
		return int(r), nil
	})
	return n, pathErr(op, f.name, err)
}
