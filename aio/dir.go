package aio

import (
	"io/fs"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// Dir is a working directory of its own, IO::AIO::WD, which aio_wd makes:
// its methods are the path requests, with a relative name resolved in
// the directory, opened once, through the *at system calls (a request
// with [$wd, $name] as its path). The directory is held by its
// descriptor, not by its name, so a Dir stays in its directory when the
// directory is renamed, and a chdir changes nothing; resolving a name
// from it does not walk the path of the directory each time. As with the
// *at calls and IO::AIO, an absolute name ignores the directory: unlike
// os.Root, a Dir confines nothing, and a name with ".." or a symbolic
// link may lead out of it.
//
// Errors name the path as given, relative to the Dir, and the request
// with "at" after it (statat, unlinkat), as os.Root's errors do; Name
// returns the name the Dir was opened with. A File or Dir opened through
// a Dir is called by the Dir's name and its own joined, as os.Root calls
// it, or by its own where that is absolute. The name of the directory,
// as it is now, is Realpath("."), as with aio_realpath $wd.
//
// The "." of the Dir itself is the directory, as [$wd, "."] is, but it
// cannot be removed or renamed through the Dir: Rmdir(".") and
// Rename(".", ...) fail as unlinkat(2) and renameat(2) do, and
// Rmtree(".") as Rmtree refuses it, where IO::AIO falls back to the
// absolute name the wd was made with, which may name another directory
// by then. Rmdir or Rename of the name Realpath(".") returns does that.
//
// The coroutines of one scheduler may use a Dir at once; a Close leaves
// the requests in flight to end in the directory they began in, as a
// File's Close does. Methods of a closed Dir fail with fs.ErrClosed, and
// those of a nil Dir with os.ErrInvalid: a Dir that OpenDir failed to
// make is never taken for the current directory.
type Dir struct {
	held        // an O_PATH descriptor of the directory, and the requests in flight that name it
	name string // as given to OpenDir
}

// OpenDir opens the directory name (aio_wd), with O_PATH: a Dir only
// resolves names, for which the directory's search permission is
// enough, and reads nothing. A final symbolic link is followed, as with
// os.OpenRoot.
func OpenDir(name string) (*Dir, error) { return openDir(unix.AT_FDCWD, name, "open", name) }

// OpenDir opens the directory name in d (aio_wd of [$wd, $name]).
func (d *Dir) OpenDir(name string) (*Dir, error) {
	return inDir(d, "open", name, func(fd int, op string) (*Dir, error) { return openDir(fd, name, op, d.join(name)) })
}

// openDir opens the directory name in dirfd for a Dir called dirName.
// An O_PATH open never waits, not even for a FIFO, which O_DIRECTORY
// refuses anyway: unlike openFile, it needs no second try on a pool
// worker.
func openDir(dirfd int, name, op, dirName string) (*Dir, error) {
	r := &request{op: opOpen, fd: dirfd, name: name, flags: unix.O_PATH | unix.O_DIRECTORY}
	fd := do(r)
	if fd < 0 {
		return nil, &fs.PathError{Op: op, Path: name, Err: r.err()}
	}
	return &Dir{held: held{fd: fd}, name: dirName}, nil
}

// Name returns the name the Dir was opened with, after Close too.
func (d *Dir) Name() string { return d.name }

// Close closes the directory's descriptor (aio_close). Requests of
// other coroutines that use d and are in flight keep it open until they
// end, and Close returns nil at once, as File's Close. A second Close
// fails with ErrClosed.
func (d *Dir) Close() error {
	if d == nil {
		return os.ErrInvalid
	}
	if err := d.held.close(); err != nil {
		return &fs.PathError{Op: "close", Path: d.name, Err: err}
	}
	return nil
}

// hold returns d's descriptor for a request named op of name, in flight
// until release (held), or fails once d is closed, or for a nil d.
func (d *Dir) hold(op, name string) (int, error) {
	if d == nil {
		return -1, os.ErrInvalid
	}
	if err := d.acquire(); err != nil {
		return -1, &fs.PathError{Op: op, Path: name, Err: err}
	}
	return d.fd, nil
}

// inDir makes call, the request op of name, with d's descriptor held
// from start to end (hold): every request that uses d goes through it.
// call gets the op's name in errors (at.op: "stat" is "statat").
func inDir[T any](d *Dir, op, name string, call func(dirfd int, op string) (T, error)) (T, error) {
	op = at{d}.op(op)
	fd, err := d.hold(op, name)
	if err != nil {
		var none T
		return none, err
	}
	defer d.release()
	return call(fd, op)
}

// in is inDir for a request that returns only an error.
func (d *Dir) in(op, name string, call func(dirfd int, op string) error) error {
	_, err := inDir(d, op, name, func(fd int, op string) (struct{}, error) { return struct{}{}, call(fd, op) })
	return err
}

// join returns what a file called name in d is called: d's name and
// name joined, as os.Root joins them, without cleaning, so that ".."
// stays for the kernel to resolve; name itself where it is absolute,
// ignoring d.
func (d *Dir) join(name string) string {
	switch {
	case len(name) > 0 && name[0] == '/', d.name == "":
		return name
	case d.name[len(d.name)-1] == '/':
		return d.name + name
	}
	return d.name + "/" + name
}

// Open opens name in d for reading (aio_open with O_RDONLY).
func (d *Dir) Open(name string) (*File, error) { return d.OpenFile(name, os.O_RDONLY, 0) }

// Create creates or truncates name in d for reading and writing, mode
// 0666 before umask, as Create.
func (d *Dir) Create(name string) (*File, error) {
	return d.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o666)
}

