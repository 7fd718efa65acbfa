package aio

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"testing"
	"time"

	"github.com/corogo/coro/internal/churn"
	"github.com/corogo/coro/sched"
)

// cachedFile writes n patterned bytes to a file read from the page cache,
// and returns its name and contents; it skips the test where reads of
// cached data are requests (readsAtOnce) or no core is spare for a copier.
func cachedFile(t *testing.T, n int) (string, []byte) {
	t.Helper()
	if runtime.GOMAXPROCS(0) < 2 {
		t.Skip("GOMAXPROCS < 2: no core is spare for a copier")
	}
	data := make([]byte, n)
	for i := range data {
		data[i] = byte(i/4096 + i%253)
	}
	name := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(name, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if !readsAtOnce(t, name) {
		t.Skip("reads of cached data are requests here (tmpfs, qemu-user)")
	}
	return name, data
}

// A cached read made while another coroutine is ready goes to the copier,
// and the other may run meanwhile (unless the copy is done first); one
// made with nothing else ready is made at once. The copier's goroutine ends with the scheduler, which counts
// as busy while it runs, and not after.
func TestCopierTakesReadsWhileOthersAreReady(t *testing.T) {
	name, data := cachedFile(t, 64<<10)
	goroutines := runtime.NumGoroutine()
	busy := busyLoops.Load()
	withOpenFile(t, name, func(f *File, l *loop) {
		if n := busyLoops.Load(); n != busy+1 {
			t.Errorf("busy loops while the scheduler runs: %d, want %d", n, busy+1)
		}
		// Idle, waiting in its loop, the scheduler does not count.
		release := sched.Current().Scheduler().Hold()
		me, idle := sched.Current(), make(chan int32, 1)
		go func() {
			for end := time.Now().Add(5 * time.Second); busyLoops.Load() != busy && time.Now().Before(end); {
				time.Sleep(time.Millisecond)
			}
			idle <- busyLoops.Load()
			me.Wake()
			release()
		}()
		sched.Schedule()
		if n := <-idle; n != busy {
			t.Errorf("busy loops while the scheduler waits idle: %d, want %d", n, busy)
		}
		buf := make([]byte, 4096)
		if _, err := f.ReadAt(buf, 0); err != nil || !bytes.Equal(buf, data[:4096]) || l.copier != nil {
			t.Errorf("ReadAt alone: %v, right bytes %v, copier made %v; want nil, true, false", err, bytes.Equal(buf, data[:4096]), l.copier != nil)
		}
		// The first such read starts the copier, and is made at once: the
		// copier takes reads only while it runs.
		copied := false
		for end := time.Now().Add(5 * time.Second); !copied && time.Now().Before(end); {
			other := sched.Async(func() any { return nil })
			clear(buf)
			_, err := f.ReadAt(buf, 8192)
			if err != nil || !bytes.Equal(buf, data[8192:8192+4096]) {
				t.Errorf("ReadAt with another ready: %v, right bytes %v", err, bytes.Equal(buf, data[8192:8192+4096]))
				return
			}
			copied = len(l.jobs) > 0 && l.jobs[len(l.jobs)-1].state.Load() == jobDone // the job, recycled
			other.Join()
		}
		if !copied {
			t.Error("no read made with another coroutine ready went to the copier in 5 s")
		}
	})
	if n := busyLoops.Load(); n != busy {
		t.Errorf("busy loops after the scheduler ended: %d, want %d", n, busy)
	}
	for end := time.Now().Add(5 * time.Second); runtime.NumGoroutine() > goroutines; time.Sleep(time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("%d goroutines 5 s after the scheduler ended, %d before it ran: the copier's lives on", runtime.NumGoroutine(), goroutines)
		}
	}
}

