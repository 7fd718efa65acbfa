package aio

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// ErrClosed is returned by operations on a closed File or Dir
// (fs.ErrClosed).
var ErrClosed = fs.ErrClosed

// File is an open file whose operations suspend only the calling
// coroutine (Coro::AIO on a file handle). It implements io.Reader,
// io.Writer, io.ReaderAt, io.WriterAt, io.Seeker and io.Closer, so bufio,
// io.Copy and the rest of the standard library work inside coroutines.
// The coroutines of one scheduler may use a File at once, as goroutines
// may an os.File: reads and writes at offsets do not interfere, those at
// a regular file's position (Read, Write, Seek, Sendfile) take turns, the
// Reads of a pipe or a device take turns, as do its writes, and a Close
// leaves the requests in flight to end on the file they began on.
type File struct {
	held   // the descriptor, and the requests in flight that name it
	name   string
	append bool // opened with O_APPEND, where WriteAt makes no sense
	// uncached is set when reads cannot be made at once (preadCached): the
	// file was opened with O_DIRECT, or its file system cannot tell whether
	// a read would wait (EOPNOTSUPP), which then costs no more failed tries.
	uncached bool
	// direct is set for a file opened with O_DIRECT, whose reads and
	// writes at the position are made at an offset (atPosition's caller,
	// directAt): io_uring moves no position for a request that completes
	// after its submission, as such a read or write does on ext4.
	direct bool
	kind   fileKind // whether f has a position; known from the first call that asks
	// deviceWrites is set, with kind, for a device whose writes are not
	// made on readiness (writesUnpolled): io_uring would wait for it.
	deviceWrites bool
	// awaitWriter is set while the first Read must wait for a FIFO's
	// writer, which io_uring's open did not (waitForWriter).
	awaitWriter bool
	// unread is what Reads of a stream or device cut short took (cutShort),
	// which the next Reads return first.
	unread unread
	pos    turnLock // held by a call at the position, from start to end (position.go)
	reads  turnLock // held by a Read of a stream or device (position.go)
	writes turnLock // held by a Write or Sendfile to a stream or device (position.go)
}

// Open opens name for reading (aio_open with O_RDONLY).
func Open(name string) (*File, error) { return OpenFile(name, os.O_RDONLY, 0) }

// Create creates or truncates name for reading and writing, mode 0666
// before umask, as os.Create.
func Create(name string) (*File, error) {
	return OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o666)
}

// OpenFile opens name with the os.O_* flags and permissions perm
// (aio_open).
func OpenFile(name string, flag int, perm fs.FileMode) (*File, error) {
	return openFile(unix.AT_FDCWD, name, flag, perm, "open", name)
}

// openFile is OpenFile of name resolved in the directory dirfd
// (unix.AT_FDCWD: the current one), for Dir.OpenFile too: op names the
// request in an error, which names name as given, and fileName is what
// the File is called.
func openFile(dirfd int, name string, flag int, perm fs.FileMode, op, fileName string) (*File, error) {
	r := &request{op: opOpen, fd: dirfd, name: name, flags: flag, mode: unixMode(perm)}
	_, l, err := running()
	if err != nil {
		return nil, &fs.PathError{Op: op, Path: name, Err: errnoOf(err)}
	}
	_, ring := l.be.(*uringBackend)
	fd := do(r)
	// io_uring first tries an open without blocking, where open(2) of a
	// FIFO waits for the other end. Opened to write with no reader, it
	// fails with ENXIO, and a pool worker's open waits. Opened to read, it
	// succeeds at once, and a read would find no writer (EOF): the first
	// Read waits for one instead (awaitWriter), so that the open costs no
	// system call to tell a FIFO.
	waits := ring && flag&(unix.O_NONBLOCK|unix.O_PATH) == 0
	if fd == -int(unix.ENXIO) && waits {
		r.blocking = true
		fd = do(r)
	}
	if fd < 0 {
		return nil, &fs.PathError{Op: op, Path: name, Err: r.err()}
	}
	f := &File{held: held{fd: fd}, name: fileName, append: flag&os.O_APPEND != 0, uncached: flag&unix.O_DIRECT != 0, direct: flag&unix.O_DIRECT != 0}
	f.awaitWriter = waits && flag&unix.O_ACCMODE == unix.O_RDONLY
	return f, nil
}

