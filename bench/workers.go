package bench

import (
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/corogo/coro/aio"
	"github.com/corogo/coro/sched"
)

// The cases of this file are requests the kernel hands to its worker
// threads, where they wait for the disk or the file system's journal:
// they show how many such requests wait at once. Each of 100 coroutines
// on one scheduler, or 100 goroutines, works in a directory of its own
// (so that no two wait for the same directory's lock).

// AIOSyncs: each coroutine writes 4 KiB at the start of a file of its
// own and syncs it, over and over, with aio; one op is one write and sync.
func AIOSyncs(b *testing.B) { onWorkers(b, true, writeAndSync(aio.Create)) }

// OSSyncs: the same with goroutines and package os.
func OSSyncs(b *testing.B) { onWorkers(b, false, writeAndSync(os.Create)) }

// writeAndSync prepares the ops of AIOSyncs and OSSyncs, with the
// package's create.
func writeAndSync[F interface {
	WriteAt([]byte, int64) (int, error)
	Sync() error
	Close() error
}](create func(string) (F, error)) prepareFunc {
	block := make([]byte, 4096)
	return func(dir string) (func() error, func() error, error) {
		f, err := create(filepath.Join(dir, "f"))
		return func() error {
			if _, err := f.WriteAt(block, 0); err != nil {
				return err
			}
			return f.Sync()
		}, f.Close, err
	}
}

// AIOLinkUnlink: each coroutine makes a hard link to a file of its own
// and removes it, over and over, with aio; one op is one pair. (Links,
// not directories: for a new directory ext4 spends its time looking for
// an inode not recently freed, more the more were.)
func AIOLinkUnlink(b *testing.B) { onWorkers(b, true, linkAndUnlink(aio.Link, aio.Unlink)) }

// OSLinkUnlink: the same with goroutines and package os.
func OSLinkUnlink(b *testing.B) { onWorkers(b, false, linkAndUnlink(os.Link, os.Remove)) }

// linkAndUnlink prepares the ops of AIOLinkUnlink and OSLinkUnlink, with
// the package's link and unlink.
func linkAndUnlink(link func(oldname, newname string) error, unlink func(string) error) prepareFunc {
	return func(dir string) (func() error, func() error, error) {
		file, name := filepath.Join(dir, "f"), filepath.Join(dir, "l")
		return func() error {
			if err := link(file, name); err != nil {
				return err
			}
			return unlink(name)
		}, nil, os.WriteFile(file, nil, 0o644)
	}
}

// prepareFunc returns, for a worker's directory, the function that makes
// one op, the function that frees what it holds (nil: nothing) and what
// failed in preparing.
type prepareFunc func(dir string) (op, done func() error, err error)

// onWorkers runs openers workers, coroutines of one scheduler or
// goroutines, which share b.N ops. Each first calls prepare with a
// directory of its own, made under b.TempDir, then makes the op for each
// op it takes, and frees what prepare made at its end.
func onWorkers(b *testing.B, coroutines bool, prepare prepareFunc) {
	top := b.TempDir()
	threads := watchThreads()
	var next atomic.Int64
	work := func(i int) error {
		dir := filepath.Join(top, strconv.Itoa(i))
		if err := os.Mkdir(dir, 0o755); err != nil {
			return err
		}
		op, done, err := prepare(dir)
		if err != nil {
			return err
		}
		if done != nil {
			defer done() // in the worker: an aio File is closed by its scheduler's coroutines
		}
		for next.Add(1) <= int64(b.N) {
			if err := op(); err != nil {
				return err
			}
		}
		return nil
	}
	b.ResetTimer()
	if coroutines {
		onSchedulers(b, 1, "", func(int) {
			var cs []*sched.Coro
			for i := range openers {
				cs = append(cs, sched.Async(func() any { return work(i) }))
			}
			joinAll(b, cs)
			threads.sampleCPU() // while the scheduler's threads live
		})
		b.StopTimer()
	} else {
		var wg sync.WaitGroup
		errs := make(chan error, openers)
		for i := range openers {
			wg.Go(func() {
				if err := work(i); err != nil {
					errs <- err
				}
			})
		}
		waitAll(b, &wg, errs)
	}
	threads.report(b, b.N)
}
