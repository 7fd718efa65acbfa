package aio_test

import (
	"bytes"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"testing"

	"github.com/corogo/coro/aio"
	"github.com/corogo/coro/internal/churn"
	"github.com/corogo/coro/sched"
)

// Buffers handed to the kernel must stay alive and in place until their
// completion, whatever the GC does meanwhile: many coroutines read into
// fresh buffers at GOGC=1 with forced collections and heap churn, some
// are cancelled mid-read, and every read that completes is checked byte
// for byte.
func TestGCTortureRequests(t *testing.T) {
	backends(t, func(t *testing.T) {
		defer debug.SetGCPercent(debug.SetGCPercent(1))
		name := filepath.Join(t.TempDir(), "data")
		data := make([]byte, 256<<10)
		for i := range data {
			data[i] = byte(i*31 + i>>8)
		}
		os.WriteFile(name, data, 0o644)
		defer churn.Start()()
		runSched(t, func() {
			rng := rand.New(rand.NewPCG(1, 2))
			var readers []*sched.Coro
			for i := range 200 {
				off := rng.IntN(len(data) - 8192)
				n := 1 + rng.IntN(8192)
				readers = append(readers, sched.Async(func() any {
					// Read at the file position always makes a request (ReadAt
					// copies cached data at once), so the kernel gets buf.
					f, err := aio.Open(name)
					if err != nil {
						return err
					}
					defer f.Close()
					for round := range 5 {
						buf := make([]byte, n) // only this request and stack refer to it
						if _, err := f.Seek(int64(off), io.SeekStart); err != nil {
							return err
						}
						if _, err := io.ReadFull(f, buf); err != nil {
							return err
						}
						if round%2 == 0 {
							runtime.GC()
						}
						if !bytes.Equal(buf, data[off:off+n]) {
							t.Errorf("reader %d round %d: wrong bytes", i, round)
						}
						sched.Cede()
					}
					return nil
				}))
			}
			for i, r := range readers {
				if i%7 == 0 {
					r.Cancel(nil) // mid-read, or between reads
				}
			}
			for _, r := range readers {
				if v, _ := r.Join(); v != nil {
					t.Error(v)
				}
			}
		})
	})
}
