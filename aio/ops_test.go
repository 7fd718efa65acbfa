package aio_test

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/corogo/coro/aio"
)

// must fails the test on err.
func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestVectorsSizesAndSync(t *testing.T) {
	backends(t, func(t *testing.T) {
		name := filepath.Join(t.TempDir(), "v")
		runSched(t, func() {
			f, err := aio.Create(name)
			must(t, err)
			defer f.Close()
			n, err := f.WriteV([][]byte{[]byte("hello, "), []byte("vectored "), []byte("world")}, 0)
			if err != nil || n != 21 {
				t.Fatalf("WriteV = %d, %v", n, err)
			}
			a, b := make([]byte, 7), make([]byte, 14)
			if n, err := f.ReadV([][]byte{a, b}, 0); err != nil || n != 21 || string(a)+string(b) != "hello, vectored world" {
				t.Fatalf("ReadV = %d, %v: %q %q", n, err, a, b)
			}
			must(t, f.Allocate(0, 0, 4096))
			must(t, f.SyncRange(0, 4096, unix.SYNC_FILE_RANGE_WRITE))
			must(t, f.Readahead(0, 4096))
			must(t, f.Syncfs())
			must(t, f.Truncate(5))
			if fi, _ := os.Stat(name); fi.Size() != 5 {
				t.Errorf("size after Truncate = %d", fi.Size())
			}
			must(t, aio.Truncate(name, 2))
			got, err := aio.Load(name)
			if err != nil || string(got) != "he" {
				t.Errorf("Load = %q, %v", got, err)
			}
		})
	})
}

func TestLinksModesAndTimes(t *testing.T) {
	backends(t, func(t *testing.T) {
		dir := t.TempDir()
		file := filepath.Join(dir, "file")
		os.WriteFile(file, []byte("x"), 0o600)
		runSched(t, func() {
			must(t, aio.Link(file, filepath.Join(dir, "hard")))
			must(t, aio.Symlink("file", filepath.Join(dir, "soft")))
			if target, err := aio.Readlink(filepath.Join(dir, "soft")); err != nil || target != "file" {
				t.Errorf("Readlink = %q, %v", target, err)
			}
			real, err := aio.Realpath(filepath.Join(dir, ".", "soft"))
			want, _ := filepath.EvalSymlinks(file)
			if err != nil || real != want {
				t.Errorf("Realpath = %q, %v; want %q", real, err, want)
			}
			if fi, err := aio.Lstat(filepath.Join(dir, "soft")); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
				t.Errorf("Lstat(link) = %v, %v", fi, err)
			}
			must(t, aio.Chmod(file, 0o640))
			must(t, aio.Chown(file, -1, -1))
			when := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
			must(t, aio.Utime(file, when, when))
			fi, err := os.Stat(file)
			if err != nil || fi.Mode().Perm() != 0o640 || !fi.ModTime().Equal(when) {
				t.Errorf("after Chmod and Utime: %v %v, %v", fi.Mode(), fi.ModTime(), err)
			}
			must(t, aio.Mknod(filepath.Join(dir, "fifo"), unix.S_IFIFO|0o600, 0))
			if fi, _ := os.Stat(filepath.Join(dir, "fifo")); fi == nil || fi.Mode()&fs.ModeNamedPipe == 0 {
				t.Errorf("Mknod did not make a fifo: %v", fi)
			}
			if st, err := aio.Statvfs(dir); err != nil || st.Bsize == 0 {
				t.Errorf("Statvfs = %v, %v", st, err)
			}
			if _, err := aio.Readlink(file); !errors.Is(err, unix.EINVAL) {
				t.Errorf("Readlink(not a link) = %v", err)
			}
		})
	})
}