// waitForWriter is, for a FIFO that io_uring opened to read without the
// wait of open(2) for a writer (OpenFile), that wait, made by the first
// Read: until a writer has written (POLLIN) or has come and gone
// (POLLHUP), where a read would find no writer and end. A writer that was
// there at the open and left without writing is not seen: the Read waits
// for the next. Any other stream (a socket, a terminal) is ready when a
// read would be, so it waits as its read would have; files with offsets
// wait for nothing.
func (f *File) waitForWriter() error {
	if f.kindOf() == kindStream {
		r := &request{op: opPoll, fd: f.fd, flags: unix.POLLIN}
		if do(r) < 0 {
			return f.pathErr("read", r.err())
		}
	}
	f.awaitWriter = false // not when the coroutine unwinds: the next Read waits
	return nil
}

// Name returns the name the file was opened with.
func (f *File) Name() string { return f.name }

// Fd returns the file descriptor; ^uintptr(0) for a nil File or after
// Close, as os.File's.
func (f *File) Fd() uintptr {
	if f == nil || f.closed {
		return ^uintptr(0)
	}
	return uintptr(f.fd)
}

// Close closes the file (aio_close).
//
// Requests of other coroutines that are in flight keep the descriptor
// open until they end; the last of them closes it, and Close returns nil
// at once, as os.File's does. So their requests never reach a file that
// takes the descriptor's number after Close.
func (f *File) Close() error {
	if f == nil {
		return os.ErrInvalid
	}
	if err := f.held.close(); err != nil {
		return f.pathErr("close", err)
	}
	return nil
}

// hold counts a request of f's as in flight until release (held), or
// fails once f is closed, or for a nil f (os.ErrInvalid, as os.File's
// methods). Every request that names f's descriptor is made between the
// two.
func (f *File) hold(op string) error {
	if f == nil {
		return os.ErrInvalid
	}
	if err := f.acquire(); err != nil {
		return f.pathErr(op, err)
	}
	return nil
}

// Read reads up to len(p) bytes at the file's position and advances it
// (aio_read without an offset). It returns io.EOF at the end of the file.
// The kernel keeps the position, so pipes, sockets and terminals work.
// Data already in the page cache is read without a request (readCached).
// A Read cut short by a Cancel or a timeout loses nothing: a file's
// position is left where it was, and what it took from a pipe or a
// device is the next Read's (cutShort).
func (f *File) Read(p []byte) (int, error) {
	if err := f.hold("read"); err != nil {
		return 0, err
	}
	defer f.release()
	if len(p) == 0 {
		return 0, nil
	}
	turn, err := f.atPosition("read", &f.reads)
	if err != nil {
		return 0, err
	}
	defer turn.unlock()
	if n, ok := f.unread.read(p, false); ok {
		return n, nil
	}
	if f.awaitWriter { // after the check for Close: the wait is part of the read, which a Close leaves to end
		if err := f.waitForWriter(); err != nil {
			return 0, err
		}
	}
	n, err := f.directAt(p, false, f.pread)
	if err == nil && n == 0 {
		err = io.EOF
	}
	return n, err
}

// directAt makes rw (pread or pwrite) of p at f's position, for Read or
// Write (write), which hold f.pos. A file opened with O_DIRECT is read and
// written at the offset its position has, which is then moved past what
// was done (to the end, for a write to an O_APPEND file that wrote
// something), as read(2) and write(2) would; any other at the position
// itself (offset -1).
func (f *File) directAt(p []byte, write bool, rw func([]byte, int64) (int, error)) (int, error) {
	if !f.direct || !f.positioned() {
		return rw(p, -1)
	}
	off, err := unix.Seek(f.fd, 0, io.SeekCurrent)
	if err != nil {
		return 0, f.pathErr("seek", err)
	}
	n, err := rw(p, off)
	to, whence := off+int64(n), io.SeekStart
	if write && f.append && n > 0 {
		to, whence = 0, io.SeekEnd
	}
	if _, serr := unix.Seek(f.fd, to, whence); serr != nil && err == nil {
		err = f.pathErr("seek", serr)
	}
	return n, err
}

