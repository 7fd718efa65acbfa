package aio_test

// Files and paths behave as package os's where a Go program would notice
// the difference. (Found by review: each of these differed.)

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/corogo/coro/aio"
	"github.com/corogo/coro/sched"
)

// A path with a NUL byte is invalid, as with os: the kernel would stop at
// the NUL and act on another file.
func TestPathWithNULIsInvalid(t *testing.T) {
	backends(t, func(t *testing.T) {
		dir := t.TempDir()
		victim := filepath.Join(dir, "victim")
		runSched(t, func() {
			f, err := aio.Create(victim + "\x00.tmp")
			if err == nil {
				f.Close()
			}
			if !errors.Is(err, syscall.EINVAL) {
				t.Errorf("Create(name with NUL) = %v, want EINVAL as os.Create", err)
			}
			if _, err := os.Lstat(victim); err == nil {
				t.Errorf("Create(%q) created %q", victim+"\x00.tmp", victim)
			}
			os.WriteFile(victim, nil, 0o644)
			if _, err := aio.Stat(victim + "\x00junk"); !errors.Is(err, syscall.EINVAL) {
				t.Errorf("Stat(name with NUL) = %v, want EINVAL", err)
			}
		})
	})
}

// Realpath resolves as realpath(3): a ".." after a link goes up from the
// link's target, and a loop fails with ELOOP.
func TestRealpathAsRealpath3(t *testing.T) {
	backends(t, func(t *testing.T) {
		dir, _ := filepath.EvalSymlinks(t.TempDir())
		os.MkdirAll(filepath.Join(dir, "a", "b", "c"), 0o755)
		os.Symlink(filepath.Join(dir, "a", "b", "c"), filepath.Join(dir, "lc"))
		os.Symlink("loop2", filepath.Join(dir, "loop1"))
		os.Symlink("loop1", filepath.Join(dir, "loop2"))
		runSched(t, func() {
			got, err := aio.Realpath(dir + "/lc/..") // not Join, which cleans
			if want := filepath.Join(dir, "a", "b"); got != want || err != nil {
				t.Errorf("Realpath(lc/..) = %q, %v; want %q (realpath(3), and the kernel's open)", got, err, want)
			}
			if _, err := aio.Realpath(filepath.Join(dir, "loop1")); !errors.Is(err, syscall.ELOOP) {
				t.Errorf("Realpath(loop) = %v, want ELOOP", err)
			}
		})
	})
}

// ReadAt and WriteAt of a FIFO fail with ESPIPE, as pread(2) and os do;
// io_uring ignored the offset and read or wrote the stream.
func TestOffsetsOfAFIFOFailWithESPIPE(t *testing.T) {
	backends(t, func(t *testing.T) {
		fifo := makeFIFO(t)
		peer, err := os.OpenFile(fifo, os.O_RDWR, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer peer.Close()
		peer.Write([]byte("stream"))
		runSched(t, func() {
			f, err := aio.OpenFile(fifo, os.O_RDWR, 0)
			must(t, err)
			defer f.Close()
			buf := make([]byte, 3)
			if n, err := f.ReadAt(buf, 100); !errors.Is(err, syscall.ESPIPE) {
				t.Errorf("ReadAt on a FIFO = %d %q, %v; want ESPIPE as os", n, buf[:n], err)
			}
			if n, err := f.WriteAt([]byte("xy"), 100); !errors.Is(err, syscall.ESPIPE) {
				t.Errorf("WriteAt on a FIFO = %d, %v; want ESPIPE as os", n, err)
			}
		})
	})
}

// Methods of a nil *File return os.ErrInvalid, as os.File's do.
func TestNilFileIsInvalid(t *testing.T) {
	runSched(t, func() {
		var f *aio.File
		for name, call := range map[string]func() error{
			"Read":  func() error { _, err := f.Read(make([]byte, 1)); return err },
			"Write": func() error { _, err := f.Write([]byte("x")); return err },
			"Stat":  func() error { _, err := f.Stat(); return err },
			"Close": func() error { return f.Close() },
		} {
			func() {
				defer func() {
					if p := recover(); p != nil {
						t.Errorf("nil *File %s panics: %v; os returns os.ErrInvalid", name, p)
					}
				}()
				if err := call(); !errors.Is(err, os.ErrInvalid) {
					t.Errorf("nil *File %s = %v, want os.ErrInvalid", name, err)
				}
			}()
		}
	})
}

// A zero time.Time leaves that time, as with os.Chtimes (it was set to
// 1901).
func TestUtimeZeroLeavesTheTime(t *testing.T) {
	backends(t, func(t *testing.T) {
		name := filepath.Join(t.TempDir(), "f")
		os.WriteFile(name, nil, 0o644)
		atime := time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC)
		os.Chtimes(name, atime, atime)
		mtime := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
		runSched(t, func() { must(t, aio.Utime(name, time.Time{}, mtime)) })
		var st unix.Stat_t
		unix.Stat(name, &st)
		if got := time.Unix(st.Atim.Unix()); !got.Equal(atime) {
			t.Errorf("atime after Utime(zero, ...) = %v; os.Chtimes leaves it %v", got.UTC(), atime)
		}
	})
}

