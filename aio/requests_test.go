package aio_test

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/corogo/coro/aio"
)

// The requests of IO::AIO beyond the ones a File or package os has a
// twin for: aio_sync, aio_pathsync, aio_mlockall, aio_utime and
// aio_statvfs on a handle, aio_slurp, aio_readdirx, aio_fcntl, aio_ioctl
// and aio_fiemap.

func TestSyncAndPathsync(t *testing.T) {
	backends(t, func(t *testing.T) {
		dir := t.TempDir()
		runSched(t, func() {
			must(t, aio.Sync())
			must(t, aio.Pathsync(dir))
			err := aio.Pathsync(filepath.Join(dir, "missing"))
			var pe *fs.PathError
			if !errors.Is(err, fs.ErrNotExist) || !errors.As(err, &pe) {
				t.Errorf("Pathsync of a missing name = %v, want a *fs.PathError for ENOENT", err)
			}
		})
	})
}

func TestMlockall(t *testing.T) {
	runSched(t, func() {
		if err := aio.Mlockall(0); !errors.Is(err, unix.EINVAL) || !strings.HasPrefix(err.Error(), "mlockall: ") {
			t.Errorf("Mlockall(0) = %v, want mlockall: EINVAL, as mlockall(2) gives", err)
		}
		err := aio.Mlockall(unix.MCL_CURRENT | unix.MCL_ONFAULT) // locks pages as they are touched: nothing faults in now
		switch {
		case errors.Is(err, unix.EPERM) || errors.Is(err, unix.ENOMEM):
			t.Logf("Mlockall: %v (no privilege or a low RLIMIT_MEMLOCK here)", err)
		case err != nil:
			t.Errorf("Mlockall = %v", err)
		default:
			must(t, unix.Munlockall())
		}
	})
}

func TestFileUtimeAndStatvfs(t *testing.T) {
	backends(t, func(t *testing.T) {
		name := filepath.Join(t.TempDir(), "f")
		must(t, os.WriteFile(name, []byte("x"), 0o644))
		atime, mtime := time.Unix(1_000_000_000, 123_456_789), time.Unix(1_100_000_000, 987_654_321)
		runSched(t, func() {
			f, err := aio.OpenFile(name, os.O_RDONLY, 0) // futimens needs no write access for the owner
			must(t, err)
			defer f.Close()
			must(t, f.Utime(atime, mtime))
			must(t, f.Utime(time.Time{}, time.Time{})) // leaves both as they are
			var st unix.Stat_t
			must(t, unix.Stat(name, &st))
			if got := time.Unix(st.Atim.Unix()); !got.Equal(atime) {
				t.Errorf("atime %v, want %v", got, atime)
			}
			if got := time.Unix(st.Mtim.Unix()); !got.Equal(mtime) {
				t.Errorf("mtime %v, want %v", got, mtime)
			}
			got, err := f.Statvfs()
			must(t, err)
			var want unix.Statfs_t
			must(t, unix.Statfs(name, &want))
			if got.Type != want.Type || got.Bsize != want.Bsize || got.Blocks != want.Blocks || got.Fsid != want.Fsid {
				t.Errorf("Statvfs = %+v, want statfs(2)'s %+v", got, want)
			}
			f.Close()
			if err := f.Utime(atime, mtime); !errors.Is(err, fs.ErrClosed) {
				t.Errorf("Utime after Close = %v", err)
			}
			if _, err := f.Statvfs(); !errors.Is(err, fs.ErrClosed) {
				t.Errorf("Statvfs after Close = %v", err)
			}
		})
	})
}

