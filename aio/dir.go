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
// Rename(".", ...) fail as unlinkat(2) and renameat(2) do, where
// IO::AIO falls back to the absolute name the wd was made with, which
// may name another directory by then. Rmdir or Rename of the name
// Realpath(".") returns does that.
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
	fd, err := d.hold("openat", name)
	if err != nil {
		return nil, err
	}
	defer d.release()
	return openDir(fd, name, "openat", d.join(name))
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
// until release (held), or fails once d is closed, or for a nil d. Every
// request that uses d is made between the two.
func (d *Dir) hold(op, name string) (int, error) {
	if d == nil {
		return -1, os.ErrInvalid
	}
	if err := d.acquire(); err != nil {
		return -1, &fs.PathError{Op: op, Path: name, Err: err}
	}
	return d.fd, nil
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
	fd, err := d.hold("openat", name)
	if err != nil {
		return nil, err
	}
	defer d.release()
	return openFile(fd, name, flag, perm, "openat", d.join(name))
}

// Stat returns the fs.FileInfo of name in d, following symbolic links
// (aio_stat), as Stat.
func (d *Dir) Stat(name string) (fs.FileInfo, error) {
	fd, err := d.hold("statat", name)
	if err != nil {
		return nil, err
	}
	defer d.release()
	return statx(fd, name, 0, "statat", name)
}

// Lstat is Stat that does not follow a final symbolic link (aio_lstat).
func (d *Dir) Lstat(name string) (fs.FileInfo, error) {
	fd, err := d.hold("lstatat", name)
	if err != nil {
		return nil, err
	}
	defer d.release()
	return statx(fd, name, unix.AT_SYMLINK_NOFOLLOW, "lstatat", name)
}

// Unlink removes the file name in d (aio_unlink).
func (d *Dir) Unlink(name string) error {
	fd, err := d.hold("unlinkat", name)
	if err != nil {
		return err
	}
	defer d.release()
	return unlinkIn(fd, name, "unlinkat")
}

// Rmdir removes the empty directory name in d (aio_rmdir).
func (d *Dir) Rmdir(name string) error {
	fd, err := d.hold("rmdirat", name)
	if err != nil {
		return err
	}
	defer d.release()
	return rmdirIn(fd, name, "rmdirat")
}

// Mkdir creates the directory name in d with permissions perm before
// umask (aio_mkdir).
func (d *Dir) Mkdir(name string, perm fs.FileMode) error {
	fd, err := d.hold("mkdirat", name)
	if err != nil {
		return err
	}
	defer d.release()
	return mkdirIn(fd, name, perm, "mkdirat")
}

// Rename renames oldname to newname, both in d, replacing it
// (aio_rename), as Rename.
func (d *Dir) Rename(oldname, newname string) error { return d.RenameTo(oldname, d, newname, 0) }

// RenameTo renames oldname in d to newname in newdir, with renameat2
// flags as Rename2 takes (aio_rename2 of [$wd, $old] to [$newwd, $new]);
// d itself for newdir with flags 0 is Rename.
func (d *Dir) RenameTo(oldname string, newdir *Dir, newname string, flags uint) error {
	oldfd, err := d.hold("renameat", oldname)
	if err != nil {
		return err
	}
	defer d.release()
	newfd, err := newdir.hold("renameat", newname)
	if err != nil {
		return err
	}
	defer newdir.release()
	return renameIn(oldfd, oldname, newfd, newname, flags, "renameat")
}

// Link creates newname as a hard link to oldname, both in d (aio_link).
func (d *Dir) Link(oldname, newname string) error {
	fd, err := d.hold("linkat", oldname)
	if err != nil {
		return err
	}
	defer d.release()
	return linkIn(fd, oldname, newname, "linkat")
}

// Symlink creates newname in d as a symbolic link to oldname
// (aio_symlink). oldname is what the link holds, resolved when the link
// is followed, from the link's directory if relative: not in d.
func (d *Dir) Symlink(oldname, newname string) error {
	fd, err := d.hold("symlinkat", newname)
	if err != nil {
		return err
	}
	defer d.release()
	return symlinkIn(oldname, fd, newname, "symlinkat")
}

