package aio

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/corogo/coro/sched"
)

// A file whose reads cannot be made at once (a FIFO opened by name: its
// preadv2 refuses RWF_NOWAIT with EOPNOTSUPP) stops trying after the
// first read; a regular file keeps reading from the page cache.
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
		for name, want := range map[string]bool{"/dev/fd/" + strconv.Itoa(int(r.Fd())): true, regular: false} {
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
