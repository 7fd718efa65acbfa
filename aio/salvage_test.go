package aio_test

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/corogo/coro/aio"
	"github.com/corogo/coro/sched"
)

// A Read of a pipe cut short after its read took the data loses nothing:
// the next Read returns it. The writer writes while the Read waits, and
// the Read is cancelled before it can return, the pool's worker having
// had the time to read (on io_uring the cancel may come first, and the
// data stays in the pipe). (Found in review: the data was dropped, and
// the next Read waited for data that never came.)
func TestReadCutShortKeepsWhatItTookFromAPipe(t *testing.T) {
	onEmptyPipe(t, func(t *testing.T, f *aio.File, w *os.File) {
		for round := range 5 {
			want := fmt.Sprintf("round %d", round)
			reader := sched.Async(func() any { return readOnce(f, 64) })
			sched.Sleep(5 * time.Millisecond) // the Read waits in the kernel, or on a worker
			io.WriteString(w, want)
			time.Sleep(2 * time.Millisecond) // the scheduler's thread, held: a worker reads meanwhile
			reader.Cancel(nil)
			reader.Join()
			var got string
			if err := sched.WithTimeout(time.Second, func() { got = readOnce(f, 64) }); err != nil || got != want {
				t.Fatalf("%s: round %d: the Read after the cancelled one = %q, %v; want %q", aio.Backend(), round, got, err, want)
			}
		}
	})
}

// Reads of a pipe take turns, as os.File's do: whichever of two Reads
// is cut short after its read took the data, the other returns the data,
// where it would otherwise wait on in the kernel and, the writer gone,
// return io.EOF before it. (Found in review.)
func TestReadCutShortHandsItsDataToTheNextRead(t *testing.T) {
	for _, cut := range []int{0, 1} { // a pipe each: the writer closes
		onEmptyPipe(t, func(t *testing.T, f *aio.File, w *os.File) {
			cutOneOfTwoReads(t, f, cut, func() {
				io.WriteString(w, "data")
				time.Sleep(2 * time.Millisecond) // the scheduler's thread, held: a worker reads meanwhile
			}, func() { w.Close() })
		})
	}
}

// cutOneOfTwoReads starts two Reads of r, one after the other, then
// sends "data" (send) and cancels Read number cut (0 or 1) as its read
// completes, before it resumes: the other Read must return the data once
// the writer has gone (closeWriter). The pool's workers wake in the order
// they began to wait; the ring's reads the other way round (the last poll
// added to a wait queue is woken first).
func cutOneOfTwoReads(t *testing.T, r io.Reader, cut int, send, closeWriter func()) {
	t.Helper()
	var reads [2]*sched.Coro
	for i := range reads {
		reads[i] = sched.Async(func() any { return readOnce(r, 64) })
		sched.Sleep(5 * time.Millisecond) // the Read waits in the kernel, on a worker, or its turn
	}
	send()
	sched.Poll() // the loop runs once: the results come, readied behind this coroutine
	reads[cut].Cancel(nil)
	reads[cut].Join()
	closeWriter() // the other Read waits for nothing more
	if got, _ := reads[1-cut].Join(); got != "data" {
		t.Errorf("%s: Read %d of 2 cancelled: the other returned %q; want %q", aio.Backend(), cut+1, got, "data")
	}
}

// readOnce is one Read of up to n bytes of f, as a string.
func readOnce(f io.Reader, n int) string {
	p := make([]byte, n)
	n, _ = f.Read(p)
	return string(p[:n])
}

// A Read of a file cut short leaves the position where it was: the next
// Read reads what the one cut short would have. The file's pages are
// evicted, so that the Read is a request, cancelled while in flight or
// once done.
func TestReadCutShortLeavesThePosition(t *testing.T) {
	backends(t, func(t *testing.T) {
		name := filepath.Join(t.TempDir(), "f")
		data := bytes.Repeat([]byte("0123456789abcdef"), 4096) // 64 KiB
		if err := os.WriteFile(name, data, 0o600); err != nil {
			t.Fatal(err)
		}
		runSched(t, func() {
			f, err := aio.Open(name)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			for round, wait := range []time.Duration{0, 0, time.Millisecond, 2 * time.Millisecond, 5 * time.Millisecond} {
				pos, err := f.Seek(int64(round)*4096+100, io.SeekStart) // mid-page: the cached part of the page before, then a request
				if err != nil {
					t.Fatal(err)
				}
				readsWait(t, name, pos+1)
				reader := sched.Async(func() any { return readOnce(f, 8192) })
				sched.Cede()     // the Read begins, and waits for its request
				time.Sleep(wait) // the scheduler's thread, held: the request may end meanwhile
				reader.Cancel(nil)
				reader.Join()
				if now, err := f.Seek(0, io.SeekCurrent); now != pos || err != nil {
					t.Fatalf("%s: round %d: the position after a cancelled Read = %d, %v; want %d", aio.Backend(), round, now, err, pos)
				}
				if got := readOnce(f, 8192); got != string(data[pos:pos+int64(len(got))]) || got == "" {
					t.Fatalf("%s: round %d: the Read after the cancelled one read %d bytes, not those at %d", aio.Backend(), round, len(got), pos)
				}
			}
		})
	})
}