// OpenFile opens name in d with the os.O_* flags and permissions perm
// (aio_open), as OpenFile opens a name.
func (d *Dir) OpenFile(name string, flag int, perm fs.FileMode) (*File, error) {
	return inDir(d, "open", name, func(int, string) (*File, error) { return at{d}.open(name, flag, perm) })
}

// Stat returns the fs.FileInfo of name in d, following symbolic links
// (aio_stat), as Stat.
func (d *Dir) Stat(name string) (fs.FileInfo, error) {
	return inDir(d, "stat", name, func(fd int, op string) (fs.FileInfo, error) { return statx(fd, name, 0, op, name) })
}

// Lstat is Stat that does not follow a final symbolic link (aio_lstat).
func (d *Dir) Lstat(name string) (fs.FileInfo, error) {
	return inDir(d, "lstat", name, func(int, string) (fs.FileInfo, error) { return at{d}.lstat(name) })
}

// Unlink removes the file name in d (aio_unlink).
func (d *Dir) Unlink(name string) error {
	return d.in("unlink", name, func(int, string) error { return at{d}.unlink(name) })
}

// Rmdir removes the empty directory name in d (aio_rmdir).
func (d *Dir) Rmdir(name string) error {
	return d.in("rmdir", name, func(fd int, op string) error { return rmdirIn(fd, name, op) })
}

// Mkdir creates the directory name in d with permissions perm before
// umask (aio_mkdir).
func (d *Dir) Mkdir(name string, perm fs.FileMode) error {
	return d.in("mkdir", name, func(fd int, op string) error { return mkdirIn(fd, name, perm, op) })
}

// Rename renames oldname to newname, both in d, replacing it
// (aio_rename), as Rename.
func (d *Dir) Rename(oldname, newname string) error { return d.RenameTo(oldname, d, newname, 0) }

// RenameTo renames oldname in d to newname in newdir, with renameat2
// flags as Rename2 takes (aio_rename2 of [$wd, $old] to [$newwd, $new]);
// d itself for newdir with flags 0 is Rename.
func (d *Dir) RenameTo(oldname string, newdir *Dir, newname string, flags uint) error {
	return d.in("rename", oldname, func(oldfd int, _ string) error {
		return newdir.in("rename", newname, func(newfd int, op string) error { return renameIn(oldfd, oldname, newfd, newname, flags, op) })
	})
}

// Link creates newname as a hard link to oldname, both in d (aio_link).
func (d *Dir) Link(oldname, newname string) error {
	return d.in("link", oldname, func(fd int, op string) error { return linkIn(fd, oldname, newname, op) })
}

// Symlink creates newname in d as a symbolic link to oldname
// (aio_symlink). oldname is what the link holds, resolved when the link
// is followed, from the link's directory if relative: not in d.
func (d *Dir) Symlink(oldname, newname string) error {
	return d.in("symlink", newname, func(fd int, op string) error { return symlinkIn(oldname, fd, newname, op) })
}

// Readlink returns the target of the symbolic link name in d
// (aio_readlink).
func (d *Dir) Readlink(name string) (string, error) {
	return inDir(d, "readlink", name, func(fd int, op string) (string, error) { return readlinkIn(fd, name, op) })
}

// Realpath returns the absolute path of name in d with every symbolic
// link, "." and ".." resolved (aio_realpath), as Realpath: for "." the
// directory's name as it is now, wherever it was renamed to.
func (d *Dir) Realpath(name string) (string, error) {
	return inDir(d, "realpath", name, func(fd int, op string) (string, error) { return realpathIn(fd, name, op) })
}

