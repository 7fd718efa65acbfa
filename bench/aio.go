package bench

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/corogo/coro/aio"
	"github.com/corogo/coro/sched"
)

// The file cases: package aio's requests from many coroutines on one
// goroutine against package os's blocking calls from as many goroutines.
// Besides ns/op they report "threads", the OS threads that appeared in the
// process during the run (threadWatch).

// BigFileSize is the size of the file the random-read cases read, made
// once per process and read from the page cache. Tests make it small.
var BigFileSize int64 = 1 << 30

// SmallFiles is how many files the open+fstat+close cases work through.
var SmallFiles = 10_000

const (
	readers   = 1000 // coroutines or goroutines reading the big file
	blockSize = 4096
	openers   = 100 // coroutines or goroutines opening the small files
)

// AIORandomReads: 1,000 coroutines each read 4 KiB blocks at random
// offsets of the big file with aio's File.ReadAt; one op is one read.
func AIORandomReads(b *testing.B) { aioRandomReads(b, "", 1) }

// AIORandomReadsPool is AIORandomReads with CORO_AIO=pool: the thread
// pool makes the reads instead of io_uring.
func AIORandomReadsPool(b *testing.B) { aioRandomReads(b, "pool", 1) }

// AIORandomReadsPerCore is AIORandomReads with the 1,000 coroutines split
// over one scheduler per core (GOMAXPROCS): a scheduler runs its
// coroutines on one thread, so this is how coroutines use every core.
func AIORandomReadsPerCore(b *testing.B) { aioRandomReads(b, "", perCore()) }

// perCore is the number of schedulers or hosts of the per-core cases: one
// per core (GOMAXPROCS), but no more than openers, the fewest coroutines
// any of them splits, so that each gets some.
func perCore() int { return min(runtime.GOMAXPROCS(0), openers) }

func aioRandomReads(b *testing.B, backend string, schedulers int) {
	name := bigFile(b)
	threads := watchThreads()
	readsOf := readerShares(b.N, schedulers)
	b.ResetTimer()
	onSchedulers(b, schedulers, backend, func(k int) {
		f, err := aio.Open(name)
		if err != nil {
			b.Error(err) // not Fatal: this is a coroutine
			return
		}
		defer f.Close()
		var cs []*sched.Coro
		for i, n := range readsOf[k] {
			cs = append(cs, sched.Async(func() any { return readBlocks(f, k*readers+i, n) }))
		}
		joinAll(b, cs)
		threads.sampleCPU() // while the scheduler's threads (pool, copier) live
	})
	b.StopTimer()
	threads.report(b, b.N)
}

// onSchedulers runs main on n new schedulers at once, each on a goroutine
// of its own, with the requests of each going through backend (as for
// schedulerFor); k numbers them from 0. It returns when all have ended.
func onSchedulers(b *testing.B, n int, backend string, main func(k int)) {
	var wg sync.WaitGroup
	for k := range n {
		s := schedulerFor(b, backend)
		wg.Go(func() {
			if err := s.Run(func() { main(k) }); err != nil {
				b.Error(err) // not Fatal: not the benchmark's goroutine
			}
		})
	}
	wg.Wait()
}

// waitAll is joinAll for goroutines: it waits for wg, reports the errors
// they sent on errs, and stops the timer.
func waitAll(b *testing.B, wg *sync.WaitGroup, errs chan error) {
	wg.Wait()
	b.StopTimer()
	close(errs)
	for err := range errs {
		b.Error(err)
	}
}

// joinAll waits for every coroutine of cs and reports the errors they
// returned.
func joinAll(b *testing.B, cs []*sched.Coro) {
	for _, c := range cs {
		if v, _ := c.Join(); v != nil {
			b.Error(v)
		}
	}
}

// schedulerFor returns a new scheduler whose requests use backend: "pool"
// for the thread pool, "" for the default.
func schedulerFor(b *testing.B, backend string) *sched.Scheduler {
	s := sched.New()
	if backend == "pool" {
		if err := aio.UsePool(s); err != nil {
			b.Fatal(err)
		}
	}
	return s
}

