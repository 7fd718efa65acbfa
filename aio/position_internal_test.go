package aio

import (
	"bytes"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/corogo/coro/sched"
)

// Two Writes to a pipe at once, each made of many short writes, do not
// interleave: a stream's writes take turns, as os.File's do.
func TestStreamWritesTakeTurns(t *testing.T) {
	eachBackend(t, func(t *testing.T) {
		var fds [2]int
		if err := unix.Pipe2(fds[:], unix.O_CLOEXEC); err != nil {
			t.Fatal(err)
		}
		defer unix.Close(fds[0])
		const size = 256 << 10 // four pipe buffers
		got := make(chan []byte)
		go func() { // a slow reader, so that the writes come short
			var all []byte
			buf := make([]byte, 4096)
			for {
				time.Sleep(50 * time.Microsecond)
				n, err := unix.Read(fds[0], buf)
				if n <= 0 || err != nil {
					break
				}
				all = append(all, buf[:n]...)
			}
			got <- all
		}()
		err := sched.Run(func() {
			f := &File{held: held{fd: fds[1]}, name: "pipe"}
			var writers []*sched.Coro
			for _, b := range []byte{'a', 'b'} {
				writers = append(writers, sched.Async(func() any {
					_, err := f.Write(bytes.Repeat([]byte{b}, size))
					return err
				}))
			}
			for _, w := range writers {
				if v, _ := w.Join(); v != nil {
					t.Error(v)
				}
			}
			f.Close()
		})
		if err != nil {
			t.Fatal(err)
		}
		all := <-got
		runs := 1
		for i := 1; i < len(all); i++ {
			if all[i] != all[i-1] {
				runs++
			}
		}
		if len(all) != 2*size || runs != 2 {
			t.Errorf("the pipe got %d bytes in %d runs of one byte, want %d in 2: the two Writes interleaved", len(all), runs, 2*size)
		}
	})
}