func TestSlurp(t *testing.T) {
	backends(t, func(t *testing.T) {
		dir := t.TempDir()
		name := filepath.Join(dir, "f")
		must(t, os.WriteFile(name, []byte("0123456789"), 0o644))
		runSched(t, func() {
			for _, tc := range []struct {
				off  int64
				n    int
				want string
			}{
				{0, 0, "0123456789"},
				{3, 4, "3456"},
				{-3, 0, "789"},
				{-3, 2, "78"},
				{8, 5, "89"},  // the file ends first
				{20, 0, ""},   // past the end
				{-10, 1, "0"}, // from the very start
			} {
				if got, err := aio.Slurp(name, tc.off, tc.n); err != nil || string(got) != tc.want {
					t.Errorf("Slurp(%d, %d) = %q, %v; want %q", tc.off, tc.n, got, err, tc.want)
				}
			}
			if _, err := aio.Slurp(name, -11, 0); !errors.Is(err, unix.EINVAL) {
				t.Errorf("Slurp from before the start = %v, want EINVAL", err)
			}
			if _, err := aio.Slurp(filepath.Join(dir, "missing"), 0, 0); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("Slurp of a missing file = %v", err)
			}
			// A file whose size says nothing, read to its end all the same.
			got, err := aio.Load("/proc/self/status")
			if err != nil || !strings.Contains(string(got), "\nPid:") {
				t.Errorf("Load(/proc/self/status) = %q, %v", got, err)
			}
		})
	})
}

// readdirxTree makes a directory whose entries tell Readdirx's orders
// apart: directories made after files (so inode order is not types'
// order), a link, a FIFO, names with and without dots.
func readdirxTree(t *testing.T) string {
	dir := t.TempDir()
	for _, e := range []string{"f1", "d1/", "f.2", ".hid/", "f3", "dd/", ".x.y", "long_name_no_dots", "z/"} {
		if strings.HasSuffix(e, "/") {
			must(t, os.Mkdir(filepath.Join(dir, e), 0o755))
		} else {
			must(t, os.WriteFile(filepath.Join(dir, e), nil, 0o644))
		}
	}
	must(t, os.Symlink("d1", filepath.Join(dir, "link")))
	must(t, unix.Mkfifo(filepath.Join(dir, "fifo"), 0o644))
	return dir
}

// readdirxLines is Readdirx's result in each order as text, a line per
// flags value: what readdirx.pl prints with IO::AIO.
func readdirxLines(dir string) (string, error) {
	var b strings.Builder
	for _, flags := range []int{0, aio.ReaddirDirsFirst, aio.ReaddirStatOrder, aio.ReaddirDirsFirst | aio.ReaddirStatOrder} {
		entries, got, err := aio.Readdirx(dir, flags)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "%d -> %d:", flags, got)
		for _, e := range entries {
			fmt.Fprintf(&b, " %s/%d", e.Name, e.Type)
		}
		b.WriteString("\n")
	}
	return b.String(), nil
}

func TestReaddirx(t *testing.T) {
	backends(t, func(t *testing.T) {
		dir := readdirxTree(t)
		osEntries, err := os.ReadDir(dir)
		must(t, err)
		runSched(t, func() {
			entries, flags, err := aio.Readdirx(dir, 0)
			must(t, err)
			if flags != aio.ReaddirDents {
				t.Errorf("flags %#x, want ReaddirDents alone: every type is known here", flags)
			}
			var names []string
			for _, e := range entries {
				names = append(names, e.Name)
				var st unix.Stat_t
				must(t, unix.Lstat(filepath.Join(dir, e.Name), &st))
				if e.Ino != st.Ino || uint32(e.Type)<<12 != st.Mode&unix.S_IFMT {
					t.Errorf("%s: inode %d, type %d; lstat says %d, %o", e.Name, e.Ino, e.Type, st.Ino, st.Mode&unix.S_IFMT)
				}
			}
			slices.Sort(names)
			var want []string
			for _, e := range osEntries {
				want = append(want, e.Name())
			}
			if !slices.Equal(names, want) {
				t.Errorf("Readdirx names %v, want os.ReadDir's %v", names, want)
			}
			isDir := func(e aio.DirEntry) bool { return e.Type == unix.DT_DIR }
			byIno := func(a, b aio.DirEntry) int { return cmp.Compare(a.Ino, b.Ino) }
			stat, _, err := aio.Readdirx(dir, aio.ReaddirStatOrder)
			must(t, err)
			if !slices.IsSortedFunc(stat, byIno) {
				t.Errorf("ReaddirStatOrder: %v, not by inode", stat)
			}
			first, _, err := aio.Readdirx(dir, aio.ReaddirDirsFirst)
			must(t, err)
			if _, _, err := aio.Readdirx(filepath.Join(dir, "f1"), 0); !errors.Is(err, unix.ENOTDIR) {
				t.Errorf("Readdirx of a file = %v, want ENOTDIR", err)
			}
			dirs := slices.IndexFunc(first, func(e aio.DirEntry) bool { return !isDir(e) })
			if dirs != 4 || slices.ContainsFunc(first[dirs:], isDir) || !slices.IsSortedFunc(first[:dirs], byIno) {
				t.Errorf("ReaddirDirsFirst: %v, not the 4 directories by inode first", first)
			}
		})
	})
}

