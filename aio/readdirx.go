package aio

import (
	"encoding/binary"
	"slices"
	"strings"

	"golang.org/x/sys/unix"
)

// Readdirx's flags, with IO::AIO's values (IO::AIO::READDIR_*).
const (
	// ReaddirDents is always set in the flags Readdirx returns, as
	// IO::AIO sets it: every entry comes with its type and inode.
	ReaddirDents = 0x01
	// ReaddirDirsFirst puts the directories first, each sorted by inode;
	// where the file system gives no types, the names likely to be
	// directories come first (a leading dot, then short names without
	// dots).
	ReaddirDirsFirst = 0x02
	// ReaddirStatOrder sorts the entries by inode, the order in which
	// stat-ing them all reads the disk least.
	ReaddirStatOrder = 0x04
	// ReaddirFoundUnknown is set in the flags Readdirx returns when an
	// entry's type is unix.DT_UNKNOWN: the file system did not say, and
	// only a stat can.
	ReaddirFoundUnknown = 0x80
)

// DirEntry is an entry of a directory as Readdirx reads it: IO::AIO's
// [$name, $type, $inode].
type DirEntry struct {
	Name string
	Type uint8  // unix.DT_REG, DT_DIR, ..., or DT_UNKNOWN
	Ino  uint64 // the inode number
}

// Readdirx returns the entries of directory name, without "." and "..",
// in the order flags ask for (ReaddirDirsFirst, ReaddirStatOrder), or as
// the file system gives them (aio_readdirx); and flags as IO::AIO
// returns them, with ReaddirDents and, if an entry's type is unknown,
// ReaddirFoundUnknown.
func Readdirx(name string, flags int) ([]DirEntry, int, error) {
	return readdirxIn(unix.AT_FDCWD, name, flags, "readdir")
}

// readdirxIn is Readdirx of name in the directory dirfd, a request named
// op.
func readdirxIn(dirfd int, name string, flags int, op string) ([]DirEntry, int, error) {
	var entries []DirEntry
	err := run(func() (err error) {
		entries, err = readDirents(dirfd, name)
		return err
	})
	if err != nil {
		return nil, 0, pathErr(op, name, err)
	}
	flags |= ReaddirDents
	if slices.ContainsFunc(entries, func(e DirEntry) bool { return e.Type == unix.DT_UNKNOWN }) {
		flags |= ReaddirFoundUnknown
	}
	switch {
	case flags&ReaddirDirsFirst != 0 && flags&(ReaddirStatOrder|ReaddirFoundUnknown) != 0:
		slices.SortStableFunc(entries, func(a, b DirEntry) int {
			if c := likelyDir(a) - likelyDir(b); c != 0 {
				return c
			}
			return cmpIno(a, b)
		})
	case flags&ReaddirDirsFirst != 0:
		dirs := dirsToFront(entries)
		slices.SortStableFunc(entries[:dirs], cmpIno)
	case flags&ReaddirStatOrder != 0:
		slices.SortStableFunc(entries, cmpIno)
	}
	return entries, flags, nil
}

func cmpIno(a, b DirEntry) int {
	switch {
	case a.Ino < b.Ino:
		return -1
	case a.Ino > b.Ino:
		return 1
	}
	return 0
}

// likelyDir ranks e by how likely it is a directory, 0 the most, as
// libeio (IO::AIO's engine) ranks it: by type where it is known, and
// where not, by name.
func likelyDir(e DirEntry) int {
	switch {
	case e.Type == unix.DT_DIR:
		return 0
	case e.Type != unix.DT_UNKNOWN:
		return 7
	case strings.HasPrefix(e.Name, "."): // rare, and often a directory
		return 1
	case strings.Contains(e.Name, "."):
		return 7
	case len(e.Name) <= 2: // no dots and short: more likely a directory
		return 4 - len(e.Name)
	case len(e.Name) <= 4:
		return 4
	case len(e.Name) <= 7:
		return 5
	}
	return 6
}

// dirsToFront moves the directories of entries to the front, swapping
// each non-directory with the last directory after it, as libeio does (so
// the non-directories come in the order IO::AIO gives them), and returns
// how many there are.
func dirsToFront(entries []DirEntry) int {
	dir, other := 0, len(entries)
	for other > dir {
		if entries[dir].Type == unix.DT_DIR {
			dir++
			continue
		}
		other--
		if entries[other].Type == unix.DT_DIR {
			entries[dir], entries[other] = entries[other], entries[dir]
			dir++
		}
	}
	return dir
}

// readDirents reads directory name in dirfd with getdents64, which gives
// each entry's type and inode (os.File.ReadDir gives no inode).
func readDirents(dirfd int, name string) ([]DirEntry, error) {
	fd, err := unix.Openat(dirfd, name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	defer unix.Close(fd)
	var entries []DirEntry
	buf := make([]byte, 32<<10)
	for {
		n, err := unix.Getdents(fd, buf)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, err
		}
		if n <= 0 {
			return entries, nil
		}
		entries = appendDirents(entries, buf[:n])
	}
}

// appendDirents appends the entries of getdents64's records in b: struct
// linux_dirent64 { u64 d_ino; s64 d_off; u16 d_reclen; u8 d_type; char
// d_name[]; }, the name NUL-terminated within d_reclen.
func appendDirents(entries []DirEntry, b []byte) []DirEntry {
	for len(b) >= 19 {
		reclen := int(binary.NativeEndian.Uint16(b[16:]))
		if reclen < 19 || reclen > len(b) {
			break // not a record: the kernel writes none such
		}
		rec := b[:reclen]
		b = b[reclen:]
		name := rec[19:]
		if i := slices.Index(name, 0); i >= 0 {
			name = name[:i]
		}
		if s := string(name); s != "." && s != ".." {
			entries = append(entries, DirEntry{Name: s, Type: rec[18], Ino: binary.NativeEndian.Uint64(rec)})
		}
	}
	return entries
}