// Mtouch faults in every page the slice is in, one that does not start
// on a page boundary too (the compiler had removed the touching loop),
// and Msync takes such a slice.
func TestMtouchTouchesEveryPage(t *testing.T) {
	backends(t, func(t *testing.T) {
		pg := os.Getpagesize()
		mem, err := unix.Mmap(-1, 0, 2*pg, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANON)
		must(t, err)
		defer unix.Munmap(mem)
		runSched(t, func() {
			must(t, aio.Mtouch(mem[100:], true))
			must(t, aio.Msync(mem[100:], unix.MS_SYNC))
		})
		vec := make([]byte, 2)
		unix.Syscall(unix.SYS_MINCORE, uintptr(unsafe.Pointer(&mem[0])), uintptr(len(mem)), uintptr(unsafe.Pointer(&vec[0])))
		if vec[0]&1 == 0 || vec[1]&1 == 0 {
			t.Errorf("pages resident after Mtouch(write): %v, want [1 1]", vec)
		}
	})
}

// Copy onto the source itself, by a hard link or a symbolic link, fails
// and keeps the data (it emptied the source and reported success).
func TestCopyOntoItselfFails(t *testing.T) {
	backends(t, func(t *testing.T) {
		dir := t.TempDir()
		a := filepath.Join(dir, "a")
		os.WriteFile(a, []byte("precious"), 0o644)
		os.Link(a, filepath.Join(dir, "hard"))
		runSched(t, func() {
			os.Symlink("a", filepath.Join(dir, "soft"))
			for _, dst := range []string{a, "hard", "soft"} {
				err := aio.Copy(a, filepath.Join(dir, filepath.Base(dst)))
				if b, _ := os.ReadFile(a); string(b) != "precious" || !errors.Is(err, aio.ErrSameFile) {
					t.Errorf("Copy onto %s of the source = %v; source now holds %q", dst, err, b)
				}
			}
		})
	})
}

// A Copy cut short by a timeout leaves nothing at dst.
func TestCopyCutShortLeavesNothing(t *testing.T) {
	backends(t, func(t *testing.T) {
		dir := t.TempDir()
		src, dst := filepath.Join(dir, "src"), filepath.Join(dir, "dst")
		os.WriteFile(src, bytes.Repeat([]byte("x"), 32<<20), 0o644)
		runSched(t, func() {
			err := sched.WithTimeout(time.Millisecond, func() { aio.Copy(src, dst) })
			if _, serr := os.Stat(dst); err != nil && serr == nil {
				t.Errorf("Copy cut short (%v) left %s; doc: on failure nothing is left at dst", err, dst)
			}
		})
	})
}

// Rmtree("link/") removes the link, not its target's contents, as
// os.RemoveAll.
func TestRmtreeOfALinkWithASlash(t *testing.T) {
	backends(t, func(t *testing.T) {
		outside := t.TempDir()
		os.WriteFile(filepath.Join(outside, "keep"), []byte("k"), 0o644)
		link := filepath.Join(t.TempDir(), "link")
		os.Symlink(outside, link)
		runSched(t, func() { aio.Rmtree(link + "/") })
		if _, err := os.Stat(filepath.Join(outside, "keep")); err != nil {
			t.Errorf("Rmtree(link/) removed the link's target's contents: %v (os.RemoveAll removes only the link)", err)
		}
	})
}

