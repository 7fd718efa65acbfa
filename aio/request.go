package aio

import (
	"golang.org/x/sys/unix"

	"github.com/corogo/coro/sched"
)

// ioprio maps a coroutine priority onto the kernel's best-effort I/O
// priority levels, as Coro::AIO maps it onto IO::AIO's request priority:
// sched.PrioMax is level 0, the most urgent, and sched.PrioMin level 7.
func ioprio(coroPrio int) uint16 {
	const classBestEffort = 2 << 13 // IOPRIO_CLASS_BE << IOPRIO_CLASS_SHIFT
	return uint16(classBestEffort | (sched.PrioMax - coroPrio))
}

// opcode is what a request asks of the kernel.
type opcode uint8

const (
	opNop opcode = iota
	opOpen
	opClose
	opRead  // pread, or read at the file position when off < 0
	opWrite // pwrite, or write at the file position when off < 0
	opFsync
	opFdatasync
	opStatx
	opUnlink // unlinkat: flags 0, or unix.AT_REMOVEDIR for rmdir
	opMkdir
	opRename
	opLink
	opSymlink
	opFunc // fn, on a pool worker: everything io_uring has no opcode for
	opPoll // wait until fd is ready for flags (unix.POLLIN or POLLOUT)

	numOpcodes
)

// request is one operation in flight: what to do, the memory the kernel
// reads or writes (referenced here, so it stays alive until the
// completion, and Go never moves heap memory), and the result.
type request struct {
	op opcode
	// fd is the descriptor acted on or, for the requests with a path
	// (open, statx, unlink, mkdir, rename, link, symlink), the directory
	// that a relative name resolves in: unix.AT_FDCWD or a Dir's. Every
	// such request sets it, since its zero value names a descriptor too.
	fd    int
	fd2   int // rename's and link's directory for name2, as fd for name
	buf   []byte
	off   int64
	name  string // a path, for open, statx, unlink, mkdir, rename, link; symlink's link
	name2 string // rename's and link's new path; symlink's target, which nothing resolves
	flags int
	mode  uint32
	stat  *unix.Statx_t
	fn    func() (int, error)
	prio  uint16 // ioprio, from the coroutine's priority
	// blocking sends the request to a pool worker, whose system call may
	// wait as long as it needs, even where io_uring could carry it.
	blocking bool
	cut      cutShort // for a read at a File's position: what a Read cut short gives back

	res  int  // the syscall's result: >= 0, or -errno
	done bool // res is final; the kernel no longer touches the memory
	c    *sched.Coro
	be   backend // the backend carrying it

	tag    uint64 // the io_uring user data, from tagTable
	cpath  []byte // name, NUL-terminated, while the kernel reads it; a spare keeps the buffer
	cpath2 []byte // name2, as cpath
}

// cname makes cpath of name and returns its start, for a system call or
// an SQE: r keeps it referenced until the completion.
func (r *request) cname() *byte {
	r.cpath = cstring(r.cpath, r.name)
	return &r.cpath[0]
}

// cnames makes cpath and cpath2 of name and name2 and returns their starts.
func (r *request) cnames() (*byte, *byte) {
	r.cpath2 = cstring(r.cpath2, r.name2)
	return r.cname(), &r.cpath2[0]
}

// err turns a negative result into its errno.
func (r *request) err() error {
	if r.res < 0 {
		return unix.Errno(-r.res)
	}
	return nil
}

// stoppable is call for a pool worker whose eventfd is stop. A read or
// write of a descriptor that can wait for another party (a pipe, a
// socket, a terminal) waits for it in ppoll, together with stop, and
// gives up with ECANCELED, having moved nothing, when stop is written:
// reading an empty pipe, or writing a full one, could otherwise hold the
// worker, and the cancelled coroutine waiting for it, for ever. Other
// requests cannot be stopped once made, nor can a device's write
// (writesUnpolled), nor a read or write of a blocking terminal or device
// that another reader or writer beat to what was ready.
func (r *request) stoppable(stop int) int {
	if r.op != opRead && r.op != opWrite {
		return r.call()
	}
	var st unix.Stat_t
	if unix.Fstat(r.fd, &st) != nil {
		return r.call() // EBADF and the like, at once
	}
	kind := st.Mode & unix.S_IFMT
	if kind == unix.S_IFREG || kind == unix.S_IFBLK || kind == unix.S_IFDIR {
		return r.call() // waits for no other party
	}
	fl, err := unix.FcntlInt(uintptr(r.fd), unix.F_GETFL, 0)
	events, access := int16(unix.POLLIN), unix.O_RDONLY
	if r.op == opWrite {
		events, access = unix.POLLOUT, unix.O_WRONLY
	}
	if err != nil || fl&unix.O_ACCMODE != unix.O_RDWR && fl&unix.O_ACCMODE != access {
		return r.call() // EBADF at once: no readiness would ever come
	}
	// The call is made first, without waiting, and waits only on EAGAIN
	// (a FIFO with no writer reads 0 at once, and is never ready). On a
	// blocking descriptor, nowait makes it so: there another reader (or
	// writer) may take what made the descriptor ready before the call
	// comes, which would then block where stop cannot reach it.
	for {
		n, ok := 0, true
		if fl&unix.O_NONBLOCK != 0 {
			n = r.call() // never blocks
		} else {
			n, ok = r.nowait(kind, access)
		}
		if !ok {
			break
		}
		if n != -int(unix.EAGAIN) {
			return n
		}
		if r.waitReady(events, stop) {
			return -int(unix.ECANCELED)
		}
	}
	// A terminal or device that cannot be read or written without
	// waiting: the plain call once it is ready, which may block if another
	// got there first; a device's write at once.
	if r.op == opWrite && writesUnpolled(r.fd, kind) {
		return r.call()
	}
	if r.waitReady(events, stop) {
		return -int(unix.ECANCELED)
	}
	if r.op == opWrite && (kind == unix.S_IFIFO || kind == unix.S_IFSOCK) && len(r.buf) > pipeBuf {
		// POLLOUT promises room for PIPE_BUF bytes, no more: a larger
		// write would block once the room is gone, where stop cannot
		// reach it. The caller repeats the short write.
		all := r.buf
		r.buf = all[:pipeBuf]
		defer func() { r.buf = all }()
	}
	return r.call()
}