// OSRandomReads: 1,000 goroutines each read 4 KiB blocks at random
// offsets of the big file with os.File.ReadAt; one op is one read.
func OSRandomReads(b *testing.B) {
	name := bigFile(b)
	threads := watchThreads()
	f, err := os.Open(name)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	b.ResetTimer()
	var wg sync.WaitGroup
	errs := make(chan error, readers)
	for i, n := range split(b.N, readers) {
		wg.Go(func() {
			if err := readBlocks(f, i, n); err != nil {
				errs <- err
			}
		})
	}
	waitAll(b, &wg, errs)
	threads.report(b, b.N)
}

// BareNowaitReads makes AIORandomReadsPerCore's reads on a thread per
// core, each thread its scheduler's readers', with bare preadv2
// RWF_NOWAIT system calls, as aio reads cached data, and no scheduler or
// coroutine around them: the most a read that must not wait for the disk
// can do. One op is one read.
func BareNowaitReads(b *testing.B) { bareReads(b, true) }

// BarePreadReads is BareNowaitReads with bare pread64 calls, the one
// os.File.ReadAt makes, which may wait for the disk.
func BarePreadReads(b *testing.B) { bareReads(b, false) }

func bareReads(b *testing.B, nowait bool) {
	f, err := os.Open(bigFile(b))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	bare := bareFile{int(f.Fd()), nowait}
	if nowait {
		if err := bare.nowaitWorks(); err != nil {
			nowaitUnavailable = err.Error()
			b.Skip(nowaitUnavailable)
		}
	}
	threads := watchThreads()
	readsOf := readerShares(b.N, perCore())
	b.ResetTimer()
	var wg sync.WaitGroup
	errs := make(chan error, readers)
	for k := range perCore() {
		wg.Go(func() {
			runtime.LockOSThread()         // one thread each, as a scheduler's
			defer runtime.UnlockOSThread() // else the thread ends with the goroutine, and its CPU time leaves the count
			// The readers of a scheduler per core, one after another, as
			// its coroutines run when no read yields.
			for i, n := range readsOf[k] {
				if err := readBlocks(bare, k*readers+i, n); err != nil {
					errs <- err
				}
			}
		})
	}
	waitAll(b, &wg, errs)
	threads.report(b, b.N)
}

// bareFile reads a file with one raw system call a read: preadv2 with
// RWF_NOWAIT, or pread64 (nowait false). The big file's blocks are
// cached; a preadv2 that refuses one all the same (EAGAIN: a block read
// ahead, whose flag asks for more to be read, as after the sequential
// cases) is made again with pread64, as aio makes it with a request.
type bareFile struct {
	fd     int
	nowait bool
}

func (f bareFile) ReadAt(p []byte, off int64) (int, error) {
	if f.nowait {
		r, errno := f.preadv2(p, off)
		if errno != unix.EAGAIN {
			return bareResult(r, off, errno)
		}
	}
	r, _, errno := unix.RawSyscall6(unix.SYS_PREAD64, uintptr(f.fd), uintptr(unsafe.Pointer(&p[0])), uintptr(len(p)), uintptr(off), 0, 0)
	return bareResult(r, off, errno)
}

// preadv2 is one preadv2 RWF_NOWAIT call.
func (f bareFile) preadv2(p []byte, off int64) (uintptr, syscall.Errno) {
	iov := unix.Iovec{Base: &p[0]}
	iov.SetLen(len(p))
	r, _, errno := unix.RawSyscall6(unix.SYS_PREADV2, uintptr(f.fd), uintptr(unsafe.Pointer(&iov)), 1, uintptr(off), 0, unix.RWF_NOWAIT)
	return r, errno
}

// nowaitUnavailable is why the bare preadv2 row was skipped, once it has
// been: the call is refused here (by tmpfs, or by qemu-user).
var nowaitUnavailable string

// nowaitWorks makes one preadv2 RWF_NOWAIT read of the file's first block
// and returns its error, unless it is EAGAIN (not cached: ReadAt reads on
// with pread64).
func (f bareFile) nowaitWorks() error {
	_, errno := f.preadv2(make([]byte, blockSize), 0)
	if errno != 0 && errno != unix.EAGAIN {
		return fmt.Errorf("preadv2 RWF_NOWAIT: %w", errno)
	}
	return nil
}