// A FIFO opened to read gives its reader what a writer writes, never an
// early EOF: on io_uring the open does not wait for a writer, as open(2)
// does, but the first Read does. (Found by review: the Read found no
// writer, and ended.)
func TestFIFOReadWaitsForAWriter(t *testing.T) {
	backends(t, func(t *testing.T) {
		fifo := makeFIFO(t)
		go func() {
			time.Sleep(50 * time.Millisecond)
			if w, err := os.OpenFile(fifo, os.O_WRONLY, 0); err == nil {
				w.Write([]byte("hi"))
				w.Close()
			}
		}()
		runSched(t, func() {
			f, err := aio.Open(fifo)
			must(t, err)
			defer f.Close()
			if b, err := io.ReadAll(f); string(b) != "hi" || err != nil {
				t.Errorf("read %q, %v; want the writer's hi", b, err)
			}
		})
	})
}

// A writer that comes, writes and goes around the Open is met, as with
// os.Open. (Found by review: a blocking second open on io_uring waited
// for another writer.)
func TestFIFOQuickWriterIsMet(t *testing.T) {
	backends(t, func(t *testing.T) {
		for round := range 20 {
			fifo := makeFIFO(t)
			var opened, rescued atomic.Bool
			go func() { // a writer that tries until a reader is there
				for {
					if fd, err := unix.Open(fifo, unix.O_WRONLY|unix.O_NONBLOCK, 0); err == nil {
						unix.Write(fd, []byte("hi"))
						unix.Close(fd)
						return
					}
				}
			}()
			go func() { // only if the reader is stuck: a second writer
				time.Sleep(10 * time.Second)
				if !opened.Load() {
					rescued.Store(true)
					if fd, err := unix.Open(fifo, unix.O_WRONLY|unix.O_NONBLOCK, 0); err == nil {
						unix.Close(fd)
					}
				}
			}()
			var got string
			runSched(t, func() {
				f, err := aio.Open(fifo)
				must(t, err)
				defer f.Close()
				b, _ := io.ReadAll(f)
				opened.Store(true)
				got = string(b)
			})
			if got != "hi" || rescued.Load() {
				t.Fatalf("round %d: read %q, and only a second writer ended the wait: %v; want hi, and no", round, got, rescued.Load())
			}
		}
	})
}

// A timeout ends a Read of a FIFO that waits for a writer, as it ends the
// other waits. (On the thread pool the open itself waits, in a worker that
// nothing can stop: that stays a limit, as the README says.)
func TestFIFOWaitForAWriterTimesOut(t *testing.T) {
	fifo := makeFIFO(t)
	var backend string
	runSched(t, func() {
		if backend = aio.Backend(); backend != "io_uring" {
			return // the open would wait for a writer in a worker
		}
		f, err := aio.Open(fifo)
		must(t, err)
		defer f.Close()
		if err := sched.WithTimeout(50*time.Millisecond, func() { f.Read(make([]byte, 1)) }); !errors.Is(err, sched.ErrTimeout) {
			t.Errorf("WithTimeout(Read of a FIFO with no writer) = %v, want ErrTimeout", err)
		}
	})
	if backend != "io_uring" {
		t.Skipf("on %s the open waits for a writer, in a worker nothing can stop", backend)
	}
}

// Write(nil) to a full FIFO returns at once, as write(2) of nothing does.
func TestEmptyWriteToAFullFIFO(t *testing.T) {
	backends(t, func(t *testing.T) {
		fifo := makeFIFO(t)
		r, _ := os.OpenFile(fifo, os.O_RDWR, 0)
		defer r.Close()
		fd, _ := unix.Open(fifo, unix.O_WRONLY|unix.O_NONBLOCK, 0)
		for {
			if _, err := unix.Write(fd, make([]byte, 4096)); err != nil {
				break
			}
		}
		unix.Close(fd)
		runSched(t, func() {
			f, err := aio.OpenFile(fifo, os.O_WRONLY, 0)
			must(t, err)
			defer f.Close()
			if err := sched.WithTimeout(200*time.Millisecond, func() { f.Write(nil) }); err != nil {
				t.Errorf("Write(nil) to a full FIFO: %v; write(2) of 0 bytes (and os) returns 0 at once", err)
			}
		})
	})
}

