package aio_test

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/corogo/coro/aio"
	"github.com/corogo/coro/sched"
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

// The path requests, and their errors, are those of the system calls on
// both backends: on io_uring each goes through the ring where the kernel
// has its opcode (TestPathRequestsTakeTheRingTheyHave).
func TestPathRequestsAndTheirErrors(t *testing.T) {
	backends(t, func(t *testing.T) {
		dir := t.TempDir()
		in := func(name string) string { return filepath.Join(dir, name) }
		must(t, os.WriteFile(in("f"), []byte("x"), 0o644))
		must(t, os.MkdirAll(in("full/x"), 0o755))
		type result int
		const (
			pathErr result = iota // an *fs.PathError
			linkErr               // an *os.LinkError
		)
		runSched(t, func() {
			// The requests are made in order, as the literal is evaluated.
			for _, c := range []struct {
				name string
				err  error
				kind result
				want error // nil, or the errno
			}{
				{"Mkdir d", aio.Mkdir(in("d"), 0o750), pathErr, nil},
				{"Mkdir d again", aio.Mkdir(in("d"), 0o750), pathErr, unix.EEXIST},
				{"Mkdir in a missing directory", aio.Mkdir(in("missing/d"), 0o750), pathErr, unix.ENOENT},
				{"Rmdir a full directory", aio.Rmdir(in("full")), pathErr, unix.ENOTEMPTY},
				{"Rmdir a file", aio.Rmdir(in("f")), pathErr, unix.ENOTDIR},
				{"Rmdir missing", aio.Rmdir(in("missing")), pathErr, unix.ENOENT},
				{"Unlink a directory", aio.Unlink(in("d")), pathErr, unix.EISDIR},
				{"Unlink missing", aio.Unlink(in("missing")), pathErr, unix.ENOENT},
				{"Link f h", aio.Link(in("f"), in("h")), linkErr, nil},
				{"Link f h again", aio.Link(in("f"), in("h")), linkErr, unix.EEXIST},
				{"Link missing", aio.Link(in("missing"), in("h2")), linkErr, unix.ENOENT},
				{"Symlink f s", aio.Symlink("f", in("s")), linkErr, nil},
				{"Symlink f s again", aio.Symlink("f", in("s")), linkErr, unix.EEXIST},
				{"Symlink in a missing directory", aio.Symlink("f", in("missing/s")), linkErr, unix.ENOENT},
				{"Rename missing", aio.Rename(in("missing"), in("r")), linkErr, unix.ENOENT},
				{"Rename onto a full directory", aio.Rename(in("d"), in("full")), linkErr, unix.ENOTEMPTY},
				{"Rename2 NOREPLACE onto a file", aio.Rename2(in("h"), in("f"), unix.RENAME_NOREPLACE), linkErr, unix.EEXIST},
				{"Rename2 NOREPLACE|EXCHANGE", aio.Rename2(in("h"), in("f"), unix.RENAME_NOREPLACE|unix.RENAME_EXCHANGE), linkErr, unix.EINVAL},
				{"Rename2 EXCHANGE with nothing", aio.Rename2(in("s"), in("missing"), unix.RENAME_EXCHANGE), linkErr, unix.ENOENT},
				{"Rename2 EXCHANGE s d", aio.Rename2(in("s"), in("d"), unix.RENAME_EXCHANGE), linkErr, nil},
				{"Rename h r", aio.Rename(in("h"), in("r")), linkErr, nil},
				{"Unlink r", aio.Unlink(in("r")), pathErr, nil},
				{"Rmdir s, the directory since the exchange", aio.Rmdir(in("s")), pathErr, nil},
				{"Unlink d, the link since the exchange", aio.Unlink(in("d")), pathErr, nil},
			} {
				var pe *fs.PathError
				var le *os.LinkError
				switch {
				case c.want == nil && c.err != nil, c.want != nil && !errors.Is(c.err, c.want):
					t.Errorf("%s: %v, want %v", c.name, c.err, c.want)
				case c.err != nil && c.kind == pathErr && !errors.As(c.err, &pe), c.err != nil && c.kind == linkErr && !errors.As(c.err, &le):
					t.Errorf("%s: %#v is not the error os gives", c.name, c.err)
				}
			}
		})
		names, _ := os.ReadDir(dir)
		if len(names) != 2 || names[0].Name() != "f" || names[1].Name() != "full" {
			t.Errorf("left %v, want f and full", names)
		}
		if fi, err := os.Stat(in("f")); err != nil || fi.Sys().(*syscall.Stat_t).Nlink != 1 {
			t.Errorf("f: %v, %v; want one link", fi, err)
		}
	})
}

