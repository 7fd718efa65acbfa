package aio_test

// Differences from package os that FuzzAIO (package fuzz) found.

import (
	"errors"
	"io"
	"os"
	"syscall"
	"testing"

	"github.com/corogo/coro/aio"
)

// A Write to a file opened with O_APPEND|O_DIRECT that writes nothing
// leaves the position where it was, as write(2) does: one the kernel
// refuses for its alignment (EINVAL, the end of the file being no block
// boundary), and one of no bytes. (Found by FuzzAIO: aio moved the
// position to the end of the file all the same.)
// Each has a file of its own: a write that succeeds (tmpfs takes
// unaligned O_DIRECT writes) moves its own position to the end of its
// file only.
func TestDirectAppendWriteOfNothingKeepsThePosition(t *testing.T) {
	const flag = os.O_RDWR | os.O_APPEND | syscall.O_DIRECT
	backends(t, func(t *testing.T) {
		name, osName := writeSynced(t, pattern(1000)), writeSynced(t, pattern(1000)) // aio's, os's
		of, err := os.OpenFile(osName, flag, 0)
		if errors.Is(err, syscall.EINVAL) {
			t.Skipf("the file system of %s has no O_DIRECT: %v", osName, err)
		}
		if err != nil {
			t.Fatal(err)
		}
		defer of.Close()
		withFile(t, name, flag, func(f *aio.File) {
			for _, p := range [][]byte{aligned(512), nil} {
				an, aerr := f.Write(p)
				on, oerr := of.Write(p)
				apos, _ := f.Seek(0, io.SeekCurrent)
				opos, _ := of.Seek(0, io.SeekCurrent)
				if an != on || (aerr == nil) != (oerr == nil) || apos != opos {
					t.Errorf("%s: Write of %d bytes = %d, %v, the position then %d; os.File's %d, %v, %d",
						aio.Backend(), len(p), an, aerr, apos, on, oerr, opos)
				}
			}
		})
	})
}