// Copy onto the source itself keeps the source however early a cancel
// comes. (Found by review: a cancel during the open of dst removed it,
// and it was src.)
func TestCopyOntoItselfCancelledKeepsSource(t *testing.T) {
	backends(t, func(t *testing.T) {
		a := filepath.Join(t.TempDir(), "a")
		for n := range 40 {
			must(t, os.WriteFile(a, []byte("precious"), 0o644))
			runSched(t, func() {
				c := sched.Async(func() any { return aio.Copy(a, a) })
				for range n % 20 {
					sched.Poll()
				}
				if n >= 20 {
					sched.Sleep(time.Duration(n-20) * 10 * time.Microsecond)
				}
				c.Cancel(nil)
			})
			if b, err := os.ReadFile(a); string(b) != "precious" {
				t.Fatalf("cancel after %d steps of Copy(a, a): the source holds %q, %v", n, b, err)
			}
		}
	})
}

// A Copy cancelled once it has emptied dst leaves no descriptor open, and
// nothing at dst. (Found by review: dst's descriptor leaked.)
func TestCopyCancelledLeavesNothing(t *testing.T) {
	backends(t, func(t *testing.T) {
		dir := t.TempDir()
		src, dst := filepath.Join(dir, "src"), filepath.Join(dir, "dst")
		must(t, os.WriteFile(src, []byte("new"), 0o644))
		must(t, os.WriteFile(dst, []byte("old"), 0o644))
		before := openFDs(t)
		runSched(t, func() {
			c := sched.Async(func() any { return aio.Copy(src, dst) })
			for {
				if fi, err := os.Stat(dst); err == nil && fi.Size() == 0 {
					break
				}
				sched.Poll()
			}
			c.Cancel(nil)
		})
		if after := openFDs(t); after != before {
			t.Errorf("%d descriptors open before the Copy, %d after", before, after)
		}
		if _, err := os.Lstat(dst); err == nil {
			t.Errorf("the cancelled Copy left %s", dst)
		}
	})
}

// Copy onto a dangling symbolic link makes its target, as aio_copy's open
// (O_CREAT) does.
func TestCopyThroughADanglingLink(t *testing.T) {
	backends(t, func(t *testing.T) {
		dir := t.TempDir()
		src := filepath.Join(dir, "src")
		must(t, os.WriteFile(src, []byte("data"), 0o644))
		must(t, os.Symlink("target", filepath.Join(dir, "link")))
		var err error
		runSched(t, func() { err = aio.Copy(src, filepath.Join(dir, "link")) })
		if b, _ := os.ReadFile(filepath.Join(dir, "target")); err != nil || string(b) != "data" {
			t.Errorf("Copy onto a dangling link = %v, and its target holds %q; want nil and data", err, b)
		}
	})
}

// A Copy through a symbolic link that is cancelled once it has emptied
// or made the file the link names leaves nothing of that file, as it
// leaves nothing at a dst that is no link; the link stays. (Found by
// review: the link was removed and the emptied file, its old contents
// lost, was left.)
func TestCopyThroughALinkCancelledLeavesNothing(t *testing.T) {
	backends(t, func(t *testing.T) {
		for _, existing := range []bool{false, true} {
			dir := t.TempDir()
			src, link, target := filepath.Join(dir, "src"), filepath.Join(dir, "link"), filepath.Join(dir, "target")
			must(t, os.WriteFile(src, bytes.Repeat([]byte("new"), 1<<20), 0o644))
			if existing {
				must(t, os.WriteFile(target, []byte("old contents"), 0o644))
			}
			must(t, os.Symlink("target", link))
			runSched(t, func() {
				c := sched.Async(func() any { return aio.Copy(src, link) })
				for {
					if fi, err := os.Stat(target); err == nil && fi.Size() == 0 {
						break // made or emptied, not yet written
					}
					sched.Poll()
				}
				c.Cancel(nil)
			})
			_, linkErr := os.Lstat(link)
			_, targetErr := os.Stat(target)
			if linkErr != nil || !errors.Is(targetErr, fs.ErrNotExist) {
				t.Errorf("target there before: %v; after the cancelled Copy: the link %v, the target %v; want the link, and no target", existing, linkErr, targetErr)
			}
		}
	})
}