// A coroutine cancelled while the copier makes its read does not unwind
// until the copy is done: the copier writes into its buffer until then.
// Meanwhile the scheduler has nothing else to run, and must wait for the
// copier rather than report a deadlock. Here the copier takes the job at
// once and makes the read 20 ms later, after the cancel.
func TestCopierCancelWaitsForTheCopy(t *testing.T) {
	name, data := cachedFile(t, 8192)
	var got []byte
	withOpenFile(t, name, func(f *File, l *loop) {
		k := stubCopier(l)
		taken := make(chan *copyJob, 1)
		go func() {
			for k.next.Load() == nil {
				time.Sleep(time.Millisecond)
			}
			j := k.next.Swap(nil)
			taken <- j
			time.Sleep(20 * time.Millisecond) // the cancelled coroutine sleeps meanwhile
			k.copy(j)
		}()
		reader := sched.Async(func() any {
			buf := make([]byte, 4096)
			defer func() { got = buf }()
			f.ReadAt(buf, 4096)
			t.Error("ReadAt returned to a cancelled coroutine")
			return nil
		})
		sched.Cede() // the reader hands its read over, and cedes back
		<-taken
		reader.Cancel(nil) // which unwinds the reader at once, waiting for the copy
	})
	if !bytes.Equal(got, data[4096:]) {
		t.Error("the cancelled reader unwound before the copy was done")
	}
}

// A read handed over that the copier has not taken when nothing else is
// left to run (the copier has no P, say) is taken back and made at once.
func TestCopierReadTakenBack(t *testing.T) {
	name, data := cachedFile(t, 8192)
	withOpenFile(t, name, func(f *File, l *loop) {
		k := stubCopier(l) // which takes nothing
		reader := sched.Async(func() any {
			buf := make([]byte, 4096)
			if _, err := f.ReadAt(buf, 4096); err != nil || !bytes.Equal(buf, data[4096:]) {
				t.Errorf("ReadAt: %v, right bytes %v", err, bytes.Equal(buf, data[4096:]))
			}
			return nil
		})
		sched.Cede() // the reader hands its read over, and cedes back
		if k.next.Load() == nil {
			t.Error("the read was not handed over")
		}
		reader.Join() // nothing else to run: the reader takes its read back (else it sleeps for good, and the test times out)
		if k.next.Load() != nil {
			t.Error("the read is still handed over")
		}
	})
}

// The copier lives on through jobs taken back as it was about to take
// them: each round hands a job over and at once tries to take it back,
// racing the copier's take. (Found in review: a take-back between the
// copier's look at the job and its swap ended the copier's goroutine.)
func TestCopierSurvivesTakeBacks(t *testing.T) {
	name, data := cachedFile(t, 8192)
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	k := &copier{handBack: func(*copyJob) { t.Error("a job handed back, whose coroutine never slept") }}
	ended := make(chan struct{})
	go func() { k.run(); close(ended) }()
	defer func() { k.close(); <-ended }()
	buf := make([]byte, 8)
	takenBack := 0
	for i := range 20_000 {
		select {
		case <-ended:
			t.Fatalf("round %d: the copier's goroutine ended, not closed", i)
		default:
		}
		j := &copyJob{fd: int(f.Fd()), p: buf, off: int64(i % 8000)}
		for !k.give(j) {
			runtime.Gosched() // the copier is still waking
		}
		if k.next.CompareAndSwap(j, nil) {
			takenBack++
			continue
		}
		for j.state.Load() != jobDone {
			runtime.Gosched() // the copier has it
		}
		if j.n != 8 || !bytes.Equal(buf, data[i%8000:i%8000+8]) {
			t.Fatalf("round %d: copied %d bytes, %v", i, j.n, j.errno)
		}
	}
	t.Logf("%d of 20000 jobs taken back", takenBack)
}

// stubCopier gives l a copier with no goroutine, which the test drives.
func stubCopier(l *loop) *copier {
	l.copier = &copier{handBack: l.copiedBack}
	l.copier.running.Store(true)
	return l.copier
}

