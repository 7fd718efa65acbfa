package aio

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/corogo/coro/aio/internal/uring"
	"github.com/corogo/coro/sched"
)

// A scheduler's ring takes the first set-up of uringSetups the kernel
// knows, and the requests of its coroutines reach it from the one thread
// that made it (SingleIssuer): otherwise the Nop would panic with EEXIST.
// The package's other tests, on both engines, use the same rings.
func TestRingTakesBestSetup(t *testing.T) {
	var want uint32
	for _, flags := range uringSetups {
		if r, err := uring.Setup(uringEntries, flags); err == nil {
			r.Close()
			want = flags
			break
		}
	}
	var flags uint32
	backend := ""
	err := sched.Run(func() {
		done := sched.Async(func() any { return Nop() })
		if err := Nop(); err != nil {
			t.Error(err) // not Fatal: this is a coroutine
		}
		if v, _ := done.Join(); v != nil {
			t.Error(v)
		}
		backend = Backend()
		if b, ok := loopOf(sched.Current().Scheduler()).be.(*uringBackend); ok {
			flags = b.ring.Params().Flags
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if backend != "io_uring" {
		t.Skipf("the scheduler uses %s", backend)
	}
	if flags != want {
		t.Errorf("ring set up with flags %#x, want %#x", flags, want)
	}
}

// A ring carries every request of uringOps whose opcode the kernel has,
// and gets along without the optional ones only.
func TestCarriedOps(t *testing.T) {
	all := func(uint8) bool { return true }
	without := func(code uint8) func(uint8) bool { return func(c uint8) bool { return c != code } }
	carries, err := carriedOps(all)
	for op, u := range uringOps {
		if carries[op] != u.carried || err != nil {
			t.Errorf("with every opcode, op %d carried: %v, %v; want %v", op, carries[op], err, u.carried)
		}
	}
	carries, err = carriedOps(without(uring.OpMkdirat))
	if err != nil || carries[opMkdir] || !carries[opRename] || !carries[opRead] {
		t.Errorf("without MKDIRAT: mkdir %v, rename %v, read %v, %v; want the pool for mkdir only", carries[opMkdir], carries[opRename], carries[opRead], err)
	}
	for _, code := range []uint8{uring.OpRead, uring.OpAsyncCancel, uring.OpPollAdd} {
		if _, err := carriedOps(without(code)); !errors.Is(err, uring.ErrUnsupported) || !strings.Contains(err.Error(), uring.OpName(code)) {
			t.Errorf("without %s: %v, want it named, as ErrUnsupported", uring.OpName(code), err)
		}
	}
}

// The path requests go through the ring where its probe has their opcodes:
// the helper pool is never made for them. Where a probe lacks them, they
// go to the pool, and the ring keeps the rest.
func TestPathRequestsTakeTheRingTheyHave(t *testing.T) {
	dir := t.TempDir()
	pathOps := []opcode{opUnlink, opMkdir, opRename, opLink, opSymlink}
	requests := func(round string) {
		in := func(name string) string { return filepath.Join(dir, round+"-"+name) }
		for _, err := range []error{
			Mkdir(in("d"), 0o755), Symlink("d", in("s")), Link(in("s"), in("h")),
			Rename2(in("h"), in("r"), unix.RENAME_NOREPLACE), Unlink(in("r")), Unlink(in("s")), Rmdir(in("d")),
		} {
			if err != nil {
				t.Errorf("%s: %v", round, err)
			}
		}
	}
	used := ""
	err := sched.Run(func() {
		if used = Backend(); used != "io_uring" {
			return
		}
		l, err := loopFor(sched.Current())
		if err != nil {
			t.Fatal(err)
		}
		b := l.be.(*uringBackend)
		probe, err := b.ring.Probe()
		if err != nil {
			t.Error(err)
			return
		}
		// goes reports whether backendFor sends op's requests where has says.
		goes := func(has func(uint8) bool) {
			for _, op := range append(pathOps, opOpen, opStatx, opRead) {
				be, err := l.backendFor(&request{op: op})
				if err != nil || (be == backend(b)) != has(uringOps[op].code) {
					t.Errorf("op %d (%s) to %v, %v; want the ring: %v", op, uring.OpName(uringOps[op].code), be.name(), err, has(uringOps[op].code))
				}
			}
		}
		requests("ring")
		kernelHasAll := true
		for _, op := range pathOps {
			kernelHasAll = kernelHasAll && probe.Supported(uringOps[op].code)
		}
		if kernelHasAll && l.pool != nil {
			t.Error("the kernel has every path opcode, yet the helper pool was made")
		}
		goes(probe.Supported)

		lacking := func(code uint8) bool {
			for _, op := range pathOps {
				if uringOps[op].code == code {
					return false
				}
			}
			return probe.Supported(code)
		}
		if b.carries, err = carriedOps(lacking); err != nil {
			t.Error(err)
			return
		}
		goes(lacking)
		requests("pool")
		if err := Nop(); err != nil {
			t.Error(err)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if used != "io_uring" {
		t.Skipf("the scheduler uses %s", used)
	}
}

// The cap on a ring's file workers is iowqWorkers but while two syncs or
// more are in flight, when it is syncWorkers; a lone sync leaves it be.
func TestSyncsRaiseTheWorkersCap(t *testing.T) {
	name := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(name, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	skip := ""
	withOpenFile(t, name, func(f *File, l *loop) { // fsync(2) takes a descriptor open to read too
		b, ok := l.be.(*uringBackend)
		if !ok {
			skip = "the scheduler uses " + Backend()
			return
		}
		fileWorkers := func() uint32 {
			workers := [2]uint32{0, 0} // 0: unchanged; the kernel returns the caps
			if _, err := b.ring.Register(uring.RegisterIowqMaxWorkers, unsafe.Pointer(&workers), 2); err != nil {
				skip = fmt.Sprintf("no IORING_REGISTER_IOWQ_MAX_WORKERS: %v", err)
			}
			return workers[0]
		}
		check := func(when string, want uint32) bool {
			got := fileWorkers()
			if skip == "" && got != want {
				t.Errorf("the cap %s = %d, want %d", when, got, want)
			}
			return skip == "" && got == want
		}
		var syncers []*sched.Coro
		syncs := func(n int) {
			for range n {
				syncers = append(syncers, sched.Async(func() any { return f.Sync() }))
			}
			sched.Cede() // they are submitted; they complete once the scheduler idles
		}
		var nproc unix.Rlimit
		unix.Getrlimit(unix.RLIMIT_NPROC, &nproc)
		raised := uint32(min(syncWorkers, nproc.Cur)) // the kernel's clamp
		ended := func(how string) {
			for i := 0; b.syncs > 0; i++ {
				if i == 10000 {
					t.Errorf("%d syncs still counted in flight 10 s after they %s", b.syncs, how)
					return
				}
				sched.Sleep(time.Millisecond)
			}
			check("once the syncs "+how, iowqWorkers)
		}
		if !check("before any sync", iowqWorkers) {
			return
		}
		syncs(1)
		check("with one sync in flight", iowqWorkers)
		syncs(2)
		check(fmt.Sprintf("with %d syncs in flight", b.syncs), raised)
		ended("ended")
		// Cancelled in flight, the syncs still complete (ECANCELED or
		// done), and the cap comes down with the last.
		syncers = nil
		syncs(3)
		check(fmt.Sprintf("with %d syncs in flight", b.syncs), raised)
		for _, c := range syncers {
			c.Cancel(nil)
		}
		ended("were cancelled")
	})
	if skip != "" {
		t.Skip(skip)
	}
}