// Copy through a chain of symbolic links, relative and absolute, writes
// the file at its end and keeps the links.
func TestCopyThroughLinks(t *testing.T) {
	backends(t, func(t *testing.T) {
		dir := t.TempDir()
		src, file := filepath.Join(dir, "src"), filepath.Join(dir, "sub", "file")
		must(t, os.Mkdir(filepath.Join(dir, "sub"), 0o755))
		must(t, os.WriteFile(src, []byte("data"), 0o644))
		must(t, os.WriteFile(file, []byte("old"), 0o644))
		must(t, os.Symlink("file", filepath.Join(dir, "sub", "inner")))
		must(t, os.Symlink(filepath.Join(dir, "sub", "inner"), filepath.Join(dir, "outer")))
		var err error
		runSched(t, func() { err = aio.Copy(src, filepath.Join(dir, "outer")) })
		b, _ := os.ReadFile(file)
		fi, lerr := os.Lstat(filepath.Join(dir, "outer"))
		if err != nil || string(b) != "data" || lerr != nil || fi.Mode()&fs.ModeSymlink == 0 {
			t.Errorf("Copy through two links = %v; the file holds %q, the first link %v, %v; want nil, data, a link", err, b, fi, lerr)
		}
	})
}

// Copy gives dst src's owner, as aio_copy does (after the mode).
func TestCopyKeepsTheOwner(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("giving a file another owner needs root")
	}
	backends(t, func(t *testing.T) {
		dir := t.TempDir()
		src, dst := filepath.Join(dir, "src"), filepath.Join(dir, "dst")
		must(t, os.WriteFile(src, []byte("data"), 0o640))
		must(t, os.Chown(src, 1234, 4321))
		runSched(t, func() { must(t, aio.Copy(src, dst)) })
		fi, err := os.Stat(dst)
		must(t, err)
		if st := fi.Sys().(*syscall.Stat_t); st.Uid != 1234 || st.Gid != 4321 || fi.Mode().Perm() != 0o640 {
			t.Errorf("Copy made dst %v, owned by %d:%d; src is -rw-r-----, 1234:4321", fi.Mode(), st.Uid, st.Gid)
		}
	})
}

// Rmtree removes all it can, as aio_rmtree and os.RemoveAll do: an entry
// it cannot remove keeps no other, and its error is returned. (Found by
// review: Rmtree stopped at the first error.)
func TestRmtreeRemovesWhatItCan(t *testing.T) {
	backends(t, func(t *testing.T) {
		tree := filepath.Join(t.TempDir(), "tree")
		must(t, os.MkdirAll(filepath.Join(tree, "sub"), 0o755))
		for _, n := range []string{"a", "b", "c", "sub/x"} {
			must(t, os.WriteFile(filepath.Join(tree, n), nil, 0o644))
		}
		stuck := filepath.Join(tree, "a")
		if out, err := exec.Command("chattr", "+i", stuck).CombinedOutput(); err != nil {
			t.Skipf("chattr +i (root, on ext4 or the like): %v %s", err, out)
		}
		defer exec.Command("chattr", "-i", stuck).Run()
		var err error
		runSched(t, func() { err = aio.Rmtree(tree) })
		left, _ := filepath.Glob(filepath.Join(tree, "*"))
		if !errors.Is(err, fs.ErrPermission) || len(left) != 1 || left[0] != stuck {
			t.Errorf("Rmtree = %v, and left %v; want EPERM, and only %s", err, left, stuck)
		}
	})
}

// Rmtree of a name through a symbolic link and ".." removes the tree the
// kernel resolves the name to, as rm -r does, not the one the name reads
// as once cleaned. (Found by review: entries were named with
// filepath.Join, which took l/../d/x for d/x.)
func TestRmtreeResolvesDotDotAfterALink(t *testing.T) {
	backends(t, func(t *testing.T) {
		dir := t.TempDir()
		for _, d := range []string{"d", "elsewhere/sub", "elsewhere/d/deeper"} {
			must(t, os.MkdirAll(filepath.Join(dir, d), 0o755))
		}
		for _, f := range []string{"d/x", "elsewhere/d/x", "elsewhere/d/deeper/y"} {
			must(t, os.WriteFile(filepath.Join(dir, f), nil, 0o644))
		}
		must(t, os.Symlink(filepath.Join(dir, "elsewhere/sub"), filepath.Join(dir, "l")))
		var err error
		runSched(t, func() { err = aio.Rmtree(filepath.Join(dir, "l") + "/../d") })
		_, gone := os.Lstat(filepath.Join(dir, "elsewhere/d"))
		_, kept := os.Lstat(filepath.Join(dir, "d/x"))
		if err != nil || !errors.Is(gone, fs.ErrNotExist) || kept != nil {
			t.Errorf("Rmtree(l/../d) = %v; elsewhere/d: %v (want gone), d/x: %v (want kept)", err, gone, kept)
		}
	})
}

