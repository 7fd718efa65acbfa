package aio_test

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/corogo/coro/aio"
	"github.com/corogo/coro/sched"
)

// Reads, writes and seeks at the file's position take turns, as they do
// on an os.File by the kernel's lock on the position, which io_uring's
// reads and writes at the position do not take: two reads at once start
// where the other ended, whatever is cached, and a Seek waits for a read
// in flight.
func TestPositionTakesTurns(t *testing.T) {
	want := pattern(64 << 10)
	name := writeSynced(t, want)
	for _, cachedUpTo := range []int64{0, 4096} {
		backends(t, func(t *testing.T) {
			evictAfter(t, name, cachedUpTo)
			withFile(t, name, os.O_RDONLY, func(f *aio.File) {
				var bufs [2][]byte
				var readers []*sched.Coro
				for i := range bufs {
					bufs[i] = make([]byte, 16<<10)
					readers = append(readers, sched.Async(func() any {
						_, err := io.ReadFull(f, bufs[i])
						return err
					}))
				}
				sched.Cede() // both readers start
				pos, err := f.Seek(0, io.SeekCurrent)
				if pos != 32<<10 || err != nil {
					t.Errorf("cached up to %d: Seek while both read = %d, %v; want %d, after the reads", cachedUpTo, pos, err, 32<<10)
				}
				for _, r := range readers {
					if v, _ := r.Join(); v != nil {
						t.Error(v)
					}
				}
				got := [][]byte{bufs[0], bufs[1]}
				if bytes.Equal(bufs[0], want[16<<10:32<<10]) {
					slices.Reverse(got)
				}
				if !bytes.Equal(got[0], want[:16<<10]) || !bytes.Equal(got[1], want[16<<10:32<<10]) {
					t.Errorf("cached up to %d: two reads at once did not read the file's first two 16 KiB, one each", cachedUpTo)
				}
			})
		})
	}
}

// Two Writes at once at the file's position write one after the other.
func TestWritesAtPositionTakeTurns(t *testing.T) {
	backends(t, func(t *testing.T) {
		name := filepath.Join(t.TempDir(), "f")
		withFile(t, name, os.O_RDWR|os.O_CREATE, func(f *aio.File) {
			var writers []*sched.Coro
			for _, b := range []byte{'a', 'b'} {
				writers = append(writers, sched.Async(func() any {
					_, err := f.Write(bytes.Repeat([]byte{b}, 16<<10))
					return err
				}))
			}
			for _, w := range writers {
				if v, _ := w.Join(); v != nil {
					t.Error(v)
				}
			}
		})
		got, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		a, b := bytes.Repeat([]byte{'a'}, 16<<10), bytes.Repeat([]byte{'b'}, 16<<10)
		if !bytes.Equal(got, append(a, b...)) && !bytes.Equal(got, append(b, a...)) {
			t.Errorf("two Writes of 16 KiB at once left %d bytes, not one after the other", len(got))
		}
	})
}