// The copier writes into buffers that only its job and a suspended
// coroutine refer to, whatever the GC does meanwhile: many coroutines
// read into fresh buffers at GOGC=1 with forced collections and heap
// churn, some are cancelled mid-read, and every read that completes is
// checked byte for byte.
func TestCopierGCTorture(t *testing.T) {
	name, data := cachedFile(t, 1<<20)
	defer debug.SetGCPercent(debug.SetGCPercent(1))
	defer churn.Start()()
	withOpenFile(t, name, func(f *File, l *loop) {
		var readers []*sched.Coro
		for i := range 200 {
			readers = append(readers, sched.Async(func() any {
				rng := rand.New(rand.NewPCG(uint64(i), 7))
				for round := range 50 {
					off, n := rng.IntN(len(data)-8192), 1+rng.IntN(8192)
					buf := make([]byte, n) // only the job and this stack refer to it
					if _, err := f.ReadAt(buf, int64(off)); err != nil {
						return err
					}
					if round%10 == 0 {
						runtime.GC()
					}
					if !bytes.Equal(buf, data[off:off+n]) {
						t.Errorf("reader %d round %d: wrong bytes", i, round)
					}
				}
				return nil
			}))
		}
		JoinCancellingSome(t, readers)
		if l.copier == nil {
			t.Error("no read went to the copier")
		}
	})
}

// withOpenFile runs test in a new scheduler with name open to read, and
// l its loop.
func withOpenFile(t *testing.T, name string, test func(f *File, l *loop)) {
	t.Helper()
	err := sched.Run(func() {
		f, err := Open(name)
		if err != nil {
			t.Error(err) // not Fatal: this is a coroutine
			return
		}
		defer f.Close()
		_, l, err := running()
		if err != nil {
			t.Error(err)
			return
		}
		test(f, l)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Nothing readies a coroutine whose read the copier made once the read
// has returned: the copier's wake-up of a coroutine that sleeps comes
// through the scheduler, with the job's end, so that a resume for another
// reason meanwhile cannot leave it to land later. Here a Schedule after
// the read must end only by the Ready meant for it. (Found in review: a
// Wake from the copier landed there in about one of 30,000 reads.)
func TestCopierWakesNoOneElse(t *testing.T) {
	name, _ := cachedFile(t, 64<<10)
	withOpenFile(t, name, func(f *File, l *loop) {
		me := sched.Current()
		other := sched.Async(func() any {
			for {
				sched.Schedule() // ready before each read, so that it is handed over
			}
		})
		defer other.Cancel(nil)
		buf := make([]byte, 2048)
		for i := range 100_000 {
			other.Ready()
			f.ReadAt(buf, 0)
			readied := false
			sched.Async(func() any { sched.Sleep(0); readied = true; me.Ready(); return nil })
			sched.Schedule()
			if !readied {
				t.Errorf("read %d: a Schedule after it returned before the Ready meant for it", i)
				return
			}
		}
	})
}

// A loop that sched.SetPoller replaces is closed then: it no longer
// counts as busy, its copier's goroutine ends, and the requests made
// after go through the new loop.
func TestReplacedLoopIsClosed(t *testing.T) {
	goroutines, busy := runtime.NumGoroutine(), busyLoops.Load()
	err := sched.Run(func() {
		if err := Nop(); err != nil {
			t.Error(err)
			return
		}
		s := sched.Current().Scheduler()
		old := loopOf(s)
		old.copier = newCopier(old.copiedBack)
		replacement := newLoop()
		be, err := onlyPool("the test's")
		if err != nil {
			t.Fatal(err)
		}
		replacement.setBackend(be)
		s.SetPoller(replacement)
		if !old.closed || busyLoops.Load() != busy {
			t.Errorf("replaced loop: closed %v, busy loops %d; want true, %d", old.closed, busyLoops.Load(), busy)
		}
		if err := Nop(); err != nil || loopOf(s) != replacement || busyLoops.Load() != busy+1 {
			t.Errorf("a request after: %v, through the new loop %v, busy loops %d; want nil, true, %d", err, loopOf(s) == replacement, busyLoops.Load(), busy+1)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	for end := time.Now().Add(5 * time.Second); runtime.NumGoroutine() > goroutines; time.Sleep(time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("%d goroutines 5 s after the scheduler ended, %d before it ran: the replaced loop's copier lives on", runtime.NumGoroutine(), goroutines)
		}
	}
}
