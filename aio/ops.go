package aio

import (
	"errors"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The requests below have no io_uring opcode (or need several system
// calls); they run on a pool worker through run, suspending only the
// calling coroutine. Each names the IO::AIO request it corresponds to.

// run makes fn a request and returns its error.
func run(fn func() error) error {
	_, err := runN(func() (int, error) { return 0, fn() })
	return err
}

// runN is run for a function that counts something. fn's error comes
// back as it is: the request's result has room for an errno only, and a
// name lookup's *net.DNSError or EvalSymlinks' own errors are none. (The
// worker writes err before the completion that do waits for.)
func runN(fn func() (int, error)) (int, error) {
	var err error
	r := &request{op: opFunc, fn: func() (n int, e error) {
		n, err = fn()
		return n, err
	}}
	n := do(r)
	switch {
	case err != nil:
		return 0, err
	case n < 0: // cancelled before it ran
		return 0, r.err()
	}
	return n, nil
}

// pathErr wraps err, if any, as a *fs.PathError.
func pathErr(op, path string, err error) error {
	if err == nil {
		return nil
	}
	return &fs.PathError{Op: op, Path: path, Err: err}
}

// ReadV reads into bufs in order at off, as one preadv (aio_readv). It
// returns the bytes read; short reads are not repeated.
func (f *File) ReadV(bufs [][]byte, off int64) (int, error) {
	if err := f.hold("readv"); err != nil {
		return 0, err
	}
	defer f.release()
	n, err := runN(func() (int, error) { return unix.Preadv(f.fd, bufs, off) })
	return n, pathErr("readv", f.name, err)
}

// WriteV writes bufs in order at off, as one pwritev (aio_writev). It
// returns the bytes written; short writes are not repeated.
func (f *File) WriteV(bufs [][]byte, off int64) (int, error) {
	if err := f.hold("writev"); err != nil {
		return 0, err
	}
	defer f.release()
	n, err := runN(func() (int, error) { return unix.Pwritev(f.fd, bufs, off) })
	return n, pathErr("writev", f.name, err)
}

// Truncate changes the file's size (aio_truncate on a handle).
func (f *File) Truncate(size int64) error {
	if err := f.hold("truncate"); err != nil {
		return err
	}
	defer f.release()
	return pathErr("truncate", f.name, run(func() error { return unix.Ftruncate(f.fd, size) }))
}

// Allocate manipulates the space of the range off, off+n: mode 0
// allocates it, or unix.FALLOC_FL_* flags (aio_allocate).
func (f *File) Allocate(mode uint32, off, n int64) error {
	if err := f.hold("fallocate"); err != nil {
		return err
	}
	defer f.release()
	return pathErr("fallocate", f.name, run(func() error { return unix.Fallocate(f.fd, mode, off, n) }))
}

// SyncRange syncs the range off, off+n with unix.SYNC_FILE_RANGE_* flags
// (aio_sync_file_range).
func (f *File) SyncRange(off, n int64, flags int) error {
	if err := f.hold("sync_file_range"); err != nil {
		return err
	}
	defer f.release()
	return pathErr("sync_file_range", f.name, run(func() error { return unix.SyncFileRange(f.fd, off, n, flags) }))
}

// Syncfs commits the file system the file is on (aio_syncfs).
func (f *File) Syncfs() error {
	if err := f.hold("syncfs"); err != nil {
		return err
	}
	defer f.release()
	return pathErr("syncfs", f.name, run(func() error { return unix.Syncfs(f.fd) }))
}

// Readahead asks the kernel to read the range off, off+n into the page
// cache (aio_readahead).
func (f *File) Readahead(off int64, n int) error {
	if err := f.hold("readahead"); err != nil {
		return err
	}
	defer f.release()
	return pathErr("readahead", f.name, run(func() error {
		if _, _, errno := unix.Syscall(unix.SYS_READAHEAD, uintptr(f.fd), uintptr(off), uintptr(n)); errno != 0 {
			return errno // x/sys/unix has no wrapper for readahead(2)
		}
		return nil
	}))
}

// Chmod changes the file's mode (aio_chmod on a handle).
func (f *File) Chmod(mode fs.FileMode) error {
	if err := f.hold("chmod"); err != nil {
		return err
	}
	defer f.release()
	return pathErr("chmod", f.name, run(func() error { return unix.Fchmod(f.fd, unixMode(mode)) }))
}

// Chown changes the file's owner; -1 leaves an id as it is (aio_chown on
// a handle).
func (f *File) Chown(uid, gid int) error {
	if err := f.hold("chown"); err != nil {
		return err
	}
	defer f.release()
	return pathErr("chown", f.name, run(func() error { return unix.Fchown(f.fd, uid, gid) }))
}

// Utime sets the file's access and modification times (aio_utime on a
// handle); a zero time.Time leaves that time as it is, as with Utime.
func (f *File) Utime(atime, mtime time.Time) error {
	if err := f.hold("utime"); err != nil {
		return err
	}
	defer f.release()
	ts := [2]unix.Timespec{timespec(atime), timespec(mtime)}
	return pathErr("utime", f.name, run(func() error {
		// utimensat with no path is futimens(3), which x/sys/unix lacks.
		_, _, errno := unix.Syscall6(unix.SYS_UTIMENSAT, uintptr(f.fd), 0, uintptr(unsafe.Pointer(&ts)), 0, 0, 0)
		if errno != 0 {
			return errno
		}
		return nil
	}))
}

// Statvfs returns statistics of the file system holding the file
// (aio_statvfs on a handle).
func (f *File) Statvfs() (*unix.Statfs_t, error) {
	if err := f.hold("statvfs"); err != nil {
		return nil, err
	}
	defer f.release()
	st := new(unix.Statfs_t)
	if err := run(func() error { return unix.Fstatfs(f.fd, st) }); err != nil {
		return nil, pathErr("statvfs", f.name, err)
	}
	return st, nil
}

// Sendfile copies up to n bytes from src at off to f's position, in the
// kernel (aio_sendfile). It returns the bytes copied.
func (f *File) Sendfile(src *File, off int64, n int) (int, error) {
	if err := f.hold("sendfile"); err != nil {
		return 0, err
	}
	defer f.release()
	if err := src.hold("sendfile"); err != nil {
		return 0, err
	}
	defer src.release()
	turn, err := f.atPosition("sendfile", &f.writes)
	if err != nil {
		return 0, err
	}
	defer turn.unlock()
	w, err := runN(func() (int, error) { return unix.Sendfile(f.fd, src.fd, &off, n) })
	return w, pathErr("sendfile", f.name, err)
}

// Truncate changes the size of the file name (aio_truncate).
func Truncate(name string, size int64) error {
	return truncateIn(unix.AT_FDCWD, name, size, "truncate")
}

// Statvfs returns statistics of the file system holding name
// (aio_statvfs).
func Statvfs(name string) (*unix.Statfs_t, error) { return statvfsIn(unix.AT_FDCWD, name, "statvfs") }

// Link creates newname as a hard link to oldname (aio_link).
func Link(oldname, newname string) error { return linkIn(unix.AT_FDCWD, oldname, newname, "link") }

// Symlink creates newname as a symbolic link to oldname (aio_symlink).
func Symlink(oldname, newname string) error {
	return symlinkIn(oldname, unix.AT_FDCWD, newname, "symlink")
}

// Rename2 is Rename with renameat2 flags (unix.RENAME_NOREPLACE,
// RENAME_EXCHANGE, RENAME_WHITEOUT).
func Rename2(oldname, newname string, flags uint) error {
	return renameIn(unix.AT_FDCWD, oldname, unix.AT_FDCWD, newname, flags, "rename")
}

// Readlink returns the target of the symbolic link name (aio_readlink).
func Readlink(name string) (string, error) { return readlinkIn(unix.AT_FDCWD, name, "readlink") }

// Realpath returns the absolute path of name with every symbolic link,
// "." and ".." resolved (aio_realpath), as realpath(3) (realpathIn).
func Realpath(name string) (string, error) { return realpathIn(unix.AT_FDCWD, name, "realpath") }

// Readdir returns the names in directory name, without "." and "..", in
// the order the file system gives them (aio_readdir).
func Readdir(name string) ([]string, error) { return readdirIn(unix.AT_FDCWD, name, "readdir") }

// Scandir returns the names in directory name split into directories and
// everything else, each sorted (aio_scandir). Symbolic links are not
// followed: a link to a directory is a non-directory.
func Scandir(name string) (dirs, nondirs []string, err error) {
	return scandirIn(unix.AT_FDCWD, name, "scandir")
}

// Chmod changes the mode of name (aio_chmod).
func Chmod(name string, mode fs.FileMode) error { return chmodIn(unix.AT_FDCWD, name, mode, "chmod") }

// Chown changes the owner of name; -1 leaves an id as it is (aio_chown).
func Chown(name string, uid, gid int) error { return chownIn(unix.AT_FDCWD, name, uid, gid, "chown") }

// Utime sets the access and modification times of name (aio_utime); a
// zero time.Time leaves that time as it is, as with os.Chtimes.
func Utime(name string, atime, mtime time.Time) error {
	return utimeIn(unix.AT_FDCWD, name, atime, mtime, "utime")
}

func timespec(t time.Time) unix.Timespec {
	if t.IsZero() {
		return unix.Timespec{Nsec: unix.UTIME_OMIT}
	}
	return unix.NsecToTimespec(t.UnixNano())
}

// Mknod creates a file system node (aio_mknod): mode holds the type
// (unix.S_IFIFO, S_IFCHR, ...) and permissions, dev the device number.
func Mknod(name string, mode uint32, dev int) error {
	return mknodIn(unix.AT_FDCWD, name, mode, dev, "mknod")
}

// Msync flushes the memory-mapped region b to its file with unix.MS_*
// flags (aio_msync).
func Msync(b []byte, flags int) error { return onPages(b, unix.SYS_MSYNC, uintptr(flags)) }

// Mtouch faults in every page of b, reading a byte of each (aio_mtouch),
// and writing it back unchanged when write is set, so that later accesses
// do not block the coroutine's host.
func Mtouch(b []byte, write bool) error {
	if len(b) == 0 {
		return nil
	}
	return run(func() error {
		page := os.Getpagesize()
		start := int(uintptr(unsafe.Pointer(unsafe.SliceData(b))) % uintptr(page))
		for i := 0; i < len(b); i += page - (start+i)%page { // b[0], then each page's first byte
			v := b[i]
			touched.Add(uint32(v))
			if write {
				b[i] = v // kept: the atomic add between the load and this store is a memory operation
			}
		}
		return nil
	})
}

// touched takes the bytes Mtouch reads, so that the compiler keeps the
// reads; otherwise unused.
var touched atomic.Uint32

// Mlock locks the pages of b in memory (aio_mlock).
func Mlock(b []byte) error { return onPages(b, unix.SYS_MLOCK, 0) }

// Mlockall locks the process's pages in memory with unix.MCL_* flags
// (aio_mlockall): those mapped now (MCL_CURRENT), those mapped later
// (MCL_FUTURE), when first touched (MCL_ONFAULT). Its undoing,
// unix.Munlockall, never waits.
func Mlockall(flags int) error {
	return os.NewSyscallError("mlockall", run(func() error { return unix.Mlockall(flags) }))
}

// onPages makes the memory system call trap with arg on a worker, for the
// pages that hold b: from the start of the page b starts in, as IO::AIO
// aligns them (msync and madvise fail with EINVAL elsewhere).
func onPages(b []byte, trap, arg uintptr) error {
	if len(b) == 0 {
		return nil
	}
	return run(func() error {
		page := uintptr(os.Getpagesize())
		start := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
		addr := start &^ (page - 1)
		_, _, errno := unix.Syscall(trap, addr, start+uintptr(len(b))-addr, arg)
		runtime.KeepAlive(b) // the memory stays: a Go heap object never moves
		if errno != 0 {
			return errno
		}
		return nil
	})
}

// Load returns the whole contents of name (aio_load).
func Load(name string) ([]byte, error) { return Slurp(name, 0, 0) }

// Slurp returns n bytes of name from off, fewer where the file ends
// first (aio_slurp): n 0 is the rest of the file, and a negative off
// counts from the end of a regular file.
func Slurp(name string, off int64, n int) ([]byte, error) { return cwd.slurp(name, off, n) }

// slurp is Slurp of name in a.
func (a at) slurp(name string, off int64, n int) ([]byte, error) {
	f, err := a.open(name, os.O_RDONLY, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if off < 0 { // from the end: a stat request, which reading from the start needs not
		fi, err := f.Stat()
		if err != nil {
			return nil, err
		}
		if !fi.Mode().IsRegular() || fi.Size()+off < 0 {
			return nil, &fs.PathError{Op: a.op("slurp"), Path: name, Err: unix.EINVAL}
		}
		off += fi.Size()
	}
	var r io.Reader = f // at 0 after the open, from where a FIFO or a /proc file reads
	if off > 0 {
		r = io.NewSectionReader(f, off, math.MaxInt64-off)
	}
	if n > 0 {
		b := make([]byte, n)
		got, err := io.ReadFull(r, b)
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			err = nil // the file ends first
		}
		return b[:got], err
	}
	return io.ReadAll(r)
}

// ErrSameFile is what Copy fails with, wrapped in an *os.LinkError, when
// dst is src itself: the same name, a hard link or a symbolic link to it.
// Copying would empty it before reading it (as aio_copy would; cp
// refuses too).
var ErrSameFile = errors.New("source and destination are the same file")

// Copy copies the file src to dst, with its times, permissions and owner
// as far as they can be set: as aio_copy, it ignores the errors of
// setting them (a file system without owners, say). dst's contents are
// replaced if it exists; where dst is a symbolic link, the file it names
// is written (made if missing). On failure, or when the coroutine unwinds
// (a Cancel, a timeout), nothing is left of the file written.
func Copy(src, dst string) error { return copyFile(cwd, src, cwd, dst) }

// copyFile is Copy of src in from to dst in to.
func copyFile(from at, src string, to at, dst string) (err error) {
	dst, lerr := to.linkTarget(dst)
	in, err := from.open(src, os.O_RDONLY, 0)
	if err != nil {
		return err
	}
	defer in.Close()
	fi, err := in.Stat()
	if err != nil {
		return err
	}
	// mine is set while dst is this Copy's to remove should it not finish:
	// a file it makes where there was nothing, or one it began to
	// overwrite; never src itself. done is set when it finishes.
	mine, done := false, false
	defer func() {
		if mine && !done {
			to.unlink(dst)
		}
	}()
	// Where a file is at dst, it is opened without O_TRUNC, so that it can
	// be told apart from src before it is emptied.
	fresh := errors.Is(lerr, fs.ErrNotExist)
	flag := os.O_WRONLY | os.O_CREATE
	if fresh {
		flag |= os.O_EXCL
	}
	mine = fresh // an open cut short may have made it
	out, err := to.open(dst, flag, fi.Mode().Perm())
	if err != nil {
		mine = false // nothing made: O_EXCL failed, or the open did
		return err
	}
	defer func() {
		if cerr := out.Close(); cerr != nil && err == nil {
			err, done = cerr, false
		}
	}()
	if !fresh {
		ofi, err := out.Stat()
		if err != nil {
			return err
		}
		if sameFile(fi, ofi) {
			return &os.LinkError{Op: to.op("copy"), Old: src, New: dst, Err: ErrSameFile}
		}
		mine = true
		if err := out.Truncate(0); err != nil {
			return err
		}
	}
	for off := int64(0); off < fi.Size(); {
		n, err := out.Sendfile(in, off, int(min(fi.Size()-off, 1<<30)))
		if err != nil {
			return err
		}
		if n == 0 {
			break // the file shrank meanwhile
		}
		off += int64(n)
	}
	// aio_copy's order: the owner last, as a chmod by a user who is not
	// root could fail once it is another's. All three are set through the
	// handle, as aio_copy sets them: dst is not looked up again.
	st := fi.Sys().(*unix.Statx_t)
	out.Utime(time.Unix(st.Atime.Sec, int64(st.Atime.Nsec)), fi.ModTime())
	out.Chmod(fi.Mode())
	out.Chown(int(st.Uid), int(st.Gid))
	done = true // not when the coroutine unwinds: err is nil then
	return nil
}

// linkTarget returns the name of the file that name in a, a symbolic
// link, names, following links in turn; name itself when it is no link,
// or after 40 links (the kernel's limit, where the open then fails with
// ELOOP). A relative target is joined to the link's directory as it is
// spelt, not cleaned: ".." after a linked directory is the kernel's to
// resolve. The name returned is in a too, unless absolute. It also
// returns the error of the name's lstat, which it made anyway, so that
// Copy need not look dst up again to learn whether anything is there.
func (a at) linkTarget(name string) (string, error) {
	for links := 0; ; links++ {
		fi, err := a.lstat(name)
		if err != nil || fi.Mode()&fs.ModeSymlink == 0 || links == 40 {
			return name, err
		}
		target, err := readlinkIn(a.fd(), name, a.op("readlink"))
		if err != nil {
			return name, nil // the lstat found a link there
		}
		if !filepath.IsAbs(target) {
			target = name[:strings.LastIndexByte(name, '/')+1] + target
		}
		name = target
	}
}

// sameFile reports whether a and b, which Stat made, are one file.
func sameFile(a, b fs.FileInfo) bool {
	x, y := a.Sys().(*unix.Statx_t), b.Sys().(*unix.Statx_t)
	return x.Ino == y.Ino && x.Dev_major == y.Dev_major && x.Dev_minor == y.Dev_minor
}

// Move renames src to dst, or copies and removes it when they are on
// different file systems (aio_move). A symbolic link moved so arrives as
// a copy of the file it names, as with aio_move.
func Move(src, dst string) error { return move(cwd, src, cwd, dst) }

// move is Move of src in from to dst in to.
func move(from at, src string, to at, dst string) error {
	err := renameIn(from.fd(), src, to.fd(), dst, 0, from.op("rename"))
	if !errors.Is(err, unix.EXDEV) {
		return err
	}
	if err := copyFile(from, src, to, dst); err != nil {
		return err
	}
	return from.unlink(src)
}

// Rmtree removes name and, if it is a directory, everything below it
// (aio_rmtree). Symbolic links are removed, not followed, name itself too
// when it ends in a slash, as with os.RemoveAll. As aio_rmtree and
// os.RemoveAll, it removes all it can: an entry it cannot remove keeps
// no other; it returns the first error. A name that ends in "." is
// refused (EINVAL) before anything is removed, as os.RemoveAll refuses
// it: its directory's rmdir would fail once all below had gone.
func Rmtree(name string) error { return cwd.rmtree(name) }

// rmtree is Rmtree of name in a.
func (a at) rmtree(name string) (err error) {
	for len(name) > 1 && name[len(name)-1] == '/' {
		name = name[:len(name)-1]
	}
	if name == "." || strings.HasSuffix(name, "/.") {
		return &fs.PathError{Op: a.op("rmtree"), Path: name, Err: unix.EINVAL}
	}
	fi, err := a.lstat(name)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return a.unlink(name)
	}
	return a.removeDir(name)
}

// removeDir removes the directory name and everything below it, as
// rmtree. The entries' names are name, a slash and theirs: a name the
// kernel resolves, not a cleaned one, which would take "l/../d" for "d"
// where l is a symbolic link. scandir tells the directories from the rest
// (symbolic links among them), so an entry costs no stat of its own.
func (a at) removeDir(name string) (err error) {
	dirs, nondirs, err := scandirIn(a.fd(), name, a.op("scandir"))
	if err != nil {
		return err
	}
	for _, n := range nondirs {
		if rerr := a.unlink(name + "/" + n); err == nil {
			err = rerr
		}
	}
	for _, n := range dirs {
		if rerr := a.removeDir(name + "/" + n); err == nil {
			err = rerr
		}
	}
	if rerr := rmdirIn(a.fd(), name, a.op("rmdir")); err == nil {
		err = rerr
	}
	return err
}