// nowait makes r's read or write of a blocking descriptor without
// waiting, failing with EAGAIN where it would wait (preadv2 or pwritev2
// with RWF_NOWAIT). A FIFO opened by name has no RWF_NOWAIT, and neither
// has qemu-user's preadv2: a FIFO's call is then made on a non-blocking
// description of its own (callNonblocking). It reports false where it
// can do neither (a terminal, a device).
func (r *request) nowait(kind uint32, access int) (int, bool) {
	trap := uintptr(unix.SYS_PREADV2)
	if r.op == opWrite {
		trap = unix.SYS_PWRITEV2
	}
	n, errno := rwNowait(trap, r.fd, r.buf, r.off)
	switch {
	case errno == 0:
		return n, true
	case errno != unix.EOPNOTSUPP && errno != unix.ENOSYS && errno != unix.EINVAL:
		return -int(errno), true
	case kind == unix.S_IFIFO:
		return r.callNonblocking(access)
	}
	return 0, false
}

// callNonblocking makes r's read or write on a file description of its
// own, opened with O_NONBLOCK through /proc/self/fd (access: O_RDONLY or
// O_WRONLY), and reports whether it could open one. Another reader or
// writer of a FIFO changes nothing while the caller's stays open.
func (r *request) callNonblocking(access int) (int, bool) {
	fd, err := unix.Open(procFD(r.fd), access|unix.O_NONBLOCK|unix.O_CLOEXEC|unix.O_NOCTTY, 0)
	if err != nil {
		return 0, false
	}
	defer unix.Close(fd)
	var n int
	if r.op == opWrite {
		n, err = unix.Write(fd, r.buf)
	} else {
		n, err = unix.Read(fd, r.buf)
	}
	if errno, ok := err.(unix.Errno); ok {
		return -int(errno), true
	}
	return n, true
}

// writesUnpolled reports whether writes to fd, of kind (S_IFMT), are made
// without waiting for POLLOUT, where RWF_NOWAIT cannot be had: those of a
// device other than a terminal, whose poll may never report room
// (/dev/kmsg's reports only records to read) and whose writes seldom
// wait. Such a write cannot be stopped once made.
func writesUnpolled(fd int, kind uint32) bool {
	if kind != unix.S_IFCHR {
		return false
	}
	_, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	return err != nil
}

// pipeBuf is Linux's PIPE_BUF, the room a pipe's POLLOUT promises.
const pipeBuf = 4096

// waitReady waits in ppoll until r's descriptor has events, or stop is
// written, which it reports.
func (r *request) waitReady(events int16, stop int) bool {
	fds := [2]unix.PollFd{{Fd: int32(r.fd), Events: events}, {Fd: int32(stop), Events: unix.POLLIN}}
	for {
		if _, err := unix.Ppoll(fds[:], nil, nil); err != unix.EINTR {
			break // ready, or an error the call itself reports
		}
	}
	return fds[1].Revents != 0
}

// call performs the request with blocking system calls, for the thread
// pool backend, and returns what the io_uring completion would carry.
func (r *request) call() int {
	var n int
	var err error
	switch r.op {
	case opNop:
	case opOpen:
		n, err = openatNUL(r.fd, r.cname(), r.flags|unix.O_CLOEXEC, r.mode)
	case opClose:
		err = unix.Close(r.fd)
	case opRead:
		if r.off < 0 {
			n, err = unix.Read(r.fd, r.buf)
		} else {
			n, err = unix.Pread(r.fd, r.buf, r.off)
		}
	case opWrite:
		if r.off < 0 {
			n, err = unix.Write(r.fd, r.buf)
		} else {
			n, err = unix.Pwrite(r.fd, r.buf, r.off)
		}
	case opFsync:
		err = unix.Fsync(r.fd)
	case opFdatasync:
		err = unix.Fdatasync(r.fd)
	case opStatx:
		err = statxNUL(r.fd, r.cname(), r.flags, unix.STATX_BASIC_STATS, r.stat)
	case opUnlink:
		err = unix.Unlinkat(r.fd, r.name, r.flags)
	case opMkdir:
		err = unix.Mkdirat(r.fd, r.name, r.mode)
	case opRename:
		err = unix.Renameat2(r.fd, r.name, r.fd2, r.name2, uint(r.flags))
	case opLink:
		err = unix.Linkat(r.fd, r.name, r.fd2, r.name2, r.flags)
	case opSymlink:
		err = unix.Symlinkat(r.name2, r.fd, r.name)
	case opFunc:
		n, err = r.fn()
	}
	if err != nil {
		if errno, ok := err.(unix.Errno); ok {
			return -int(errno)
		}
		return -int(unix.EIO)
	}
	return n
}