func TestDirectoriesCopyMoveRmtree(t *testing.T) {
	backends(t, func(t *testing.T) {
		dir := t.TempDir()
		tree := filepath.Join(dir, "tree")
		for _, d := range []string{"a/b", "c"} {
			os.MkdirAll(filepath.Join(tree, d), 0o755)
		}
		for _, f := range []string{"x", "a/y", "a/b/z"} {
			os.WriteFile(filepath.Join(tree, f), []byte(f), 0o644)
		}
		os.Symlink("a", filepath.Join(tree, "link"))
		runSched(t, func() {
			names, err := aio.Readdir(tree)
			slices.Sort(names)
			if err != nil || !slices.Equal(names, []string{"a", "c", "link", "x"}) {
				t.Errorf("Readdir = %v, %v", names, err)
			}
			dirs, nondirs, err := aio.Scandir(tree)
			if err != nil || !slices.Equal(dirs, []string{"a", "c"}) || !slices.Equal(nondirs, []string{"link", "x"}) {
				t.Errorf("Scandir = %v %v, %v", dirs, nondirs, err)
			}
			src := filepath.Join(tree, "a", "b", "z")
			must(t, os.Chmod(src, 0o604))
			copied := filepath.Join(dir, "copy")
			must(t, aio.Copy(src, copied))
			sfi, _ := os.Stat(src)
			cfi, _ := os.Stat(copied)
			if b, _ := os.ReadFile(copied); string(b) != "a/b/z" || cfi.Mode() != sfi.Mode() || !cfi.ModTime().Equal(sfi.ModTime()) {
				t.Errorf("Copy: %q %v %v, source %v %v", b, cfi.Mode(), cfi.ModTime(), sfi.Mode(), sfi.ModTime())
			}
			moved := filepath.Join(dir, "moved")
			must(t, aio.Move(copied, moved))
			if _, err := os.Stat(copied); !errors.Is(err, fs.ErrNotExist) {
				t.Error("Move left the source")
			}
			must(t, aio.Rmtree(tree))
			if _, err := os.Lstat(tree); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("Rmtree left %s", tree)
			}
			if err := aio.Rmtree(tree); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("Rmtree(gone) = %v", err)
			}
		})
	})
}

func TestMemoryRequests(t *testing.T) {
	backends(t, func(t *testing.T) {
		name := filepath.Join(t.TempDir(), "m")
		os.WriteFile(name, bytes.Repeat([]byte("m"), 3*os.Getpagesize()), 0o644)
		fd, err := unix.Open(name, unix.O_RDWR, 0)
		must(t, err)
		defer unix.Close(fd)
		mem, err := unix.Mmap(fd, 0, 3*os.Getpagesize(), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
		must(t, err)
		defer unix.Munmap(mem)
		runSched(t, func() {
			must(t, aio.Mtouch(mem, false))
			must(t, aio.Mtouch(mem, true))
			mem[0] = 'M'
			must(t, aio.Msync(mem, unix.MS_SYNC))
			if err := aio.Mlock(mem[:os.Getpagesize()]); err != nil && !errors.Is(err, unix.EPERM) && !errors.Is(err, unix.ENOMEM) {
				t.Error(err) // an RLIMIT_MEMLOCK of 0 refuses it, and says so
			}
		})
		if b, _ := os.ReadFile(name); b[0] != 'M' {
			t.Error("Msync did not write the page back")
		}
	})
}

// A request io_uring cannot carry goes to the helper pool; while it is in
// flight, an idle scheduler waits for it instead of reporting a deadlock,
// and its completion wakes the ring's wait.
func TestHelperPoolWakesTheRing(t *testing.T) {
	backends(t, func(t *testing.T) {
		runSched(t, func() {
			// Mtouch runs on a pool worker under either backend, and nothing
			// else is runnable meanwhile: the scheduler idles in the backend.
			must(t, aio.Mtouch(make([]byte, 1), true))
		})
	})
}

func TestRename2Flags(t *testing.T) {
	backends(t, func(t *testing.T) {
		dir := t.TempDir()
		a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
		os.WriteFile(a, []byte("a"), 0o644)
		os.WriteFile(b, []byte("b"), 0o644)
		runSched(t, func() {
			if err := aio.Rename2(a, b, unix.RENAME_NOREPLACE); !errors.Is(err, fs.ErrExist) {
				t.Errorf("RENAME_NOREPLACE onto a file: %v", err)
			}
			must(t, aio.Rename2(a, b, unix.RENAME_EXCHANGE))
		})
		if got, _ := os.ReadFile(a); string(got) != "b" {
			t.Errorf("after RENAME_EXCHANGE, a holds %q", got)
		}
	})
}