// bareResult is ReadAt's result of a raw call's.
func bareResult(r uintptr, off int64, errno syscall.Errno) (int, error) {
	if errno != 0 {
		return 0, fmt.Errorf("bare read at %d: %w", off, errno)
	}
	return int(r), nil
}

// readBlocks makes reader i's n reads, each checked by the block number
// that starts every block of the big file.
func readBlocks(f interface {
	ReadAt([]byte, int64) (int, error)
}, i, n int) error {
	buf := make([]byte, blockSize)
	rng := rand.New(rand.NewPCG(uint64(i), uint64(n)))
	blocks := BigFileSize / blockSize
	for range n {
		block := rng.Int64N(blocks)
		if _, err := f.ReadAt(buf, block*blockSize); err != nil {
			return err
		}
		if got := binary.LittleEndian.Uint64(buf); got != uint64(block) {
			return fmt.Errorf("block %d starts with %d", block, got)
		}
	}
	return nil
}

// seqChunk is the size of the sequential cases' reads: io.Copy's.
const seqChunk = 32 << 10

// AIOSequentialRead: one coroutine reads the big file from its start to
// its end with aio's File.Read, and over again; one op is one read of
// seqChunk bytes, at the file's position.
func AIOSequentialRead(b *testing.B) {
	name := bigFile(b)
	b.ResetTimer()
	runSched(b, func() {
		f, err := aio.Open(name)
		if err != nil {
			b.Error(err) // not Fatal: this is a coroutine
			return
		}
		defer f.Close()
		if err := readOn(f, b.N); err != nil {
			b.Error(err)
		}
	})
}

// OSSequentialRead is AIOSequentialRead with os.File.Read.
func OSSequentialRead(b *testing.B) {
	f, err := os.Open(bigFile(b))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	b.ResetTimer()
	if err := readOn(f, b.N); err != nil {
		b.Fatal(err)
	}
}

// readOn makes n reads of seqChunk bytes at f's position, going back to
// the start at the end of the file.
func readOn(f io.ReadSeeker, n int) error {
	buf := make([]byte, seqChunk)
	for n > 0 {
		switch _, err := f.Read(buf); {
		case err == io.EOF:
			if _, err := f.Seek(0, io.SeekStart); err != nil {
				return err
			}
		case err != nil:
			return err
		default:
			n--
		}
	}
	return nil
}

// AIOOpenStatClose: 100 coroutines work through the small files, each
// opened, fstat'ed and closed with aio; one op is one file.
func AIOOpenStatClose(b *testing.B) { onWorkers(b, 1, openStatClose(b, aio.Open)) }

// AIOOpenStatClosePerCore is AIOOpenStatClose with the 100 coroutines
// split over one scheduler per core (GOMAXPROCS).
func AIOOpenStatClosePerCore(b *testing.B) { onWorkers(b, perCore(), openStatClose(b, aio.Open)) }

// OSOpenStatClose: 100 goroutines work through the small files, each
// opened, fstat'ed and closed with package os; one op is one file.
func OSOpenStatClose(b *testing.B) { onWorkers(b, 0, openStatClose(b, os.Open)) }

// openStatClose prepares the ops of the open+fstat+close cases, with the
// package's open: op i is the small file i (modulo their number).
func openStatClose[F interface {
	Stat() (fs.FileInfo, error)
	Close() error
}](b *testing.B, open func(string) (F, error)) prepareFunc {
	names := smallFiles(b)
	return func(string) (func(int) error, func() error, error) {
		return func(i int) error {
			f, err := open(names[i%len(names)])
			if err != nil {
				return err
			}
			_, err = f.Stat()
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			return err
		}, nil, nil
	}
}

// readerShares divides n reads among the readers, split over workers
// (schedulers, threads): reader i of worker k, seeded k*readers+i,
// makes readerShares(n, workers)[k][i] of them.
func readerShares(n, workers int) [][]int {
	shares, readersOf := split(n, workers), split(readers, workers)
	reads := make([][]int, workers)
	for k := range reads {
		reads[k] = split(shares[k], readersOf[k])
	}
	return reads
}