// Rmtree of a name that ends in "." removes nothing and fails, as
// os.RemoveAll: it emptied the directory, then failed at its rmdir.
func TestRmtreeOfDotRemovesNothing(t *testing.T) {
	backends(t, func(t *testing.T) {
		dir := t.TempDir()
		must(t, os.WriteFile(filepath.Join(dir, "keep"), nil, 0o644))
		var err error
		runSched(t, func() { err = aio.Rmtree(dir + "/.") })
		if _, serr := os.Stat(filepath.Join(dir, "keep")); !errors.Is(err, unix.EINVAL) || serr != nil {
			t.Errorf("Rmtree(dir/.) = %v, and the file in it: %v; want EINVAL, and the file", err, serr)
		}
	})
}

// ReadAt of nothing returns 0, nil on a FIFO too, as os.File's does.
func TestReadAtOfNothing(t *testing.T) {
	backends(t, func(t *testing.T) {
		fifo := makeFIFO(t)
		peer, err := os.OpenFile(fifo, os.O_RDWR, 0)
		must(t, err)
		defer peer.Close()
		runSched(t, func() {
			f, err := aio.OpenFile(fifo, os.O_RDWR, 0)
			must(t, err)
			defer f.Close()
			if n, err := f.ReadAt(nil, 0); n != 0 || err != nil {
				t.Errorf("ReadAt(nil, 0) of a FIFO = %d, %v; want 0, nil, as os", n, err)
			}
		})
	})
}

// makeFIFO makes a FIFO in a temporary directory and returns its name.
func makeFIFO(t *testing.T) string {
	t.Helper()
	fifo := filepath.Join(t.TempDir(), "fifo")
	must(t, unix.Mkfifo(fifo, 0o600))
	return fifo
}

// Fd after Close is ^uintptr(0), as os.File's: the number may already
// name another file. (Found in review.)
func TestFdAfterClose(t *testing.T) {
	name := filepath.Join(t.TempDir(), "f")
	must(t, os.WriteFile(name, nil, 0o644))
	runSched(t, func() {
		f, err := aio.Open(name)
		must(t, err)
		f.Close()
		if fd := f.Fd(); fd != ^uintptr(0) {
			t.Errorf("Fd after Close = %d, want ^uintptr(0)", fd)
		}
	})
}

// A write to a device whose poll never reports room goes through, as
// os.File's does: it must not wait for readiness that never comes.
// /dev/kmsg open to read and write is such a device: its poll reports
// records to read, never room. (Found in review.)
func TestWriteToADeviceThatNeverPollsWritable(t *testing.T) {
	const name = "/dev/kmsg"
	line := []byte("<7>coro: aio test: a write to /dev/kmsg\n") // at debug level
	if f, err := os.OpenFile(name, os.O_RDWR, 0); err != nil {
		t.Skip(err) // not root, or no such device here
	} else if _, err := f.Write(line); err != nil {
		f.Close()
		t.Skip(err) // os cannot either
	} else {
		f.Close()
	}
	backends(t, func(t *testing.T) {
		runSched(t, func() {
			f, err := aio.OpenFile(name, os.O_RDWR, 0)
			must(t, err)
			defer f.Close()
			err = sched.WithTimeout(10*time.Second, func() { // a guard against the hang, not a measure
				if n, err := f.Write(line); n != len(line) || err != nil {
					t.Errorf("%s: Write = %d, %v; want %d, nil as os.File's", aio.Backend(), n, err, len(line))
				}
			})
			if err != nil {
				t.Errorf("%s: Write to %s still waits after 10 s: %v", aio.Backend(), name, err)
			}
		})
	})
}