// ReadAt reads len(p) bytes at off (aio_read), repeating short reads, as
// io.ReaderAt requires; fewer bytes come with io.EOF at the end of file.
func (f *File) ReadAt(p []byte, off int64) (int, error) {
	if err := f.hold("read"); err != nil {
		return 0, err
	}
	defer f.release()
	if off < 0 {
		return 0, f.pathErr("readat", errors.New("negative offset"))
	}
	if len(p) == 0 {
		return 0, nil // as os.File's, which makes no system call: a FIFO's too
	}
	if !f.seekable() {
		return 0, f.pathErr("read", unix.ESPIPE) // io_uring would read on, as from the position
	}
	total := 0
	for total < len(p) {
		n, err := f.pread(p[total:], off+int64(total))
		if err != nil {
			return total, err
		}
		if n == 0 {
			return total, io.EOF
		}
		total += n
	}
	return total, nil
}

// pread reads once at off, or at the file's position when off < 0 (with
// f.pos held), as read(2) does: a file's read stops short only at its end,
// a pipe's or a device's where the data there does. Up to cachedReadMax
// bytes in the page cache are copied without a request, by the
// scheduler's thread or its copier (readCached), unless f.uncached; what
// is not cached is read by a request, from where the cached part ended.
func (f *File) pread(p []byte, off int64) (int, error) {
	cached := 0
	if !f.uncached && len(p) <= cachedReadMax {
		n, done := f.readCached(p, off)
		if done {
			return n, nil
		}
		cached, p = n, p[n:]
		if off >= 0 {
			off += int64(n)
		}
	}
	for {
		r := &request{op: opRead, fd: f.fd, buf: p, off: off}
		if off < 0 {
			r.cut = cutShort{f, cached}
		}
		n := do(r)
		switch {
		case n >= 0:
			return cached + n, nil
		case r.err() == unix.EINTR || r.err() == unix.EAGAIN:
			continue // never surfaces: the request is simply made again
		case cached > 0:
			return cached, nil // as read(2): the error comes with the next read
		}
		return 0, f.pathErr("read", r.err())
	}
}

// readCached reads into p at off (-1: at the file's position) what it
// can without waiting (copyCached), and
// returns how many bytes it read and whether the read is done. If not,
// the next part is not cached, and a request reads on from there (at the
// position, f.pos keeps other calls off it meanwhile).
func (f *File) readCached(p []byte, off int64) (int, bool) {
	n := 0
	for n < len(p) {
		at := off
		if off >= 0 {
			at += int64(n)
		}
		var cut cutShort
		if off < 0 {
			cut = cutShort{f, n}
		}
		m, err := copyCached(f.fd, p[n:], at, cut)
		switch {
		case err != 0:
			// EOPNOTSUPP (the file cannot tell) and ENOSYS (qemu-user has
			// no preadv2) will come again; EAGAIN (not cached now) and the
			// rest (EIO, ENOMEM, ESPIPE at an offset) need not.
			f.uncached = err == unix.EOPNOTSUPP || err == unix.ENOSYS
			return n, false
		case m == 0:
			return n, true // the end of the file
		}
		n += m
		if n < len(p) && off < 0 && !f.positioned() {
			return n, true // all the pipe or device holds now, which read(2) returns
		}
	}
	return n, true
}

// cachedReadMax bounds the reads preadCached tries: the runtime cannot stop
// the thread for a GC during the copy, which must stay short (64 KiB
// take a few microseconds).
const cachedReadMax = 64 << 10

// preadCached reads into p at off (-1: at the file's position, which it
// advances) what can be read without waiting: n bytes, 0 at the end of
// the file. preadv2 with RWF_NOWAIT fails with EAGAIN rather than wait for
// the device or a lock (EOPNOTSUPP where the file cannot tell: a FIFO
// opened by name, tmpfs, overlayfs), so it is made as a raw system call,
// without the runtime's bookkeeping for calls that block. It may stop
// short where the cached part ends; readCached reads on from there. With
// O_DIRECT, RWF_NOWAIT
// still waits for the device (seen on Linux 6.18, ext4), so such files
// never come here.
func preadCached(fd int, p []byte, off int64) (int, unix.Errno) {
	return rwNowait(unix.SYS_PREADV2, fd, p, off)
}

// rwNowait is preadv2 or pwritev2 (trap) of p at off (-1: at the file's
// position) with RWF_NOWAIT: EAGAIN where the call would wait, EOPNOTSUPP
// where the file cannot tell. It never blocks, so it is a raw system call.
func rwNowait(trap uintptr, fd int, p []byte, off int64) (int, unix.Errno) {
	iov := unix.Iovec{Base: unsafe.SliceData(p)}
	iov.SetLen(len(p))
	// The offset is one register on 64-bit Linux: pos_h is 0. -1 (as
	// uintptr, all ones) asks for the file's position.
	r, _, e := unix.RawSyscall6(trap, uintptr(fd), uintptr(unsafe.Pointer(&iov)), 1, uintptr(off), 0, unix.RWF_NOWAIT)
	return int(r), e
}