// A rename or hard link to another file system fails with EXDEV, where
// /dev/shm is one.
func TestPathRequestsAcrossFileSystems(t *testing.T) {
	dir, other := t.TempDir(), "/dev/shm"
	var st1, st2 unix.Stat_t
	if unix.Stat(dir, &st1) != nil || unix.Stat(other, &st2) != nil || st1.Dev == st2.Dev {
		t.Skipf("%s is not another file system than %s", other, dir)
	}
	backends(t, func(t *testing.T) {
		file := filepath.Join(dir, "f")
		must(t, os.WriteFile(file, nil, 0o644))
		there := filepath.Join(other, "coro-aio-"+filepath.Base(dir))
		t.Cleanup(func() { os.Remove(there) }) // were either to succeed
		runSched(t, func() {
			if err := aio.Rename(file, there); !errors.Is(err, unix.EXDEV) {
				t.Errorf("Rename to %s: %v, want EXDEV", other, err)
			}
			if err := aio.Link(file, there); !errors.Is(err, unix.EXDEV) {
				t.Errorf("Link to %s: %v, want EXDEV", other, err)
			}
		})
	})
}

// Coroutines cancelled with their path requests in flight, all queued
// together (on io_uring the kernel meets each cancel with the request
// waiting for its worker, running, or done) wait for the completion: a
// request is made whole or not at all, and the next requests get their
// own results, not one left by a cancelled request.
func TestCancelledPathRequests(t *testing.T) {
	backends(t, func(t *testing.T) {
		dir := t.TempDir()
		in := func(name string, i int) string { return filepath.Join(dir, name+strconv.Itoa(i)) }
		exists := func(name string, i int) bool { _, err := os.Lstat(in(name, i)); return err == nil }
		cases := []struct {
			do      func(i int) error
			done    func(i int) bool
			doneErr error // what do fails with once done
		}{
			{func(i int) error { return aio.Mkdir(in("d", i), 0o755) }, func(i int) bool { return exists("d", i) }, fs.ErrExist},
			{func(i int) error { return aio.Symlink("f", in("s", i)) }, func(i int) bool { return exists("s", i) }, fs.ErrExist},
			{func(i int) error { return aio.Link(in("f", i), in("h", i)) }, func(i int) bool { return exists("h", i) }, fs.ErrExist},
			{func(i int) error { return aio.Rename(in("f", i), in("r", i)) }, func(i int) bool { return exists("r", i) }, fs.ErrNotExist},
			{func(i int) error { return aio.Unlink(in("f", i)) }, func(i int) bool { return !exists("f", i) }, fs.ErrNotExist},
		}
		const n = 100 // with the cancels, within the ring's 256 entries
		for i := range n {
			must(t, os.WriteFile(in("f", i), nil, 0o644))
		}
		runSched(t, func() {
			must(t, aio.Nop()) // the loop exists: the requests below are all queued together
			var makers, cancellers []*sched.Coro
			for i := range n {
				makers = append(makers, sched.Async(func() any { return cases[i%len(cases)].do(i) }))
			}
			sched.Cede() // every request is queued
			for _, m := range makers {
				cancellers = append(cancellers, sched.Async(func() any { m.Cancel("gone"); return nil }))
			}
			for _, c := range cancellers {
				c.Join()
			}
			undone := 0
			for i, m := range makers {
				if v, _ := m.Join(); v != "gone" {
					t.Errorf("request %d ended with %v, not cancelled", i, v)
				}
				if i%len(cases) == 3 && exists("f", i) == exists("r", i) {
					t.Errorf("a cancelled rename left f%d and r%d both there or both gone", i, i)
				}
				c := cases[i%len(cases)]
				done := c.done(i)
				if !done {
					undone++
				}
				if err := c.do(i); done && !errors.Is(err, c.doneErr) || !done && err != nil {
					t.Errorf("request %d again, done %v by the cancelled one: %v", i, done, err)
				}
			}
			t.Logf("%s: %d of %d cancelled requests were not made", aio.Backend(), undone, n)
		})
	})
}

// Syncs cancelled while in flight, on io_uring in the kernel's worker,
// end their coroutines, and the files sync again afterwards; the syncs
// of the coroutines left alone succeed.
func TestCancelledSyncs(t *testing.T) {
	backends(t, func(t *testing.T) {
		dir := t.TempDir()
		const n = 60
		runSched(t, func() {
			files := make([]*aio.File, n)
			for i := range files {
				f, err := aio.Create(filepath.Join(dir, strconv.Itoa(i)))
				must(t, err)
				defer f.Close()
				_, err = f.WriteAt([]byte("data"), 0)
				must(t, err)
				files[i] = f
			}
			var syncers []*sched.Coro
			for i, f := range files {
				syncers = append(syncers, sched.Async(func() any {
					if i%2 == 0 {
						return f.Sync()
					}
					return f.Datasync()
				}))
			}
			sched.Cede() // every sync is queued
			for i, s := range syncers {
				if i%3 == 0 {
					s.Cancel("gone")
				}
			}
			cancelled := 0
			for i, s := range syncers {
				// A cancel that comes after the sync has returned finds
				// the coroutine done, with the sync's nil.
				switch v, _ := s.Join(); {
				case v == "gone" && i%3 == 0:
					cancelled++
				case v != nil:
					t.Errorf("sync %d ended with %v", i, v)
				}
			}
			t.Logf("%s: %d of %d syncs cancelled", aio.Backend(), cancelled, (n+2)/3)
			for i, f := range files {
				if err := f.Sync(); err != nil {
					t.Errorf("sync %d again: %v", i, err)
				}
			}
		})
	})
}
