package aio_test

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/corogo/coro/aio"
	"github.com/corogo/coro/sched"
)

// Reads, writes and seeks at a file's position take turns, as they do on
// an os.File by the kernel's lock on the position, which io_uring's reads
// and writes at the position do not take: two reads at once start where
// the other ended, whatever is cached, and a Seek waits for a read or a
// write in flight.
func TestPositionTakesTurns(t *testing.T) {
	want := pattern(64 << 10)
	name := writeSynced(t, want)
	for _, cachedUpTo := range []int64{0, 4096} {
		backends(t, func(t *testing.T) {
			readsWait(t, name, cachedUpTo)
			withFile(t, name, os.O_RDWR, func(f *aio.File) {
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
				writer := sched.Async(func() any {
					_, err := f.Write(make([]byte, 4096))
					return err
				})
				sched.Cede() // the write is in flight
				if pos, err := f.Seek(0, io.SeekCurrent); pos != 36<<10 || err != nil {
					t.Errorf("Seek while a Write is in flight = %d, %v; want %d, after it", pos, err, 36<<10)
				}
				if v, _ := writer.Join(); v != nil {
					t.Error(v)
				}
			})
		})
	}
}

// A coroutine that reads in a loop gives the position up between its
// reads to one that waits for it: the lock goes to the waiter, which a
// reader that goes on at once cannot take back.
func TestReadLoopLetsOthersIn(t *testing.T) {
	want := pattern(256 << 10)
	name := writeSynced(t, want)
	// Every read must wait in a request: with O_DIRECT, as dropping the
	// pages from the cache races with reading ahead, unless no read of
	// name is made at once anyway (tmpfs, which has no O_DIRECT).
	flag := os.O_RDONLY | syscall.O_DIRECT
	if readAtOnce(t, name) == syscall.EOPNOTSUPP {
		flag = os.O_RDONLY
	}
	backends(t, func(t *testing.T) {
		withFile(t, name, flag, func(f *aio.File) {
			reader := sched.Async(func() any {
				buf := aligned(32 << 10)
				for {
					if _, err := f.Read(buf); err != nil {
						return errString(err)
					}
				}
			})
			sched.Cede() // the first read is in flight
			if pos, err := f.Seek(0, io.SeekCurrent); pos != 32<<10 || err != nil {
				t.Errorf("Seek while a loop reads = %d, %v; want %d, after the first read", pos, err, 32<<10)
			}
			if v, _ := reader.Join(); v != io.EOF.Error() {
				t.Errorf("the reading loop ended with %v, want EOF", v)
			}
		})
	})
}

// A FIFO has no position, so a Read that waits for data does not keep a
// Write to the same File, which brings that data, from going on.
func TestStreamReadLetsWritesBy(t *testing.T) {
	backends(t, func(t *testing.T) {
		name := filepath.Join(t.TempDir(), "fifo")
		if err := syscall.Mkfifo(name, 0o600); err != nil {
			t.Fatal(err)
		}
		late, err := os.OpenFile(name, os.O_RDWR, 0) // ends a wait that goes wrong
		if err != nil {
			t.Fatal(err)
		}
		defer late.Close()
		withFile(t, name, os.O_RDWR, func(f *aio.File) {
			reader := sched.Async(func() any {
				buf := make([]byte, 10)
				n, err := f.Read(buf)
				return string(buf[:n]) + " " + errString(err)
			})
			sched.Cede() // the read waits
			lateWrite(late, 2*time.Second)
			if _, err := f.Write([]byte("ping")); err != nil {
				t.Error(err)
			}
			if v, _ := reader.Join(); v != "ping <nil>" {
				t.Errorf("the read got %v, want what the Write sent: ping <nil>", v)
			}
		})
	})
}

func errString(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

// readsWait makes the reads of name from off on wait in requests: it
// drops their pages from the cache, unless no read of name is made at
// once anyway (tmpfs; every read is a request there). It drops them
// whether or not the first page was cached when asked: the asking, a
// read that may not wait, starts reading ahead where it was not.
func readsWait(t *testing.T, name string, off int64) {
	t.Helper()
	if readAtOnce(t, name) != syscall.EOPNOTSUPP {
		evictAfter(t, name, off)
	}
}
