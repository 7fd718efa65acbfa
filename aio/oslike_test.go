package aio_test

// Files and paths behave as package os's where a Go program would notice
// the difference. (Found by review: each of these differed.)

import (
	"bytes"
	"errors"
	"io"
	"os"
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
		fifo := filepath.Join(t.TempDir(), "fifo")
		unix.Mkfifo(fifo, 0o600)
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

// Opening a FIFO to read waits for a writer, as open(2) does; io_uring's
// first, non-blocking, try returned at once.
func TestOpenFIFOToReadWaitsForAWriter(t *testing.T) {
	backends(t, func(t *testing.T) {
		fifo := filepath.Join(t.TempDir(), "fifo")
		unix.Mkfifo(fifo, 0o600)
		var writing atomic.Bool
		go func() {
			time.Sleep(50 * time.Millisecond)
			writing.Store(true)
			if w, err := os.OpenFile(fifo, os.O_WRONLY, 0); err == nil {
				w.Write([]byte("hi"))
				w.Close()
			}
		}()
		runSched(t, func() {
			f, err := aio.Open(fifo)
			must(t, err)
			defer f.Close()
			if !writing.Load() {
				t.Errorf("Open(fifo) returned before any writer came; open(2) and os.Open wait for one")
			}
			if b, err := io.ReadAll(f); string(b) != "hi" || err != nil {
				t.Errorf("read %q, %v; want the writer's hi", b, err)
			}
		})
	})
}

// Write(nil) to a full FIFO returns at once, as write(2) of nothing does.
func TestEmptyWriteToAFullFIFO(t *testing.T) {
	backends(t, func(t *testing.T) {
		fifo := filepath.Join(t.TempDir(), "fifo")
		unix.Mkfifo(fifo, 0o600)
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
