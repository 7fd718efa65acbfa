package aio_test

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"syscall"
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
				off := 4096 * rng.IntN(len(data)/4096-2)
				n := 4096 * (1 + rng.IntN(2))
				readers = append(readers, sched.Async(func() any {
					// O_DIRECT reads are always requests, so the kernel gets
					// buf; reads that find their data cached are copied at
					// once or by the copier (TestCopierGCTorture). Where the
					// file system has no O_DIRECT (tmpfs), no read is cached.
					f, err := aio.OpenFile(name, os.O_RDONLY|syscall.O_DIRECT, 0)
					if errors.Is(err, syscall.EINVAL) {
						f, err = aio.Open(name)
					}
					if err != nil {
						return err
					}
					defer f.Close()
					for round := range 5 {
						buf := aligned(n) // only this request and stack refer to it
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
			aio.JoinCancellingSome(t, readers)
		})
	})
}