// Readlink returns the target of the symbolic link name in d
// (aio_readlink).
func (d *Dir) Readlink(name string) (string, error) {
	fd, err := d.hold("readlinkat", name)
	if err != nil {
		return "", err
	}
	defer d.release()
	return readlinkIn(fd, name, "readlinkat")
}

// Realpath returns the absolute path of name in d with every symbolic
// link, "." and ".." resolved (aio_realpath), as Realpath: for "." the
// directory's name as it is now, wherever it was renamed to.
func (d *Dir) Realpath(name string) (string, error) {
	fd, err := d.hold("realpathat", name)
	if err != nil {
		return "", err
	}
	defer d.release()
	return realpathIn(fd, name, "realpathat")
}

// Readdir returns the names in the directory name in d ("." for d's
// own), as Readdir (aio_readdir).
func (d *Dir) Readdir(name string) ([]string, error) {
	fd, err := d.hold("readdirat", name)
	if err != nil {
		return nil, err
	}
	defer d.release()
	return readdirIn(fd, name, "readdirat")
}

// Readdirx returns the entries of the directory name in d, as Readdirx
// (aio_readdirx).
func (d *Dir) Readdirx(name string, flags int) ([]DirEntry, int, error) {
	fd, err := d.hold("readdirat", name)
	if err != nil {
		return nil, 0, err
	}
	defer d.release()
	return readdirxIn(fd, name, flags, "readdirat")
}

// Scandir returns the names in the directory name in d split into
// directories and the rest, each sorted, as Scandir (aio_scandir).
func (d *Dir) Scandir(name string) (dirs, nondirs []string, err error) {
	fd, err := d.hold("scandirat", name)
	if err != nil {
		return nil, nil, err
	}
	defer d.release()
	return scandirIn(fd, name, "scandirat")
}

// Chmod changes the mode of name in d (aio_chmod).
func (d *Dir) Chmod(name string, mode fs.FileMode) error {
	fd, err := d.hold("chmodat", name)
	if err != nil {
		return err
	}
	defer d.release()
	return chmodIn(fd, name, mode, "chmodat")
}

// Chown changes the owner of name in d; -1 leaves an id as it is
// (aio_chown).
func (d *Dir) Chown(name string, uid, gid int) error {
	fd, err := d.hold("chownat", name)
	if err != nil {
		return err
	}
	defer d.release()
	return chownIn(fd, name, uid, gid, "chownat")
}

// Utime sets the access and modification times of name in d; a zero
// time.Time leaves that time as it is (aio_utime).
func (d *Dir) Utime(name string, atime, mtime time.Time) error {
	fd, err := d.hold("utimeat", name)
	if err != nil {
		return err
	}
	defer d.release()
	return utimeIn(fd, name, atime, mtime, "utimeat")
}

// Mknod creates a file system node name in d, as Mknod (aio_mknod).
func (d *Dir) Mknod(name string, mode uint32, dev int) error {
	fd, err := d.hold("mknodat", name)
	if err != nil {
		return err
	}
	defer d.release()
	return mknodIn(fd, name, mode, dev, "mknodat")
}

// Truncate changes the size of the file name in d (aio_truncate), as
// truncate(2) would: it opens nothing to write (byPath).
func (d *Dir) Truncate(name string, size int64) error {
	fd, err := d.hold("truncateat", name)
	if err != nil {
		return err
	}
	defer d.release()
	return truncateIn(fd, name, size, "truncateat")
}

// Statvfs returns statistics of the file system holding name in d
// (aio_statvfs); "." for d's own.
func (d *Dir) Statvfs(name string) (*unix.Statfs_t, error) {
	fd, err := d.hold("statvfsat", name)
	if err != nil {
		return nil, err
	}
	defer d.release()
	return statvfsIn(fd, name, "statvfsat")
}