// Readdirx gives the orders IO::AIO gives, on the same directory, where
// Perl's IO::AIO is installed (under CI it must be).
func TestReaddirxAsIOAIO(t *testing.T) {
	if err := exec.Command("perl", "-MIO::AIO", "-e", "1").Run(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("IO::AIO is not installed under CI (apt-get install libio-aio-perl): %v", err)
		}
		t.Skipf("IO::AIO not installed: %v", err)
	}
	dir := readdirxTree(t)
	out, err := exec.Command("perl", filepath.Join("testdata", "readdirx.pl"), dir).CombinedOutput()
	if err != nil {
		t.Fatalf("perl readdirx.pl: %v\n%s", err, out)
	}
	var got string
	runSched(t, func() {
		got, err = readdirxLines(dir)
		must(t, err)
	})
	if got != string(out) {
		t.Errorf("Readdirx:\n%s\nIO::AIO's aio_readdirx:\n%s", got, out)
	}
}

func TestFcntlAndIoctl(t *testing.T) {
	backends(t, func(t *testing.T) {
		name := filepath.Join(t.TempDir(), "f")
		must(t, os.WriteFile(name, []byte("data"), 0o644))
		runSched(t, func() {
			f, err := aio.OpenFile(name, os.O_RDWR|os.O_APPEND, 0)
			must(t, err)
			defer f.Close()
			fl, err := f.Fcntl(unix.F_GETFL, 0)
			if want, _ := unix.FcntlInt(f.Fd(), unix.F_GETFL, 0); err != nil || fl != want || fl&unix.O_APPEND == 0 {
				t.Errorf("Fcntl(F_GETFL) = %#x, %v; fcntl(2) gives %#x", fl, err, want)
			}
			dup, err := f.Fcntl(unix.F_DUPFD_CLOEXEC, 100)
			if err != nil || dup < 100 {
				t.Errorf("Fcntl(F_DUPFD_CLOEXEC, 100) = %d, %v", dup, err)
			} else {
				unix.Close(dup)
			}
			// An open file description's lock, seen from another description.
			lk := unix.Flock_t{Type: unix.F_WRLCK, Whence: 0, Start: 0, Len: 2}
			must(t, f.FcntlFlock(unix.F_OFD_SETLK, &lk))
			g, err := aio.OpenFile(name, os.O_RDWR, 0)
			must(t, err)
			defer g.Close()
			probe := unix.Flock_t{Type: unix.F_WRLCK, Len: 1}
			must(t, g.FcntlFlock(unix.F_OFD_GETLK, &probe))
			if probe.Type != unix.F_WRLCK || probe.Pid != -1 {
				t.Errorf("F_OFD_GETLK from another description = %+v, want the write lock (pid -1)", probe)
			}
			if err := g.FcntlFlock(unix.F_OFD_SETLK, &unix.Flock_t{Type: unix.F_WRLCK, Len: 1}); !errors.Is(err, unix.EAGAIN) {
				t.Errorf("a conflicting F_OFD_SETLK = %v, want EAGAIN", err)
			}
			// ioctl with memory: the inode flags, as lsattr reads them.
			var attrs int32
			_, err = f.Ioctl(unix.FS_IOC_GETFLAGS, unsafe.Pointer(&attrs))
			want, werr := unix.IoctlGetUint32(int(f.Fd()), unix.FS_IOC_GETFLAGS)
			if !errors.Is(err, werr) || err == nil && uint32(attrs) != want { // errors.Is(err, nil): err == nil
				t.Errorf("Ioctl(FS_IOC_GETFLAGS) = %#x, %v; ioctl(2) gives %#x, %v", attrs, err, want, werr)
			}
			// ioctl with an integer: a clone of g's data, or the file
			// system's refusal, the same as x/sys/unix's.
			_, err = f.IoctlInt(unix.FICLONE, int(g.Fd()))
			werr = unix.IoctlFileClone(int(f.Fd()), int(g.Fd()))
			if !errors.Is(err, werr) {
				t.Errorf("IoctlInt(FICLONE) = %v; ioctl(2) gives %v", err, werr)
			}
			var pe *fs.PathError
			if _, err := f.Fcntl(-1, 0); !errors.As(err, &pe) || pe.Op != "fcntl" || !errors.Is(err, unix.EINVAL) {
				t.Errorf("Fcntl(-1) = %v, want a *fs.PathError fcntl EINVAL", err)
			}
			f.Close()
			if _, err := f.Fcntl(unix.F_GETFL, 0); !errors.Is(err, fs.ErrClosed) {
				t.Errorf("Fcntl after Close = %v", err)
			}
		})
	})
}

