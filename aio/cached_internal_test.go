package aio

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/corogo/coro/sched"
)

// A file whose reads cannot be made at once (a FIFO opened by name: its
// preadv2 refuses RWF_NOWAIT with EOPNOTSUPP) stops trying after the
// first read; a regular file keeps reading from the page cache, where its
// file system can (not tmpfs, say).
func TestUncachedAfterEOPNOTSUPP(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	regular := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(regular, []byte("data"), 0o644); err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("fifo"))
	err = sched.Run(func() {
		for name, want := range map[string]bool{"/proc/self/fd/" + strconv.Itoa(int(r.Fd())): true, regular: !readsAtOnce(t, regular)} {
			f, err := Open(name)
			if err != nil {
				t.Error(err) // not Fatal: this is a coroutine
				continue
			}
			buf := make([]byte, 4)
			if n, err := f.Read(buf); n != 4 || err != nil {
				t.Errorf("%s: Read = %d, %v", name, n, err)
			}
			if f.uncached != want {
				t.Errorf("%s: uncached = %v after a read, want %v", name, f.uncached, want)
			}
			f.Close()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
}

// readsAtOnce reports whether preadv2 with RWF_NOWAIT works on name
// (not on tmpfs, nor under qemu-user).
func readsAtOnce(t *testing.T, name string) bool {
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	_, errno := preadCached(int(f.Fd()), make([]byte, 1), 0)
	return errno == 0
}

// A short read of a pipe or a device at the position is what it holds at
// once, as read(2) gives: it reads nothing more, and waits for nothing.
// Only a regular file's or a block device's read stops short only at the
// end. Here a File is made from a pipe in packet mode (O_DIRECT), which
// takes RWF_NOWAIT, unlike a FIFO opened by name, and reads one packet a
// read, as a tun device does.
func TestShortReadOfAPipeIsWhatItHolds(t *testing.T) {
	t.Setenv("CORO_COPIER", "off") // whose reads let the other coroutine run
	var fds [2]int
	if err := unix.Pipe2(fds[:], unix.O_DIRECT|unix.O_CLOEXEC); err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fds[0])
	if _, errno := preadCached(fds[0], nil, -1); errno != 0 {
		t.Skipf("a pipe's reads are not made at once here (preadv2 with RWF_NOWAIT: %v)", errno)
	}
	unix.Write(fds[1], []byte("there"))
	unix.Write(fds[1], []byte("again"))
	unix.Close(fds[1]) // a read that wrongly reads on meets the end, not a wait
	var got string
	waited := false
	err := sched.Run(func() {
		f := &File{held: held{fd: fds[0]}, name: "pipe"}
		ran := false
		other := sched.Async(func() any { ran = true; return nil })
		buf := make([]byte, 100)
		n, err := f.Read(buf)
		got, waited = string(buf[:n]), ran
		other.Join()
		if err != nil {
			t.Error(err) // not Fatal: this is a coroutine
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if got != "there" || waited {
		t.Errorf("Read of a packet pipe holding %q and %q = %q (waited in a request: %v), want the first at once", "there", "again", got, waited)
	}
}