// split divides n ops among k workers.
func split(n, k int) []int {
	s := make([]int, k)
	for i := range s {
		s[i] = n / k
		if i < n%k {
			s[i]++
		}
	}
	return s
}

// threadWatch counts the OS threads of the process that appear while it
// runs: the Go runtime's, and the kernel's io_uring workers, which are
// threads of the process too. It samples /proc/self/task every
// millisecond and when told to. (The threadcreate profile and the Threads
// line of /proc/self/status count the threads alive, so a thread pool
// started and stopped during the run would not show.) It also counts the
// busy threads: those that ran for at least a tenth of the watch, new or
// not, and the CPU time the whole process used per op.
type threadWatch struct {
	mu       sync.Mutex
	before   map[string]bool
	seen     map[string]bool
	start    time.Time
	cpuStart map[string]time.Duration // each thread's CPU time when the watch began
	cpu      int64                    // the process's CPU time then (processCPU)
	lastCPU  map[string]time.Duration // each thread's CPU time at the last sampleCPU
	stop     chan struct{}
	done     chan struct{}
}

func watchThreads() *threadWatch {
	w := &threadWatch{before: tids(), seen: map[string]bool{}, stop: make(chan struct{}), done: make(chan struct{})}
	w.start, w.cpuStart, w.cpu = time.Now(), threadCPU(), processCPU()
	go func() {
		defer close(w.done)
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-w.stop:
				return
			case <-t.C:
				w.sample()
			}
		}
	}()
	return w
}

// sample records the threads alive now.
func (w *threadWatch) sample() {
	now := tids()
	w.mu.Lock()
	defer w.mu.Unlock()
	for tid := range now {
		if !w.before[tid] {
			w.seen[tid] = true
		}
	}
}

// sampleCPU is sample, which also records each thread's CPU time: a
// scheduler's pool workers and copier end with it, before report.
func (w *threadWatch) sampleCPU() {
	w.sample()
	cpu := threadCPU()
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.lastCPU == nil {
		w.lastCPU = map[string]time.Duration{}
	}
	for tid, t := range cpu {
		w.lastCPU[tid] = t
	}
}

// report stops the watch and reports the threads that appeared as the
// metric "threads", the busy ones as "busy-threads", and the process's
// CPU time, user and system, per op of the ops made as "cpu-ns": where
// one thread does the work of two, throughput halves at the same CPU cost.
func (w *threadWatch) report(b *testing.B, ops int) {
	b.ReportMetric(float64(processCPU()-w.cpu)/float64(ops), "cpu-ns")
	close(w.stop)
	<-w.done
	w.sample()
	b.ReportMetric(float64(len(w.seen)), "threads")
	wall, busy := time.Since(w.start), 0
	used := maps.Clone(w.lastCPU) // of the threads that have ended since
	if used == nil {
		used = map[string]time.Duration{}
	}
	maps.Copy(used, threadCPU())
	for tid, cpu := range used {
		if cpu-w.cpuStart[tid] >= wall/10 {
			busy++
		}
	}
	b.ReportMetric(float64(busy), "busy-threads")
}

// tids returns the ids of the process's threads.
func tids() map[string]bool {
	entries, _ := os.ReadDir("/proc/self/task")
	m := make(map[string]bool, len(entries))
	for _, e := range entries {
		m[e.Name()] = true
	}
	return m
}

// clockTick is the unit of the CPU times in /proc: USER_HZ, 100 a second
// on every Linux architecture Go supports.
const clockTick = 10 * time.Millisecond

// threadCPU returns the CPU time, user and system, each thread of the
// process has used, by thread id.
func threadCPU() map[string]time.Duration {
	m := map[string]time.Duration{}
	for tid := range tids() {
		stat, err := os.ReadFile("/proc/self/task/" + tid + "/stat")
		if err != nil {
			continue // ended since
		}
		// The name, field 2, is in parentheses and may hold spaces; utime
		// and stime are fields 14 and 15, the 12th and 13th after it.
		_, rest, _ := strings.Cut(string(stat), ") ")
		if f := strings.Fields(rest); len(f) > 12 {
			utime, _ := strconv.ParseInt(f[11], 10, 64)
			stime, _ := strconv.ParseInt(f[12], 10, 64)
			m[tid] = time.Duration(utime+stime) * clockTick
		}
	}
	return m
}