// Write writes all of p at the file's position and advances it
// (aio_write without an offset), repeating short writes.
func (f *File) Write(p []byte) (int, error) {
	if err := f.hold("write"); err != nil {
		return 0, err
	}
	defer f.release()
	turn, err := f.atPosition("write", &f.writes)
	if err != nil {
		return 0, err
	}
	defer turn.unlock()
	return f.directAt(p, true, f.pwrite)
}

// WriteAt writes all of p at off (aio_write), repeating short writes.
func (f *File) WriteAt(p []byte, off int64) (int, error) {
	if err := f.hold("write"); err != nil {
		return 0, err
	}
	defer f.release()
	if f.append {
		return 0, f.pathErr("writeat", errors.New("invalid use of WriteAt on file opened with O_APPEND"))
	}
	if off < 0 {
		return 0, f.pathErr("writeat", errors.New("negative offset"))
	}
	if len(p) == 0 {
		return 0, nil // as os.File: no system call
	}
	if !f.seekable() {
		return 0, f.pathErr("write", unix.ESPIPE) // io_uring would write on, as at the position
	}
	return f.pwrite(p, off)
}

// pwrite writes all of p at off, or at the file's position when off < 0.
// Writing nothing still makes the system call, as os.File's Write does,
// so a file not open for writing says so; made at once, since it never
// waits, even on a full pipe.
func (f *File) pwrite(p []byte, off int64) (int, error) {
	if len(p) == 0 {
		if _, err := unix.Write(f.fd, nil); err != nil {
			return 0, f.pathErr("write", err)
		}
		return 0, nil
	}
	total := 0
	for total < len(p) {
		at := off
		if off >= 0 {
			at = off + int64(total)
		}
		r := &request{op: opWrite, fd: f.fd, buf: p[total:], off: at, blocking: f.deviceWrites}
		n := do(r)
		switch {
		case n > 0:
			total += n
		case n == 0:
			return total, f.pathErr("write", io.ErrShortWrite)
		case r.err() == unix.EINTR || r.err() == unix.EAGAIN:
		default:
			return total, f.pathErr("write", r.err())
		}
	}
	return total, nil
}

// Seek sets the position of the next Read or Write, as io.Seeker. It is
// lseek(2) made directly: it only changes a number in the kernel. On a
// regular file or a block device it waits for a Read or Write at the
// position in flight to end, as lseek(2) does.
func (f *File) Seek(offset int64, whence int) (int64, error) {
	// lseek is made at once, once the position is free: no Close can come
	// in between, so it needs no hold.
	turn, err := f.atPosition("seek", nil)
	if err != nil {
		return 0, err
	}
	defer turn.unlock()
	pos, err := unix.Seek(f.fd, offset, whence)
	if err != nil {
		return 0, f.pathErr("seek", err)
	}
	f.unread = nil // a device's: Reads go on from where it was sought
	return pos, nil
}

// Sync commits the file to stable storage (aio_fsync).
func (f *File) Sync() error { return f.simple("sync", opFsync) }

// Datasync commits the file's data, not all of its metadata
// (aio_fdatasync).
func (f *File) Datasync() error { return f.simple("datasync", opFdatasync) }

func (f *File) simple(op string, code opcode) error {
	if err := f.hold(op); err != nil {
		return err
	}
	defer f.release()
	r := &request{op: code, fd: f.fd}
	if do(r) < 0 {
		return f.pathErr(op, r.err())
	}
	return nil
}

// Stat returns the file's fs.FileInfo (aio_stat on the handle, by statx).
// Its Sys is the *unix.Statx_t statx filled in, not the *syscall.Stat_t
// of package os's, as for Stat and Lstat: birth time and mount id
// included.
func (f *File) Stat() (fs.FileInfo, error) {
	if err := f.hold("stat"); err != nil {
		return nil, err
	}
	defer f.release()
	return statx(f.fd, "", unix.AT_EMPTY_PATH, "stat", f.name)
}

