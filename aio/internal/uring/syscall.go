//go:build linux

package uring

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// ioUringSetup is io_uring_setup(2). It returns the ring's file descriptor,
// opened O_RDWR|O_CLOEXEC by the kernel.
func ioUringSetup(entries uint32, p *Params) (int, error) {
	// p is a Go pointer passed in the syscall's argument list: kept alive
	// and unmoved until the call returns; the kernel reads and writes 120
	// bytes, the size of Params.
	fd, _, errno := unix.Syscall(unix.SYS_IO_URING_SETUP, uintptr(entries), uintptr(unsafe.Pointer(p)), 0)
	if errno != 0 {
		return -1, errno
	}
	return int(fd), nil
}

// ioUringEnter is io_uring_enter(2); arg and argSize are the optional
// argument (a sigset or, with EnterExtArg, a getEventsArg). A call that
// may wait for completions tells the Go scheduler it is in a system call,
// so that the thread's P serves other goroutines meanwhile; one that
// cannot wait (!mayWait) is made raw. Submitting does not wait for the
// requests' I/O: the kernel tries each without blocking and hands what
// would block to its own workers. Telling the scheduler costs every call
// the runtime's entersyscall and exitsyscall, and a P left in a system
// call invites sysmon to retake it, which costs futex wake-ups and a
// thread switch; a loop that submits between every few switches pays
// both often.
func ioUringEnter(fd int, toSubmit, minComplete, flags uint32, arg unsafe.Pointer, argSize uintptr, mayWait bool) (int, error) {
	// arg, when not nil, points to Go memory held by the caller for the
	// duration of the call (it lives in the Ring).
	var n uintptr
	var errno unix.Errno
	if mayWait {
		n, _, errno = unix.Syscall6(unix.SYS_IO_URING_ENTER, uintptr(fd), uintptr(toSubmit), uintptr(minComplete), uintptr(flags), uintptr(arg), argSize)
	} else {
		n, _, errno = unix.RawSyscall6(unix.SYS_IO_URING_ENTER, uintptr(fd), uintptr(toSubmit), uintptr(minComplete), uintptr(flags), uintptr(arg), argSize)
	}
	if errno != 0 {
		return int(n), errno
	}
	return int(n), nil
}

// ioUringRegister is io_uring_register(2).
func ioUringRegister(fd int, opcode uint32, arg unsafe.Pointer, nrArgs uint32) (int, error) {
	// arg points to memory the caller keeps alive for the call (converted in
	// the argument list, so it is not moved while the kernel reads it).
	n, _, errno := unix.Syscall6(unix.SYS_IO_URING_REGISTER, uintptr(fd), uintptr(opcode), uintptr(arg), uintptr(nrArgs), 0, 0)
	if errno != 0 {
		return int(n), errno
	}
	return int(n), nil
}