// The files live in os.TempDir() under names carrying the process id, so
// that processes running at once (go test ./...) have their own:
// coro-bench-PID-big-SIZE and the directory coro-bench-PID-small-N. A
// process removes those of processes that have ended, then its own at the
// end (Cleanup).

const filePrefix = "coro-bench-"

var (
	filesMu  sync.Mutex
	made     = map[string]error{} // path -> the error making it
	swept    bool
	ownFiles []string
)

// bigFile returns the name of a file of BigFileSize bytes, each 4 KiB
// block starting with its number, written fully so that it is in the
// page cache; it is made once per process and size.
func bigFile(b *testing.B) string {
	name := filepath.Join(os.TempDir(), fmt.Sprintf("%s%d-big-%d", filePrefix, os.Getpid(), BigFileSize))
	makeOnce(b, name, func() error {
		f, err := os.Create(name)
		if err != nil {
			return err
		}
		chunk := make([]byte, 1<<20)
		for i := range chunk {
			chunk[i] = byte(i*7 + 1)
		}
		for off := int64(0); off < BigFileSize; off += int64(len(chunk)) {
			c := chunk[:min(int64(len(chunk)), BigFileSize-off)]
			for blk := int64(0); blk < int64(len(c)); blk += blockSize {
				binary.LittleEndian.PutUint64(c[blk:], uint64((off+blk)/blockSize))
			}
			if _, err := f.Write(c); err != nil {
				f.Close()
				return err
			}
		}
		// Written back now, so that the kernel's writeback does not run
		// during the measurement; the pages stay cached.
		if err := f.Sync(); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	})
	return name
}

// smallFiles returns the names of SmallFiles files of 100 bytes each,
// made once per process and count.
func smallFiles(b *testing.B) []string {
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("%s%d-small-%d", filePrefix, os.Getpid(), SmallFiles))
	names := make([]string, SmallFiles)
	for i := range names {
		names[i] = filepath.Join(dir, strconv.Itoa(i))
	}
	makeOnce(b, dir, func() error {
		if err := os.Mkdir(dir, 0o755); err != nil {
			return err
		}
		data := make([]byte, 100)
		for _, name := range names {
			if err := os.WriteFile(name, data, 0o644); err != nil {
				return err
			}
		}
		return nil
	})
	return names
}

// makeOnce runs mk to make path, unless this process has already made it,
// after removing what ended processes left.
func makeOnce(b *testing.B, path string, mk func() error) {
	filesMu.Lock()
	defer filesMu.Unlock()
	if !swept {
		swept = true
		sweep()
	}
	err, ok := made[path]
	if !ok {
		os.RemoveAll(path) // a process with this id that is gone
		ownFiles = append(ownFiles, path)
		err = mk()
		made[path] = err
	}
	if err != nil {
		b.Fatalf("making %s: %v", path, err)
	}
}

// sweep removes the files of benchmark processes that have ended.
func sweep() {
	entries, _ := os.ReadDir(os.TempDir())
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), filePrefix)
		if !ok {
			continue
		}
		pid, err := strconv.Atoi(strings.SplitN(rest, "-", 2)[0])
		if err != nil || pid == os.Getpid() {
			continue
		}
		if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
			os.RemoveAll(filepath.Join(os.TempDir(), e.Name()))
		}
	}
}

// AIOBackend names the backend package aio chooses for a scheduler, and
// why (aio.Backend).
func AIOBackend() (be string) {
	if err := sched.Run(func() { be = aio.Backend() }); err != nil {
		return err.Error()
	}
	return be
}

// Cleanup removes the files this process made for the file cases. The
// programs that run them call it before they exit.
func Cleanup() {
	filesMu.Lock()
	defer filesMu.Unlock()
	for _, path := range ownFiles {
		os.RemoveAll(path)
	}
	ownFiles, made = nil, map[string]error{}
}