func TestFiemap(t *testing.T) {
	backends(t, func(t *testing.T) {
		name := filepath.Join(t.TempDir(), "sparse")
		// 100 blocks of data with a hole after each: 100 extents, more
		// than one batch of Fiemap's.
		const blocks, block = 100, 4096
		f, err := os.Create(name)
		must(t, err)
		for i := range blocks {
			_, err := f.WriteAt([]byte(strings.Repeat("x", block)), int64(2*i*block))
			must(t, err)
		}
		must(t, f.Sync())
		f.Close()
		runSched(t, func() {
			f, err := aio.Open(name)
			must(t, err)
			defer f.Close()
			all, err := f.Fiemap(0, -1, aio.FiemapFlagSync, -1)
			if errors.Is(err, unix.EOPNOTSUPP) || errors.Is(err, unix.ENOTTY) {
				t.Skipf("this file system maps no extents: %v", err)
			}
			must(t, err)
			var covered int64
			for i, e := range all {
				covered += int64(e.Length)
				if i > 0 && e.Logical < all[i-1].Logical+all[i-1].Length {
					t.Fatalf("extent %d %+v overlaps the one before", i, e)
				}
			}
			if len(all) == 0 {
				t.Fatal("Fiemap: no extents")
			}
			if covered != blocks*block || all[len(all)-1].Flags&aio.FiemapExtentLast == 0 {
				t.Fatalf("Fiemap: %d extents, %d bytes, last %+v; want %d bytes, the last flagged", len(all), covered, all[len(all)-1], blocks*block)
			}
			for i := int64(0); i < blocks; i++ { // each block of data lies in an extent
				off := 2 * i * block
				if !slices.ContainsFunc(all, func(e aio.Extent) bool { return int64(e.Logical) <= off && off < int64(e.Logical+e.Length) }) {
					t.Errorf("the data at %d is in no extent", off)
				}
			}
			two, err := f.Fiemap(0, -1, 0, 2)
			if err != nil || len(two) != min(2, len(all)) || two[0] != all[0] {
				t.Errorf("Fiemap with a count of 2 = %v, %v; want the first two of %v", two, err, all[:min(2, len(all))])
			}
			n, err := f.FiemapCount(0, -1, 0)
			if err != nil || n != len(all) {
				t.Errorf("FiemapCount = %d, %v; want %d", n, err, len(all))
			}
			part, err := f.Fiemap(2*block, block, 0, -1) // the second block of data alone
			if err != nil || len(part) != 1 || int64(part[0].Logical) > 2*block || int64(part[0].Logical+part[0].Length) <= 2*block {
				t.Errorf("Fiemap of one block = %v, %v", part, err)
			}
		})
	})
}
