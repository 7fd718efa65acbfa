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

// The cases of this file, and open+fstat+close, run 100 workers,
// coroutines or goroutines, that share the ops (onWorkers). The syncs and
// links are requests the kernel hands to its worker threads, where they
// wait for the disk or the file system's journal: they show how many such
// requests wait at once. Each worker works in a directory of its own (so
// that no two wait for the same directory's lock).

// AIOSyncs: each coroutine writes 4 KiB at the start of a file of its
// own and syncs it, over and over, with aio; one op is one write and sync.
func AIOSyncs(b *testing.B) { onWorkers(b, 1, writeAndSync(aio.Create)) }

// OSSyncs: the same with goroutines and package os.
func OSSyncs(b *testing.B) { onWorkers(b, 0, writeAndSync(os.Create)) }

// writeAndSync prepares the ops of AIOSyncs and OSSyncs, with the
// package's create.
func writeAndSync[F interface {
	WriteAt([]byte, int64) (int, error)
	Sync() error
	Close() error
}](create func(string) (F, error)) prepareFunc {
	block := make([]byte, 4096)
	return func(dir string) (func(int) error, func() error, error) {
		f, err := create(filepath.Join(dir, "f"))
		return func(int) error {
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
func AIOLinkUnlink(b *testing.B) { onWorkers(b, 1, linkAndUnlink(aio.Link, aio.Unlink)) }

// OSLinkUnlink: the same with goroutines and package os.
func OSLinkUnlink(b *testing.B) { onWorkers(b, 0, linkAndUnlink(os.Link, os.Remove)) }

// linkAndUnlink prepares the ops of AIOLinkUnlink and OSLinkUnlink, with
// the package's link and unlink.
func linkAndUnlink(link func(oldname, newname string) error, unlink func(string) error) prepareFunc {
	return func(dir string) (func(int) error, func() error, error) {
		file, name := filepath.Join(dir, "f"), filepath.Join(dir, "l")
		return func(int) error {
			if err := link(file, name); err != nil {
				return err
			}
			return unlink(name)
		}, nil, os.WriteFile(file, nil, 0o644)
	}
}

// prepareFunc returns, for a worker's directory, the function that makes
// op i, the function that frees what it holds (nil: nothing) and what
// failed in preparing.
type prepareFunc func(dir string) (op func(i int) error, done func() error, err error)

// onWorkers runs openers workers, which share b.N ops: goroutines
// (schedulers 0), or coroutines split over that many schedulers. Each
// first calls prepare with a directory of its own, made under b.TempDir
// before the timer starts, then makes each op it takes, and frees what
// prepare made at its end.
func onWorkers(b *testing.B, schedulers int, prepare prepareFunc) {
	top := b.TempDir()
	for i := range openers {
		if err := os.Mkdir(filepath.Join(top, strconv.Itoa(i)), 0o755); err != nil {
			b.Fatal(err)
		}
	}
	threads := watchThreads()
	var next atomic.Int64
	work := func(i int) error {
		op, done, err := prepare(filepath.Join(top, strconv.Itoa(i)))
		if err != nil {
			return err
		}
		if done != nil {
			defer done() // in the worker: an aio File is closed by its scheduler's coroutines
		}
		for {
			k := next.Add(1) - 1
			if k >= int64(b.N) {
				return nil
			}
			if err := op(int(k)); err != nil {
				return err
			}
		}
	}
	b.ResetTimer()
	if schedulers > 0 {
		workersOf := split(openers, schedulers)
		onSchedulers(b, schedulers, "", func(k int) {
			first := 0
			for _, n := range workersOf[:k] {
				first += n
			}
			var cs []*sched.Coro
			for i := first; i < first+workersOf[k]; i++ {
				cs = append(cs, sched.Async(func() any { return work(i) }))
			}
			joinAll(b, cs)
			threads.sampleCPU() // while the scheduler's threads (pool, copier) live
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
