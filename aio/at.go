package aio

import (
	"io/fs"
	"os"
	"slices"
	"strconv"
	"time"

	"golang.org/x/sys/unix"
)

// The path requests, with their names resolved in the directory dirfd
// through the *at system calls: the package's functions pass
// unix.AT_FDCWD, the current directory, and a Dir's methods its own
// descriptor, which they hold meanwhile. As with the *at calls, an
// absolute name ignores dirfd. op names the request in an error, which
// names the path as given. (openFile and statx, in file.go, are the open
// and the stat.)

func unlinkIn(dirfd int, name, op string) error {
	return pathOp(op, &request{op: opUnlink, fd: dirfd, name: name})
}

func rmdirIn(dirfd int, name, op string) error {
	return pathOp(op, &request{op: opUnlink, fd: dirfd, name: name, flags: unix.AT_REMOVEDIR})
}

func mkdirIn(dirfd int, name string, perm fs.FileMode, op string) error {
	return pathOp(op, &request{op: opMkdir, fd: dirfd, name: name, mode: unixMode(perm)})
}

// renameIn renames oldname in olddirfd to newname in newdirfd, with
// renameat2 flags.
func renameIn(olddirfd int, oldname string, newdirfd int, newname string, flags uint, op string) error {
	return linkOp(op, oldname, newname, &request{op: opRename, fd: olddirfd, name: oldname, fd2: newdirfd, name2: newname, flags: int(flags)})
}

// linkIn makes newname a hard link to oldname, both in dirfd. As link(2),
// linkat without AT_SYMLINK_FOLLOW links a symbolic link itself.
func linkIn(dirfd int, oldname, newname, op string) error {
	return linkOp(op, oldname, newname, &request{op: opLink, fd: dirfd, name: oldname, fd2: dirfd, name2: newname})
}

// symlinkIn makes newname, in dirfd, a symbolic link holding oldname,
// which is not resolved: the kernel resolves a relative one from the
// link's directory when the link is followed.
func symlinkIn(oldname string, dirfd int, newname, op string) error {
	return linkOp(op, oldname, newname, &request{op: opSymlink, fd: dirfd, name: newname, name2: oldname})
}

// linkOp is pathOp for the requests of two names (rename, link, symlink),
// whose error names both.
func linkOp(op, oldname, newname string, r *request) error {
	if do(r) < 0 {
		return &os.LinkError{Op: op, Old: oldname, New: newname, Err: r.err()}
	}
	return nil
}

func readlinkIn(dirfd int, name, op string) (string, error) {
	var target string
	err := run(func() (err error) {
		target, err = readlinkat(dirfd, name)
		return err
	})
	return target, pathErr(op, name, err)
}

// readlinkat is readlinkat(2) into a buffer that grows until the target
// fits, as os.Readlink reads.
func readlinkat(dirfd int, name string) (string, error) {
	for size := 128; ; size *= 2 {
		b := make([]byte, size)
		n, err := unix.Readlinkat(dirfd, name, b)
		if err != nil {
			return "", err
		}
		if n < size {
			return string(b[:n]), nil
		}
	}
}

// realpathIn is Realpath of name in dirfd: the kernel resolves name,
// opening it with O_PATH, and names what it found (/proc/self/fd), so a
// ".." after a link goes up from the link's target and a loop fails with
// ELOOP.
func realpathIn(dirfd int, name, op string) (string, error) {
	var real string
	err := run(func() error {
		return withPath(dirfd, name, func(fd int) (err error) {
			real, err = readlinkat(unix.AT_FDCWD, procFD(fd))
			return err
		})
	})
	return real, pathErr(op, name, err)
}

// procFD is the name under /proc of the process's descriptor fd, a link
// the kernel follows to fd's file, wherever it now is.
func procFD(fd int) string { return "/proc/self/fd/" + strconv.Itoa(fd) }

func readdirIn(dirfd int, name, op string) ([]string, error) {
	entries, _, err := readdirxIn(dirfd, name, 0, op)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(entries))
	for i, e := range entries {
		names[i] = e.Name
	}
	return names, nil
}

// scandirIn is Scandir of name in dirfd. Whether an entry is a directory
// comes from the directory itself, or for a file system that does not
// tell (DT_UNKNOWN), from an lstat in dirfd, not by a name from the
// current directory.
func scandirIn(dirfd int, name, op string) (dirs, nondirs []string, err error) {
	err = run(func() error {
		entries, err := readDirents(dirfd, name)
		for _, e := range entries {
			isDir := e.Type == unix.DT_DIR
			if e.Type == unix.DT_UNKNOWN {
				var st unix.Stat_t
				isDir = unix.Fstatat(dirfd, name+"/"+e.Name, &st, unix.AT_SYMLINK_NOFOLLOW) == nil && st.Mode&unix.S_IFMT == unix.S_IFDIR
			}
			if isDir {
				dirs = append(dirs, e.Name)
			} else {
				nondirs = append(nondirs, e.Name)
			}
		}
		return err
	})
	slices.Sort(dirs)
	slices.Sort(nondirs)
	return dirs, nondirs, pathErr(op, name, err)
}