func (f *File) pathErr(op string, err error) error {
	return &fs.PathError{Op: op, Path: f.name, Err: err}
}

// Stat returns the fs.FileInfo of name, following symbolic links
// (aio_stat).
func Stat(name string) (fs.FileInfo, error) { return statx(unix.AT_FDCWD, name, 0, "stat", name) }

// Lstat is Stat that does not follow a final symbolic link (aio_lstat).
func Lstat(name string) (fs.FileInfo, error) {
	return statx(unix.AT_FDCWD, name, unix.AT_SYMLINK_NOFOLLOW, "lstat", name)
}

func statx(dirfd int, name string, flags int, op, errPath string) (fs.FileInfo, error) {
	fi := &fileInfo{name: filepath.Base(errPath)} // the kernel fills in fi.st
	r := &request{op: opStatx, fd: dirfd, name: name, flags: flags, stat: &fi.st}
	if do(r) < 0 {
		return nil, &fs.PathError{Op: op, Path: errPath, Err: r.err()}
	}
	return fi, nil
}

// Unlink removes the file name (aio_unlink).
func Unlink(name string) error { return unlinkIn(unix.AT_FDCWD, name, "unlink") }

// Rmdir removes the empty directory name (aio_rmdir).
func Rmdir(name string) error { return rmdirIn(unix.AT_FDCWD, name, "rmdir") }

// Mkdir creates the directory name with permissions perm before umask
// (aio_mkdir).
func Mkdir(name string, perm fs.FileMode) error {
	return mkdirIn(unix.AT_FDCWD, name, perm, "mkdir")
}

// Rename renames oldname to newname, replacing it (aio_rename). As
// rename(2), and unlike os.Rename, it replaces an empty directory at
// newname with a directory oldname.
func Rename(oldname, newname string) error {
	return renameIn(unix.AT_FDCWD, oldname, unix.AT_FDCWD, newname, 0, "rename")
}

func pathOp(op string, r *request) error {
	if do(r) < 0 {
		return &fs.PathError{Op: op, Path: r.name, Err: r.err()}
	}
	return nil
}

// Nop does nothing through the kernel's queue and back (aio_nop): the
// round trip every request pays.
func Nop() error {
	r := &request{op: opNop}
	if do(r) < 0 {
		return r.err()
	}
	return nil
}

// unixMode converts permission and special bits to the kernel's mode.
func unixMode(m fs.FileMode) uint32 {
	mode := uint32(m.Perm())
	if m&fs.ModeSetuid != 0 {
		mode |= unix.S_ISUID
	}
	if m&fs.ModeSetgid != 0 {
		mode |= unix.S_ISGID
	}
	if m&fs.ModeSticky != 0 {
		mode |= unix.S_ISVTX
	}
	return mode
}

// fileInfo is the fs.FileInfo of a statx result, which it holds so that
// a Stat allocates once for both.
type fileInfo struct {
	name string
	st   unix.Statx_t
}

func (fi *fileInfo) Name() string { return fi.name }
func (fi *fileInfo) Size() int64  { return int64(fi.st.Size) }
func (fi *fileInfo) ModTime() time.Time {
	return time.Unix(fi.st.Mtime.Sec, int64(fi.st.Mtime.Nsec))
}
func (fi *fileInfo) IsDir() bool { return fi.Mode().IsDir() }
func (fi *fileInfo) Sys() any    { return &fi.st }

func (fi *fileInfo) Mode() fs.FileMode {
	m := fs.FileMode(fi.st.Mode & 0o777)
	switch fi.st.Mode & unix.S_IFMT {
	case unix.S_IFDIR:
		m |= fs.ModeDir
	case unix.S_IFLNK:
		m |= fs.ModeSymlink
	case unix.S_IFIFO:
		m |= fs.ModeNamedPipe
	case unix.S_IFSOCK:
		m |= fs.ModeSocket
	case unix.S_IFCHR:
		m |= fs.ModeDevice | fs.ModeCharDevice
	case unix.S_IFBLK:
		m |= fs.ModeDevice
	}
	if fi.st.Mode&unix.S_ISUID != 0 {
		m |= fs.ModeSetuid
	}
	if fi.st.Mode&unix.S_ISGID != 0 {
		m |= fs.ModeSetgid
	}
	if fi.st.Mode&unix.S_ISVTX != 0 {
		m |= fs.ModeSticky
	}
	return m
}
