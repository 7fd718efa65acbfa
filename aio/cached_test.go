package aio_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/corogo/coro/aio"
	"github.com/corogo/coro/sched"
)

// Reads that find their data in the page cache are made at once, without
// a request; the rest, and every read of a file opened with O_DIRECT, wait
// in a request while other coroutines run.

// yields runs read and reports whether another coroutine ran meanwhile,
// that is, whether read waited in a request, where the copier is off
// (noCopier): a read it copies lets others run too.
func yields(read func()) bool {
	ran := false
	other := sched.Async(func() any { ran = true; return nil })
	read()
	yielded := ran
	other.Join()
	return yielded
}

// pattern returns n bytes that differ from one 4 KiB block to the next.
func pattern(n int) []byte {
	p := make([]byte, n)
	for i := range p {
		p[i] = byte(i/4096 + i%251)
	}
	return p
}

// writeSynced writes data to a new file in a fresh directory and waits for
// the device, so that its cached pages are clean. It writes a page at a
// time, which caches the file in page-sized pieces (folios) that
// evictAfter can drop one by one.
func writeSynced(t *testing.T, data []byte) string {
	name := filepath.Join(t.TempDir(), "f")
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for p := data; len(p) > 0; p = p[min(len(p), 4096):] {
		if _, err := f.Write(p[:min(len(p), 4096)]); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Sync(); err != nil {
		t.Fatal(err)
	}
	return name
}

// Read, ReadAt and standard code over them (io.ReadAll) read a cached
// file at once, and Read moves the file's position as it goes.
func TestCachedReadsMakeNoRequest(t *testing.T) {
	noCopier(t)
	want := pattern(256 << 10)
	name := writeSynced(t, want)
	mustReadCached(t, name)
	backends(t, func(t *testing.T) {
		withFile(t, name, os.O_RDONLY, func(f *aio.File) {
			var err error
			buf := make([]byte, 16<<10)
			for off := 0; off < 64<<10; off += len(buf) {
				var n int
				if yields(func() { n, err = f.Read(buf) }) {
					t.Errorf("Read at %d waited in a request", off)
				}
				if err != nil || !bytes.Equal(buf[:n], want[off:off+n]) || n != len(buf) {
					t.Fatalf("Read at %d = %d, %v, or wrong bytes", off, n, err)
				}
			}
			if pos, err := f.Seek(0, io.SeekCurrent); pos != 64<<10 || err != nil {
				t.Errorf("position after the reads = %d, %v; want %d", pos, err, 64<<10)
			}
			if yields(func() { _, err = f.ReadAt(buf, 100_000) }) || err != nil || !bytes.Equal(buf, want[100_000:100_000+len(buf)]) {
				t.Errorf("ReadAt waited in a request, or read wrong bytes (%v)", err)
			}
			rest, err := io.ReadAll(f)
			if err != nil || !bytes.Equal(rest, want[64<<10:]) {
				t.Errorf("io.ReadAll after the reads: %d bytes, %v; want the %d left", len(rest), err, len(want)-64<<10)
			}
		})
	})
}

// A read whose first part alone is cached reads the rest (by a request,
// unless the readahead the first part started has cached it meanwhile)
// and returns it all, as read(2) does: only the end of the file makes a
// file's read short. (Found by the random programs of package fuzz.)
func TestPartlyCachedReadIsWhole(t *testing.T) {
	want := pattern(64 << 10)
	name := writeSynced(t, want)
	mustReadCached(t, name)
	backends(t, func(t *testing.T) {
		evictAfter(t, name, 4096)
		withFile(t, name, os.O_RDONLY, func(f *aio.File) {
			buf := make([]byte, 16<<10)
			if n, err := f.Read(buf); n != len(buf) || err != nil || !bytes.Equal(buf, want[:len(buf)]) {
				t.Errorf("Read = %d, %v; want %d and the right bytes", n, err, len(buf))
			}
			evictAfter(t, name, 4096)
			if n, err := f.ReadAt(buf, 2048); n != len(buf) || err != nil || !bytes.Equal(buf, want[2048:2048+len(buf)]) {
				t.Errorf("ReadAt = %d, %v; want %d and the right bytes", n, err, len(buf))
			}
			last := make([]byte, 8<<10)
			if n, err := f.ReadAt(last, int64(len(want)-4096)); n != 4096 || err != io.EOF || !bytes.Equal(last[:n], want[len(want)-4096:]) {
				t.Errorf("ReadAt over the end = %d, %v; want 4096, EOF", n, err)
			}
		})
	})
}

// noCopier turns the copier off for the schedulers the test makes: the
// scheduler's thread makes every cached read, at once.
func noCopier(t *testing.T) { t.Setenv("CORO_COPIER", "off") }

// mustReadCached skips the test where every read of name is a request:
// preadv2 refuses RWF_NOWAIT on its file system (tmpfs, overlayfs:
// EOPNOTSUPP), or is missing (qemu-user: ENOSYS).
func mustReadCached(t *testing.T, name string) {
	t.Helper()
	if e := readAtOnce(t, name); e != 0 {
		t.Skipf("no read of %s is made at once (preadv2 with RWF_NOWAIT: %v)", name, e)
	}
}

// readAtOnce reads a byte of name with preadv2 and RWF_NOWAIT, as aio's
// reads of cached data do, and returns its error.
func readAtOnce(t *testing.T, name string) unix.Errno {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var b [1]byte
	iov := unix.Iovec{Base: &b[0]}
	iov.SetLen(1)
	_, _, e := unix.Syscall6(unix.SYS_PREADV2, f.Fd(), uintptr(unsafe.Pointer(&iov)), 1, 0, 0, unix.RWF_NOWAIT)
	return e
}

// evictAfter drops the cached pages of file name from off on, which must
// be clean, and skips the test where the file system keeps them (tmpfs:
// the pages are the file). fadvise(DONTNEED) is tried again until no page
// is left: it passes over a page still in another CPU's batch of pages
// on their way to the LRU lists, which a loaded machine keeps longer.
func evictAfter(t *testing.T, name string, off int64) {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	page := int64(os.Getpagesize())
	off &^= page - 1
	if fi.Size() <= off {
		return
	}
	m, err := unix.Mmap(int(f.Fd()), off, int(fi.Size()-off), unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Munmap(m)
	vec := make([]byte, (int64(len(m))+page-1)/page)
	for try := 0; ; try++ {
		if err := unix.Fadvise(int(f.Fd()), off, 0, unix.FADV_DONTNEED); err != nil {
			t.Fatal(err)
		}
		if _, _, e := unix.Syscall(unix.SYS_MINCORE, uintptr(unsafe.Pointer(&m[0])), uintptr(len(m)), uintptr(unsafe.Pointer(&vec[0]))); e != 0 {
			t.Fatal(e)
		}
		resident := 0
		for _, v := range vec {
			resident += int(v & 1)
		}
		switch {
		case resident == 0:
			return
		case try == 100:
			t.Skipf("the file system of %s keeps %d of %d pages that fadvise(DONTNEED) drops elsewhere", name, resident, len(vec))
		}
		time.Sleep(time.Millisecond)
	}
}

// With O_DIRECT, preadv2's RWF_NOWAIT still reads from the device, on the
// scheduler's thread: every read must be a request.
func TestDirectReadsWaitInRequests(t *testing.T) {
	want := pattern(64 << 10)
	name := writeSynced(t, want)
	backends(t, func(t *testing.T) {
		withFile(t, name, os.O_RDONLY|syscall.O_DIRECT, func(f *aio.File) {
			buf := aligned(8 << 10)
			var n int
			var err error
			if !yields(func() { n, err = f.ReadAt(buf, 8<<10) }) || err != nil || !bytes.Equal(buf[:n], want[8<<10:16<<10]) {
				t.Errorf("ReadAt with O_DIRECT: %d, %v; wrong bytes, or no request", n, err)
			}
			if !yields(func() { n, err = f.Read(buf) }) || err != nil || !bytes.Equal(buf[:n], want[:8<<10]) {
				t.Errorf("Read with O_DIRECT: %d, %v; wrong bytes, or no request", n, err)
			}
		})
	})
}

// withFile runs test in a scheduler with name opened with flag, skipping
// the test where the file system refuses O_DIRECT.
func withFile(t *testing.T, name string, flag int, test func(f *aio.File)) {
	runSched(t, func() {
		f, err := aio.OpenFile(name, flag, 0)
		if flag&syscall.O_DIRECT != 0 && errors.Is(err, syscall.EINVAL) {
			t.Skipf("the file system of %s has no O_DIRECT: %v", name, err)
		}
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		test(f)
	})
}

// aligned returns n bytes at an address that is a multiple of 4 KiB, as
// O_DIRECT requires.
func aligned(n int) []byte {
	b := make([]byte, n+4096)
	skip := (4096 - int(uintptr(unsafe.Pointer(&b[0]))%4096)) % 4096
	return b[skip : skip+n]
}

// Read and Write at the position of a file opened with O_DIRECT move the
// position, as os.File's do: the second Read reads the second block, a
// loop of Reads reaches EOF, and the second Write goes after the first.
// (Found in review: on io_uring, ext4, the position never moved, as a
// request that completes after its submission moves none.)
func TestDirectReadAndWriteMoveThePosition(t *testing.T) {
	want := pattern(16 << 10)
	backends(t, func(t *testing.T) {
		name := writeSynced(t, want)
		withFile(t, name, os.O_RDWR|syscall.O_DIRECT, func(f *aio.File) {
			buf := aligned(4096)
			reads := 0
			for ; reads < 8; reads++ {
				n, err := f.Read(buf)
				if err == io.EOF {
					break
				}
				pos, _ := f.Seek(0, io.SeekCurrent)
				if n != 4096 || err != nil || !bytes.Equal(buf, want[reads*4096:(reads+1)*4096]) || pos != int64((reads+1)*4096) {
					t.Fatalf("%s: Read %d = %d, %v, its block's bytes %v, the position then %d; want 4096, nil, true, %d", aio.Backend(), reads, n, err, bytes.Equal(buf, want[reads*4096:(reads+1)*4096]), pos, (reads+1)*4096)
				}
			}
			if reads != 4 {
				t.Errorf("%s: %d Reads of 4 KiB of a 16 KiB file before EOF, want 4", aio.Backend(), reads)
			}
			if _, err := f.Seek(0, io.SeekStart); err != nil {
				t.Fatal(err)
			}
			for i := range 2 {
				copy(buf, bytes.Repeat([]byte{byte('a' + i)}, 4096))
				if _, err := f.Write(buf); err != nil {
					t.Fatal(err)
				}
			}
			pos, _ := f.Seek(0, io.SeekCurrent)
			got, _ := os.ReadFile(name)
			if pos != 8192 || !bytes.Equal(got[:8192], append(bytes.Repeat([]byte("a"), 4096), bytes.Repeat([]byte("b"), 4096)...)) {
				t.Errorf("%s: after two 4 KiB Writes the position is %d and the file starts %q, %q; want 8192, a..., b...", aio.Backend(), pos, got[:4], got[4096:4100])
			}
		})
	})
}