func chmodIn(dirfd int, name string, mode fs.FileMode, op string) error {
	return pathErr(op, name, run(func() error { return unix.Fchmodat(dirfd, name, unixMode(mode), 0) }))
}

func chownIn(dirfd int, name string, uid, gid int, op string) error {
	return pathErr(op, name, run(func() error { return unix.Fchownat(dirfd, name, uid, gid, 0) }))
}

func utimeIn(dirfd int, name string, atime, mtime time.Time, op string) error {
	ts := []unix.Timespec{timespec(atime), timespec(mtime)}
	return pathErr(op, name, run(func() error { return unix.UtimesNanoAt(dirfd, name, ts, 0) }))
}

func mknodIn(dirfd int, name string, mode uint32, dev int, op string) error {
	return pathErr(op, name, run(func() error { return unix.Mknodat(dirfd, name, mode, dev) }))
}

func truncateIn(dirfd int, name string, size int64, op string) error {
	return pathErr(op, name, run(func() error {
		return byPath(dirfd, name, func(path string) error { return unix.Truncate(path, size) })
	}))
}

// statvfsIn is Statvfs of name in dirfd. statfs(2) has no *at form, but
// fstatfs(2) takes an O_PATH descriptor (since Linux 3.12), so a name in
// a Dir needs no /proc, where truncate's does (byPath), but on an older
// kernel.
func statvfsIn(dirfd int, name, op string) (*unix.Statfs_t, error) {
	st := new(unix.Statfs_t)
	err := run(func() error {
		if dirfd == unix.AT_FDCWD {
			return unix.Statfs(name, st)
		}
		return withPath(dirfd, name, func(fd int) error {
			err := unix.Fstatfs(fd, st)
			if err == unix.EBADF { // before Linux 3.12, which Go still runs on: through /proc
				err = unix.Statfs(procFD(fd), st)
			}
			return err
		})
	})
	if err != nil {
		return nil, pathErr(op, name, err)
	}
	return st, nil
}

// byPath calls fn, a system call with no *at form that takes no
// descriptor either (truncate), with a path for name in dirfd: name
// itself in the current directory, or else the /proc/self/fd link of
// name opened with O_PATH, which the kernel follows to the file. An
// O_PATH open reaches the file without opening it for I/O, so nothing
// happens that truncate(2) would not do: a FIFO does not wait for a
// reader and a device is not opened, as they would be by an open to
// write and ftruncate, and a directory or a FIFO fails as truncate(2)
// fails (EISDIR, EINVAL). It needs /proc, as Realpath does.
func byPath(dirfd int, name string, fn func(path string) error) error {
	if dirfd == unix.AT_FDCWD {
		return fn(name)
	}
	return withPath(dirfd, name, func(fd int) error { return fn(procFD(fd)) })
}

// withPath calls fn with a descriptor of name in dirfd opened with
// O_PATH, which resolves the name without opening the file for I/O (no
// FIFO waits, no device is opened), and closes it after.
func withPath(dirfd int, name string, fn func(fd int) error) error {
	fd, err := unix.Openat(dirfd, name, unix.O_PATH|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	return fn(fd)
}

// at is the directory in which Slurp, Copy, Move and Rmtree, which make
// several requests, resolve their names, as do a Dir's OpenFile, Lstat
// and Unlink, which are such requests alone: the current directory (cwd)
// for the package's functions, or d, which its method holds meanwhile,
// so that d's descriptor stays open and its own. d names their requests
// and Files in errors as its own methods do.
type at struct {
	d *Dir // nil for the current directory
}

// cwd is the current directory, for the package's functions.
var cwd = at{}

// fd is the directory's descriptor for the *at calls.
func (a at) fd() int {
	if a.d == nil {
		return unix.AT_FDCWD
	}
	return a.d.fd
}

// op is the request op's name in errors: with "at" after it in a Dir,
// as the Dir's methods name theirs.
func (a at) op(op string) string {
	if a.d == nil {
		return op
	}
	return op + "at"
}

// open is OpenFile in a; in a Dir, the File is called by the Dir's name
// and its own joined (Dir.join).
func (a at) open(name string, flag int, perm fs.FileMode) (*File, error) {
	fileName := name
	if a.d != nil {
		fileName = a.d.join(name)
	}
	return openFile(a.fd(), name, flag, perm, a.op("open"), fileName)
}

func (a at) lstat(name string) (fs.FileInfo, error) {
	return statx(a.fd(), name, unix.AT_SYMLINK_NOFOLLOW, a.op("lstat"), name)
}

func (a at) unlink(name string) error { return unlinkIn(a.fd(), name, a.op("unlink")) }