// Readdir returns the names in the directory name in d ("." for d's
// own), as Readdir (aio_readdir).
func (d *Dir) Readdir(name string) ([]string, error) {
	return inDir(d, "readdir", name, func(fd int, op string) ([]string, error) { return readdirIn(fd, name, op) })
}

// Readdirx returns the entries of the directory name in d, as Readdirx
// (aio_readdirx).
func (d *Dir) Readdirx(name string, flags int) (entries []DirEntry, got int, err error) {
	entries, err = inDir(d, "readdir", name, func(fd int, op string) (e []DirEntry, err error) {
		e, got, err = readdirxIn(fd, name, flags, op)
		return e, err
	})
	return entries, got, err
}

// Load returns the whole contents of name in d, as Load (aio_load).
func (d *Dir) Load(name string) ([]byte, error) {
	return inDir(d, "load", name, func(int, string) ([]byte, error) { return at{d}.slurp(name, 0, 0) })
}

// Slurp returns n bytes of name in d from off, as Slurp (aio_slurp).
func (d *Dir) Slurp(name string, off int64, n int) ([]byte, error) {
	return inDir(d, "slurp", name, func(int, string) ([]byte, error) { return at{d}.slurp(name, off, n) })
}

// Copy copies the file src to dst, both in d, as Copy (aio_copy).
func (d *Dir) Copy(src, dst string) error { return d.CopyTo(src, d, dst) }

// CopyTo copies the file src in d to dst in dstdir, as Copy (aio_copy of
// [$wd, $src] to [$dstwd, $dst]); d itself for dstdir is Copy.
func (d *Dir) CopyTo(src string, dstdir *Dir, dst string) error {
	return d.in("copy", src, func(int, string) error {
		return dstdir.in("copy", dst, func(int, string) error { return copyFile(at{d}, src, at{dstdir}, dst) })
	})
}

// Move renames src to dst, both in d, or copies and removes it, as Move
// (aio_move).
func (d *Dir) Move(src, dst string) error { return d.MoveTo(src, d, dst) }

// MoveTo moves src in d to dst in dstdir, as Move (aio_move of
// [$wd, $src] to [$dstwd, $dst]); d itself for dstdir is Move.
func (d *Dir) MoveTo(src string, dstdir *Dir, dst string) error {
	return d.in("move", src, func(int, string) error {
		return dstdir.in("move", dst, func(int, string) error { return move(at{d}, src, at{dstdir}, dst) })
	})
}

// Rmtree removes name in d and everything below it, as Rmtree
// (aio_rmtree).
func (d *Dir) Rmtree(name string) error {
	return d.in("rmtree", name, func(int, string) error { return at{d}.rmtree(name) })
}

// Scandir returns the names in the directory name in d split into
// directories and the rest, each sorted, as Scandir (aio_scandir).
func (d *Dir) Scandir(name string) (dirs, nondirs []string, err error) {
	err = d.in("scandir", name, func(fd int, op string) (err error) {
		dirs, nondirs, err = scandirIn(fd, name, op)
		return err
	})
	return dirs, nondirs, err
}

// Chmod changes the mode of name in d (aio_chmod).
func (d *Dir) Chmod(name string, mode fs.FileMode) error {
	return d.in("chmod", name, func(fd int, op string) error { return chmodIn(fd, name, mode, op) })
}

// Chown changes the owner of name in d; -1 leaves an id as it is
// (aio_chown).
func (d *Dir) Chown(name string, uid, gid int) error {
	return d.in("chown", name, func(fd int, op string) error { return chownIn(fd, name, uid, gid, op) })
}

// Utime sets the access and modification times of name in d; a zero
// time.Time leaves that time as it is (aio_utime).
func (d *Dir) Utime(name string, atime, mtime time.Time) error {
	return d.in("utime", name, func(fd int, op string) error { return utimeIn(fd, name, atime, mtime, op) })
}

// Mknod creates a file system node name in d, as Mknod (aio_mknod).
func (d *Dir) Mknod(name string, mode uint32, dev int) error {
	return d.in("mknod", name, func(fd int, op string) error { return mknodIn(fd, name, mode, dev, op) })
}

// Truncate changes the size of the file name in d (aio_truncate), as
// truncate(2) would: it opens nothing to write (byPath).
func (d *Dir) Truncate(name string, size int64) error {
	return d.in("truncate", name, func(fd int, op string) error { return truncateIn(fd, name, size, op) })
}

// Statvfs returns statistics of the file system holding name in d
// (aio_statvfs); "." for d's own.
func (d *Dir) Statvfs(name string) (*unix.Statfs_t, error) {
	return inDir(d, "statvfs", name, func(fd int, op string) (*unix.Statfs_t, error) { return statvfsIn(fd, name, op) })
}
