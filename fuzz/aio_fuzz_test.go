package fuzz

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
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

// FuzzAIO decodes its input into a random sequence of file requests for
// one to four files and runs it twice, once per aio backend (io_uring, or
// the thread pool with CORO_AIO=pool). Each file has its own coroutine, so
// the requests of several files are in flight at once; the coroutine makes
// every request on an aio.File and the same operation on an os.File of its
// own (or, for what os.File lacks, the same system call on its
// descriptor), and every result must agree: the count, the error's kind
// (nil, exactly io.EOF, the *fs.PathError's Op, the fs.Err* and errno it
// matches), the bytes read, the file position after the operation, Stat's
// size, mode and name; at the end, the files' contents.
//
// Besides the plain requests, a program reopens files with O_DIRECT and
// reads and writes them with aligned (and sometimes misaligned) buffers,
// sizes and offsets (Aligned); copies into a file with Sendfile, from a
// source all the file coroutines share or from the file itself; drops
// parts of a file from the page cache (Evict), so that reads mix cached
// and uncached pages; runs several coroutines on one File at once
// (Concurrent), with checks that hold whatever order they take; and sends
// bytes through FIFOs from writer to reader coroutines (Fifo).
func FuzzAIO(f *testing.F) {
	// One file: Write, Seek, Read, ReadAt past the end, Stat, Truncate, Read at EOF.
	f.Add([]byte{0, 0x08, 100, 0x10, 0, 0, 0, 0x0c, 50, 0x04, 200, 0x03, 0xe8, 0x15, 0x12, 0x01, 0xf4, 0x0c, 10})
	// Four files at once: writes, reads, Stat, Sync.
	f.Add([]byte{3, 0x00, 200, 0x00, 0x10, 0x21, 100, 0x10, 0x00, 0x48, 150, 0x68, 150,
		0x04, 200, 0x00, 0x00, 0x24, 100, 0x00, 0x00, 0x55, 0x75, 0x14, 0})
	// Reopen with O_APPEND, WriteAt (refused), WriteV, ReadV; read-only, Write
	// (EBADF); O_EXCL (EEXIST, stays closed), ReadAt on the closed file; reopen.
	f.Add([]byte{0, 0x08, 100, 0x1d, 3, 0x00, 10, 0x00, 0x00, 0x19, 2, 40, 80, 0x00, 0x10,
		0x17, 3, 10, 20, 30, 0x00, 0x00, 0x1d, 1, 0x08, 5, 0x1d, 6, 0x04, 10, 0, 0, 0x1d, 0})
	// Priorities, Allocate, punching a hole, SEEK_DATA and SEEK_HOLE; huge and
	// invalid offsets and whence; Close, then Read on the closed file.
	f.Add([]byte{1, 0x1f, 0, 0x1b, 0, 0x00, 0x00, 100, 0x1b, 2, 0x00, 0x10, 20, 0x10, 0x00, 0x00, 3,
		0x10, 0x00, 0x00, 4, 0x3f, 7, 0x20, 10, 0xc0, 0x03, 0x24, 10, 0xc0, 0x02, 0x32, 0xc0, 0x02,
		0x30, 0xff, 0xf0, 5, 0x3d, 250, 0x2c, 10})
	// Reopen O_RDWR|O_DIRECT; aligned WriteAt, ReadAt (one 512 bytes off the
	// page, one at an odd address: EINVAL), Write at a sought offset;
	// an unaligned WriteAt (EINVAL); Read at an aligned position; Stat.
	f.Add([]byte{0, 0x1d, 7, 0x03, 0x01, 8, 2, 0x03, 0x08, 8, 2, 0x03, 0x0c, 4, 0,
		0x03, 0x03, 4, 20, 0x00, 100, 0x00, 0x03, 0x0f, 0x02, 8, 2, 0x15})
	// Sendfile from the shared source, from it opened with O_DIRECT and
	// from the file itself, and on a second file at once; Evict a range,
	// then a ReadAt across it; Evict all, then Reads at the position of
	// uncached data, and of data partly cached; Evict all of the second
	// file, then a ReadAt.
	f.Add([]byte{1, 0x0b, 0, 0x00, 0x00, 250, 0x0b, 1, 0x00, 0x40, 100, 0x0b, 2, 0x00, 0x10, 50,
		0x2b, 0, 0x01, 0x00, 250, 0x07, 0x20, 0x00, 241, 0x04, 247, 0x00, 0x00, 0x07, 0x00, 0x00, 0,
		0x10, 0x00, 0x00, 0, 0x0c, 240, 0x07, 0x30, 0x00, 241, 0x0c, 247,
		0x27, 0x00, 0x00, 0, 0x24, 245, 0x00, 0x00})
	// Writes, then Concurrent: 3 WriteAt, 3 ReadAt and 3 Writes at the
	// position, reads below what they write, then above; 3 WriteAt, 3
	// ReadAt and 3 Reads at the position below, then above.
	f.Add([]byte{0, 0x08, 200, 0x08, 200, 0x13, 0xff, 50, 0x80, 20, 10, 0, 0x13, 0x7f, 100, 2, 30, 0, 0,
		0x13, 0xbf, 100, 100, 20, 3, 0, 0x13, 0x3f, 245, 4, 1, 1, 0, 0x15})
	// Concurrent with a Close while the calls are in flight: Reads at the
	// position, then Writes; reopened; a Close before any runs.
	f.Add([]byte{0, 0x08, 200, 0x08, 200, 0x13, 0xbf, 100, 100, 20, 3, 7, 0x1d, 0,
		0x13, 0xff, 50, 0x80, 20, 10, 7, 0x1d, 0, 0x13, 0x7f, 100, 2, 30, 0, 6, 0x15})
	// Fifo: one writer (the op's coroutine reads), probes; on a second file
	// at once two writers sharing the File (the op's coroutine writes), with
	// Writes past the pipe's 64 KiB; then one writer whose second Write is
	// a Sendfile of more than the pipe holds.
	f.Add([]byte{1, 0x16, 0x06, 1, 1, 250, 54, 0x36, 0x01, 2, 245, 10, 0, 1, 100, 250, 20,
		0x16, 0x0a, 2, 100, 250, 20, 245})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 400 {
			data = data[:400] // some 130 operations
		}
		p := decodeProgram(data)
		for _, backend := range []string{"", "pool"} {
			if err := runAIOProgram(t.TempDir(), backend, p); err != nil {
				t.Fatalf("CORO_AIO=%q: %v\nprogram:\n%s", backend, err, p)
			}
		}
	})
}

// TestAIORandomPrograms runs FuzzAIO's checks on fixed pseudo-random
// programs, so that plain go test covers more than the seed corpus. Most
// run on tmpfs when there is one (/dev/shm): on a disk file system the
// fsyncs, truncations and allocations of a few hundred programs take
// seconds. The first few run in TMPDIR, as the fuzzer's do, and so does
// a third of those that open with O_DIRECT or Evict (wantsDisk).
func TestAIORandomPrograms(t *testing.T) {
	n := 250
	if testing.Short() {
		n = 50
	}
	shm, err := os.MkdirTemp("/dev/shm", "coro-aio-fuzz-")
	if err != nil {
		shm = "" // no tmpfs: all in TMPDIR
	} else {
		defer os.RemoveAll(shm)
	}
	r := rand.New(rand.NewPCG(3, 4))
	for i := range n {
		data := make([]byte, 1+r.IntN(160))
		for j := range data {
			data[j] = byte(r.Uint32())
		}
		p := decodeProgram(data)
		for _, backend := range []string{"", "pool"} {
			var dir string
			disk := i < 20 || i%3 == 0 && p.wantsDisk()
			if shm == "" || disk {
				dir = t.TempDir()
			} else if dir, err = os.MkdirTemp(shm, ""); err != nil {
				t.Fatal(err)
			}
			if err := runAIOProgram(dir, backend, p); err != nil {
				t.Fatalf("program %d %v, CORO_AIO=%q: %v\nprogram:\n%s", i, data, backend, err, p)
			}
			if shm != "" && !disk {
				os.RemoveAll(dir)
			}
		}
	}
}

// ---- programs ----

type fcode uint8

const (
	fWriteAt fcode = iota
	fReadAt
	fWrite
	fRead
	fSeek
	fTruncate
	fSync // Sync or Datasync
	fStat
	fReadV
	fWriteV
	fAllocate
	fReopen  // close, then open again with other flags
	fClose   // close and stay closed until a reopen
	fSetPrio // the coroutine's priority, which its requests' I/O priority follows
	// fAligned is decoded as a WriteAt, ReadAt, Write or Read (after a Seek)
	// with sizes, offsets and buffer addresses that O_DIRECT takes, or
	// that miss its alignment by a little.
	fAligned
	fSendfile   // from the shared source, plain or O_DIRECT, or from the file itself
	fEvict      // Sync, then drop a range from the page cache (FADV_DONTNEED)
	fConcurrent // coroutines at once on the File: WriteAt, ReadAt, Read or Write
	fFifo       // a FIFO next to the file: writer and reader coroutines
)

var fcodeNames = [...]string{"WriteAt", "ReadAt", "Write", "Read", "Seek", "Truncate", "Sync", "Stat",
	"ReadV", "WriteV", "Allocate", "Reopen", "Close", "SetPrio", "Aligned", "Sendfile", "Evict",
	"Concurrent", "Fifo"}

// fcodeOf weights the operations: the low five bits of an op byte index
// it, the high three choose the file.
var fcodeOf = [32]fcode{
	fWriteAt, fWriteAt, fWriteAt, fAligned, fReadAt, fReadAt, fReadAt, fEvict,
	fWrite, fWrite, fWrite, fSendfile, fRead, fRead, fRead, fAligned,
	fSeek, fSeek, fTruncate, fConcurrent, fSync, fStat, fFifo, fReadV,
	fReadV, fWriteV, fWriteV, fAllocate, fAllocate, fReopen, fReopen, fSetPrio,
}

// reopenFlags are the flags a Reopen uses; the file always exists then,
// so the O_EXCL one fails with EEXIST and leaves the file closed. Where
// the file system has no O_DIRECT, both opens fail with EINVAL.
var reopenFlags = [...]int{os.O_RDWR, os.O_RDONLY, os.O_WRONLY, os.O_RDWR | os.O_APPEND,
	os.O_WRONLY | os.O_APPEND, os.O_RDWR | os.O_TRUNC, os.O_RDWR | os.O_CREATE | os.O_EXCL,
	os.O_RDWR | unix.O_DIRECT, os.O_RDONLY | unix.O_DIRECT, os.O_WRONLY | unix.O_DIRECT,
	os.O_RDWR | os.O_APPEND | unix.O_DIRECT}

// Sendfile's sources.
const (
	srcPlain  = iota // the shared source file
	srcDirect        // the shared source opened with O_DIRECT
	srcSelf          // the file itself
)

var srcNames = [...]string{"src", "src O_DIRECT", "self"}

// alignedSkews are where an Aligned op's buffer starts past a 4 KiB
// boundary: ext4 takes 512-byte alignment for O_DIRECT, not 8.
var alignedSkews = [...]int{0, 0, 512, 8}

var allocModes = [...]uint32{0, unix.FALLOC_FL_KEEP_SIZE, unix.FALLOC_FL_PUNCH_HOLE | unix.FALLOC_FL_KEEP_SIZE,
	unix.FALLOC_FL_ZERO_RANGE, unix.FALLOC_FL_PUNCH_HOLE}

type fop struct {
	code   fcode
	n      int   // buffer length; SetPrio's priority
	lens   []int // ReadV, WriteV
	off    int64 // offset, size, or Seek's offset
	whence int
	mode   uint32 // Allocate's mode; Sync: 1 for Datasync
	flags  int    // Reopen's flags
	seed   int    // the bytes a write writes
	skew   int    // where the buffers start past a 4 KiB boundary
	seek   bool   // Read, Write: Seek(off, 0) first (Aligned)
	src    int    // Sendfile's source
	conc   *concPlan
	fifo   *fifoPlan
}

func (o fop) String() string {
	skew := ""
	if o.skew != 0 {
		skew = fmt.Sprintf(", buffer at 4 KiB + %d", o.skew)
	}
	switch o.code {
	case fWriteAt, fReadAt:
		return fmt.Sprintf("%s(%d bytes, %d%s)", fcodeNames[o.code], o.n, o.off, skew)
	case fWrite, fRead:
		if o.seek {
			return fmt.Sprintf("%s(%d bytes at Seek %d%s)", fcodeNames[o.code], o.n, o.off, skew)
		}
		return fmt.Sprintf("%s(%d bytes)", fcodeNames[o.code], o.n)
	case fSendfile:
		return fmt.Sprintf("Sendfile(%s, %d, %d)", srcNames[o.src], o.off, o.n)
	case fEvict:
		return fmt.Sprintf("Evict(%d, %d)", o.off, o.n)
	case fConcurrent:
		return "Concurrent" + o.conc.String()
	case fFifo:
		return "Fifo" + o.fifo.String()
	case fSeek:
		return fmt.Sprintf("Seek(%d, %d)", o.off, o.whence)
	case fTruncate:
		return fmt.Sprintf("Truncate(%d)", o.off)
	case fSync:
		if o.mode == 1 {
			return "Datasync"
		}
		return "Sync"
	case fReadV, fWriteV:
		return fmt.Sprintf("%s(%v, %d)", fcodeNames[o.code], o.lens, o.off)
	case fAllocate:
		return fmt.Sprintf("Allocate(%#x, %d, %d)", o.mode, o.off, o.n)
	case fReopen:
		return fmt.Sprintf("Reopen(%#o)", o.flags)
	case fSetPrio:
		return fmt.Sprintf("SetPrio(%d)", o.n)
	}
	return fcodeNames[o.code]
}

type program struct {
	ops [][]fop // per file, each run by its own coroutine
}

func (p *program) String() string {
	var b strings.Builder
	for k, ops := range p.ops {
		fmt.Fprintf(&b, "  file %d:", k)
		for _, o := range ops {
			fmt.Fprintf(&b, " %s;", o)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// wantsDisk reports whether p has ops that mean more on a disk file
// system than on tmpfs: opens with O_DIRECT, whose alignment rules tmpfs
// lacks, and Evict, which cannot drop tmpfs's pages.
func (p *program) wantsDisk() bool {
	for _, ops := range p.ops {
		for _, o := range ops {
			if o.code == fEvict || o.code == fReopen && o.flags&unix.O_DIRECT != 0 {
				return true
			}
		}
	}
	return false
}

// decoder reads bytes, and zeros once the input is used up.
type decoder struct {
	data []byte
	i    int
}

func (d *decoder) byte() byte {
	if d.i >= len(d.data) {
		return 0
	}
	d.i++
	return d.data[d.i-1]
}

// length is a buffer length: mostly up to 4 KiB, sometimes up to 128 KiB.
func (d *decoder) length() int {
	b := int(d.byte())
	if b < 240 {
		return b * 20
	}
	return (b - 239) * 8192
}

// offset is mostly in the first 16 KiB, sometimes up to 1 MiB, negative
// or huge. For writes, huge is exactly math.MaxInt64, where every write
// and allocation overflows and fails: one that succeeded near tmpfs's
// limit (math.MaxInt64) would leave a file of exabytes, and there io_uring
// and write(2) fail with different errnos (EFBIG, EINVAL), a difference of
// the kernel's, not aio's.
func (d *decoder) offset(write bool) int64 {
	u := int64(d.byte())<<8 | int64(d.byte())
	if u>>14 != 3 {
		return u & 0x3fff
	}
	switch u & 7 {
	case 0:
		return -1
	case 1:
		return -4096
	case 2, 3:
		if write {
			return math.MaxInt64
		}
		if u&7 == 2 {
			return 1<<62 + (u>>3)&0xff
		}
		return math.MaxInt64 - (u>>3)&0xff
	}
	return (u >> 3 & 0xff) * 4096
}

// blocks is an O_DIRECT size: mostly up to 24 KiB in 512-byte blocks,
// sometimes up to 128 KiB in 4 KiB pages.
func (d *decoder) blocks() int {
	b := int(d.byte())
	if b < 208 {
		return b % 49 * 512
	}
	return (b - 207) * 4096
}

// blockOffset is an O_DIRECT offset: mostly in the first 32 KiB in
// 512-byte blocks, sometimes up to 1 MiB in 16 KiB steps.
func (d *decoder) blockOffset() int64 {
	b := int64(d.byte())
	if b < 192 {
		return b % 64 * 512
	}
	return (b - 191) * 16384
}

func decodeProgram(data []byte) *program {
	d := &decoder{data: data}
	files := 1 + int(d.byte()%4)
	p := &program{ops: make([][]fop, files)}
	for step := 0; d.i < len(d.data); step++ {
		b := d.byte()
		o := fop{code: fcodeOf[b&31], seed: step}
		who := int(b>>5) % files
		switch o.code {
		case fWriteAt, fReadAt:
			o.n, o.off = d.length(), d.offset(o.code == fWriteAt)
		case fWrite, fRead:
			o.n = d.length()
		case fSeek:
			o.off = int64(int16(uint16(d.byte())<<8 | uint16(d.byte())))
			o.whence = int(d.byte() % 6) // 3 and 4 are SEEK_DATA and SEEK_HOLE, 5 is invalid
		case fTruncate:
			if o.off = d.offset(true); o.off == math.MaxInt64 {
				o.off = 1 << 62 // EFBIG on ext4, a sparse file elsewhere
			}
		case fSync:
			o.mode = uint32(d.byte() & 1)
		case fReadV, fWriteV:
			for range d.byte() % 5 {
				o.lens = append(o.lens, d.length()/4)
			}
			o.off = d.offset(o.code == fWriteV)
		case fAllocate:
			o.mode = allocModes[d.byte()%byte(len(allocModes))]
			o.off, o.n = d.offset(true), d.length()
		case fSetPrio:
			o.n = sched.PrioMin + int(d.byte())%(sched.PrioMax-sched.PrioMin+1)
		case fReopen:
			c := int(d.byte())
			if c >= 224 {
				o.code = fClose
			} else {
				o.flags = reopenFlags[c%len(reopenFlags)]
			}
		case fAligned:
			b := d.byte()
			o.code = [...]fcode{fReadAt, fWriteAt, fRead, fWrite}[b&3]
			o.skew = alignedSkews[b>>2&3]
			o.seek = o.code == fRead || o.code == fWrite
			o.n, o.off = d.blocks(), d.blockOffset()
			switch b >> 4 & 7 { // mostly aligned; else a little off
			case 5:
				o.n++
			case 6:
				o.off++
			case 7:
				o.off += 4095
			}
		case fSendfile:
			o.src = int(d.byte() % 3)
			o.off, o.n = d.offset(false), d.length()
		case fEvict:
			o.off, o.n = d.offset(false), d.length() // length 0: to the end
		case fConcurrent:
			b := d.byte()
			o.conc = &concPlan{writers: int(b & 3), readers: int(b >> 2 & 3), posOps: int(b >> 4 & 3),
				posWrite: b&0x40 != 0, low: b&0x80 != 0}
			o.conc.chunk = d.length()
			o.conc.base, o.conc.stride, o.conc.at = int64(d.byte())*97, int64(d.byte())*37, int64(d.byte())*53
			o.conc.close = [8]int{6: closeAtOnce, 7: closeInFlight}[d.byte()%8]
		case fFifo:
			b := d.byte()
			fp := &fifoPlan{writes: make([][]int, 1+int(b&1)), parentReads: b&2 != 0, probe: b&4 != 0}
			fp.sendfile = b&8 != 0 && len(fp.writes) == 1
			total := 0
			for w := range fp.writes {
				for range 1 + d.byte()%3 {
					fp.writes[w] = append(fp.writes[w], d.length())
					total += fp.writes[w][len(fp.writes[w])-1]
				}
			}
			if total == 0 {
				// A reader that io_uring opened does not see a writer
				// that was there at the open and left without writing
				// (aio.OpenFile): it would wait for the next, for ever.
				fp.writes[0][0] = 1
			}
			if fp.readSize = d.length(); fp.readSize == 0 {
				fp.readSize = 4096 // not 1: a read a byte, a request a byte, takes long
			}
			o.fifo = fp
		}
		p.ops[who] = append(p.ops[who], o)
	}
	return p
}

// ---- running ----

// schedulerFor returns a new scheduler whose requests use backend: "pool"
// for the thread pool, "" for the default.
func schedulerFor(backend string) *sched.Scheduler {
	s := sched.New()
	if backend == "pool" {
		aio.UsePool(s) // a new scheduler has no event loop yet
	}
	return s
}

// srcSize is the size of Sendfile's shared source: past the 64 KiB of
// the cached reads, and no whole number of blocks.
const srcSize = 70000

// sources are Sendfile's shared source, one per side with the same
// bytes, opened once for all the program's coroutines (so that they use
// one aio.File at once), plainly and with O_DIRECT.
type sources struct {
	aplain, adirect *aio.File
	oplain, odirect *os.File
}

// openSources makes and opens the sources in dir/aio and dir/os. Where
// the file system has no O_DIRECT, the direct ones are the plain ones.
func openSources(dir string) (*sources, error) {
	data := pattern(srcSize, 77, 0)
	aname, oname := filepath.Join(dir, "aio", "src"), filepath.Join(dir, "os", "src")
	for _, name := range []string{aname, oname} {
		if err := os.WriteFile(name, data, 0o644); err != nil {
			return nil, err
		}
	}
	src := new(sources)
	var err error
	if src.aplain, err = aio.Open(aname); err != nil {
		return nil, err
	}
	if src.oplain, err = os.Open(oname); err != nil {
		return nil, err
	}
	var aerr, oerr error
	src.adirect, aerr = aio.OpenFile(aname, os.O_RDONLY|unix.O_DIRECT, 0)
	src.odirect, oerr = os.OpenFile(oname, os.O_RDONLY|unix.O_DIRECT, 0)
	switch {
	case aerr == nil && oerr == nil:
	case errors.Is(aerr, unix.EINVAL) && errors.Is(oerr, unix.EINVAL):
		src.adirect, src.odirect = src.aplain, src.oplain
	default:
		return nil, fmt.Errorf("opening the source with O_DIRECT: aio %v, os %v", aerr, oerr)
	}
	return src, nil
}

// close closes the sources, after checking that no Sendfile moved their
// positions.
func (src *sources) close() error {
	var failure error
	for _, f := range []interface{ Fd() uintptr }{src.aplain, src.adirect, src.oplain, src.odirect} {
		if pos, err := unix.Seek(int(f.Fd()), 0, io.SeekCurrent); (pos != 0 || err != nil) && failure == nil {
			failure = fmt.Errorf("the shared source's position moved to %d (%v)", pos, err)
		}
	}
	for _, f := range []io.Closer{src.aplain, src.adirect, src.oplain, src.odirect} {
		f.Close() // twice where the direct ones are the plain ones
	}
	return failure
}

// hangTime is how long a program may take before the watchdog says it
// hangs (the fuzzer has no time limit of its own).
const hangTime = 3 * time.Minute

// runAIOProgram runs p in dir on backend, one coroutine per file, and
// reports the first difference from package os.
func runAIOProgram(dir, backend string, p *program) error {
	for _, sub := range []string{"aio", "os"} {
		if err := os.Mkdir(filepath.Join(dir, sub), 0o755); err != nil {
			return err
		}
	}
	watchdog := time.AfterFunc(hangTime, func() {
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		panic(fmt.Sprintf("an aio program hangs for %v, CORO_AIO=%q:\n%s\n%s", hangTime, backend, p, buf))
	})
	defer watchdog.Stop()
	var failure error
	err := schedulerFor(backend).Run(func() {
		src, err := openSources(dir)
		if err != nil {
			failure = err
			return
		}
		coros := make([]*sched.Coro, len(p.ops))
		for k, ops := range p.ops {
			coros[k] = sched.Async(func() any {
				name := fmt.Sprintf("f%d", k)
				return runFile(filepath.Join(dir, "aio", name), filepath.Join(dir, "os", name), src, ops)
			})
		}
		for k, c := range coros {
			v, err := c.Join()
			if err != nil {
				failure = fmt.Errorf("file %d: Join: %v", k, err)
				return
			}
			if v != nil {
				failure = fmt.Errorf("file %d: %v", k, v)
				return
			}
		}
		if err := src.close(); err != nil {
			failure = err
			return
		}
		if be := aio.Backend(); backend == "pool" && !strings.HasPrefix(be, "thread pool") {
			failure = fmt.Errorf("asked for the thread pool, but the backend is %s", be)
		}
	})
	if err != nil {
		return fmt.Errorf("Run: %v", err)
	}
	return failure
}

// pair is one file reached through package aio and its twin reached
// through package os. An os.File that is closed stays in of, as an
// aio.File does in af, so that both report closed-file errors.
type pair struct {
	af           *aio.File
	of           *os.File
	apath, opath string
	oflags       int
	oclosed      bool
	src          *sources
}

// runFile runs ops on a new file pair and returns the first difference.
func runFile(apath, opath string, src *sources, ops []fop) error {
	const create = os.O_RDWR | os.O_CREATE | os.O_TRUNC
	af, aerr := aio.OpenFile(apath, create, 0o644)
	of, oerr := os.OpenFile(opath, create, 0o644)
	if aerr != nil || oerr != nil {
		return fmt.Errorf("create: aio %v, os %v", aerr, oerr)
	}
	pr := &pair{af: af, of: of, apath: apath, opath: opath, oflags: create, src: src}
	for i, o := range ops {
		if err := pr.step(o); err != nil {
			return fmt.Errorf("op %d %s: %v", i, o, err)
		}
	}
	if err := pr.step(fop{code: fClose}); err != nil {
		return fmt.Errorf("final close: %v", err)
	}
	return compareFiles(apath, opath)
}

// compareFiles compares the files' sizes and contents; of a huge sparse
// file (Truncate on tmpfs), the first and last MiB.
func compareFiles(apath, opath string) error {
	const limit = 16 << 20
	read := func(name string) (size int64, head, tail []byte, err error) {
		f, err := os.Open(name)
		if err != nil {
			return 0, nil, nil, err
		}
		defer f.Close()
		fi, err := f.Stat()
		if err != nil {
			return 0, nil, nil, err
		}
		size = fi.Size()
		if size <= limit {
			head, err = io.ReadAll(f)
			return size, head, nil, err
		}
		head, tail = make([]byte, 1<<20), make([]byte, 1<<20)
		if _, err := f.ReadAt(head, 0); err != nil {
			return 0, nil, nil, err
		}
		_, err = f.ReadAt(tail, size-int64(len(tail)))
		return size, head, tail, err
	}
	asize, ahead, atail, aerr := read(apath)
	osize, ohead, otail, oerr := read(opath)
	if aerr != nil || oerr != nil {
		return fmt.Errorf("reading the files back: aio %v, os %v", aerr, oerr)
	}
	if asize != osize {
		return fmt.Errorf("final sizes differ: aio %d bytes, os %d", asize, osize)
	}
	if !bytes.Equal(ahead, ohead) {
		d := firstDiff(ahead, ohead)
		return fmt.Errorf("final contents differ, first at %d: aio % x..., os % x...", d, ahead[d:min(d+8, len(ahead))], ohead[d:min(d+8, len(ohead))])
	}
	if !bytes.Equal(atail, otail) {
		return fmt.Errorf("final contents differ in the last MiB, first at %d", asize-int64(len(atail))+int64(firstDiff(atail, otail)))
	}
	return nil
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// pattern is n bytes of seed's pattern, in a buffer skew bytes past a
// 4 KiB boundary. Patterns of seeds that differ mod 256 differ in their
// first byte.
func pattern(n, seed, skew int) []byte {
	p := alignedBuf(n, skew)
	for i := range p {
		p[i] = byte(seed*131 + i*7 + i>>8)
	}
	return p
}

// garbage is what a read's buffer holds before the read.
func garbage(n, skew int) []byte {
	p := alignedBuf(n, skew)
	for i := range p {
		p[i] = 0xee
	}
	return p
}

// alignedBuf returns n bytes that start skew bytes past a 4 KiB boundary,
// so that the twins' buffers meet O_DIRECT's alignment rules alike,
// whatever the allocator gives.
func alignedBuf(n, skew int) []byte {
	b := make([]byte, n+skew+4096)
	start := (4096-int(uintptr(unsafe.Pointer(&b[0]))%4096))%4096 + skew
	return b[start : start+n : start+n]
}

// step applies o to both files and compares the results.
func (pr *pair) step(o fop) error {
	if o.code == fSetPrio {
		sched.Current().SetPrio(o.n)
		return nil
	}
	switch o.code {
	case fConcurrent:
		return pr.concurrent(o)
	case fFifo:
		return pr.fifo(o)
	}
	if o.seek {
		if err := pr.step(fop{code: fSeek, off: o.off}); err != nil {
			return fmt.Errorf("Seek first: %v", err)
		}
	}
	af, of := pr.af, pr.of
	var an, on int
	var aerr, oerr error
	var abuf, obuf []byte // what reads returned
	wstart, wdata := pr.directWrite(o)
	switch o.code {
	case fWriteAt:
		data := pattern(o.n, o.seed, o.skew)
		an, aerr = af.WriteAt(data, o.off)
		on, oerr = of.WriteAt(data, o.off)
		aerr, oerr = pr.writeAtErrs(aerr, oerr)
	case fReadAt:
		abuf, obuf = garbage(o.n, o.skew), garbage(o.n, o.skew)
		an, aerr = af.ReadAt(abuf, o.off)
		on, oerr = of.ReadAt(obuf, o.off)
	case fWrite:
		data := pattern(o.n, o.seed, o.skew)
		an, aerr = af.Write(data)
		on, oerr = of.Write(data)
	case fRead:
		abuf, obuf = garbage(o.n, o.skew), garbage(o.n, o.skew)
		an, aerr = af.Read(abuf)
		on, oerr = of.Read(obuf)
	case fSendfile:
		asrc, osrc := pr.src.aplain, pr.src.oplain
		switch o.src {
		case srcDirect:
			asrc, osrc = pr.src.adirect, pr.src.odirect
		case srcSelf:
			asrc, osrc = af, of
		}
		an, aerr = af.Sendfile(asrc, o.off, o.n)
		on, oerr = pr.osSyscall("sendfile", func(fd int) (int, error) {
			off := o.off
			return unix.Sendfile(fd, int(osrc.Fd()), &off, o.n)
		})
		if aerr == nil && oerr == nil && an != on && min(an, on) > 0 {
			if err := pr.sendfileRest(o, an, on); err != nil {
				return err
			}
			an = max(an, on)
			on = an
		}
		// What a read of the source and a write would have copied: all
		// the source has from off, up to n bytes, of which sendfile may
		// copy a part, but not nothing.
		if want := min(int64(o.n), max(0, srcSize-o.off)); o.src != srcSelf && aerr == nil && o.off >= 0 &&
			pr.oflags&unix.O_DIRECT == 0 && !pr.oclosed && (int64(an) > want || an == 0 && want > 0) {
			return fmt.Errorf("Sendfile copied %d bytes of the %d-byte source at %d, want %d or a part", an, srcSize, o.off, want)
		}
	case fEvict:
		evict := func(fd int) error { return unix.Fadvise(fd, o.off, int64(o.n), unix.FADV_DONTNEED) }
		if aerr = af.Sync(); aerr == nil && !pr.oclosed {
			if err := evict(int(af.Fd())); err != nil {
				aerr = &fs.PathError{Op: "fadvise", Path: pr.apath, Err: err}
			}
		}
		if oerr = of.Sync(); oerr == nil {
			_, oerr = pr.osSyscall("fadvise", func(fd int) (int, error) { return 0, evict(fd) })
		}
	case fSeek:
		var apos, opos int64
		apos, aerr = af.Seek(o.off, o.whence)
		opos, oerr = of.Seek(o.off, o.whence)
		an, on = int(apos), int(opos)
	case fTruncate:
		aerr = af.Truncate(o.off)
		oerr = of.Truncate(o.off)
	case fSync:
		if o.mode == 1 {
			aerr = af.Datasync()
			_, oerr = pr.osSyscall("datasync", func(fd int) (int, error) { return 0, unix.Fdatasync(fd) })
		} else {
			aerr = af.Sync()
			oerr = of.Sync()
		}
	case fStat:
		afi, aerr := af.Stat()
		ofi, oerr := of.Stat()
		if err := pr.compareErr(aerr, oerr); err != nil {
			return err
		}
		if aerr == nil {
			if afi.Name() != ofi.Name() || afi.Size() != ofi.Size() || afi.Mode() != ofi.Mode() || afi.IsDir() != ofi.IsDir() {
				return fmt.Errorf("Stat: aio %s %d %v, os %s %d %v",
					afi.Name(), afi.Size(), afi.Mode(), ofi.Name(), ofi.Size(), ofi.Mode())
			}
			// The same file, as package os sees it.
			if fi, err := os.Stat(pr.apath); err != nil || !fi.ModTime().Equal(afi.ModTime()) || fi.Size() != afi.Size() {
				return fmt.Errorf("Stat: aio says %d bytes, mtime %v; os.Stat of the same file: %v", afi.Size(), afi.ModTime(), fi)
			}
		}
		return pr.comparePos()
	case fReadV, fWriteV:
		abufs, obufs := make([][]byte, len(o.lens)), make([][]byte, len(o.lens))
		for i, n := range o.lens {
			if o.code == fReadV {
				abufs[i], obufs[i] = garbage(n, 0), garbage(n, 0)
			} else {
				abufs[i] = pattern(n, o.seed+i, 0)
				obufs[i] = abufs[i]
			}
		}
		if o.code == fReadV {
			an, aerr = af.ReadV(abufs, o.off)
			on, oerr = pr.osSyscall("readv", func(fd int) (int, error) { return unix.Preadv(fd, obufs, o.off) })
			abuf, obuf = bytes.Join(abufs, nil), bytes.Join(obufs, nil)
		} else {
			an, aerr = af.WriteV(abufs, o.off)
			on, oerr = pr.osSyscall("writev", func(fd int) (int, error) { return unix.Pwritev(fd, obufs, o.off) })
		}
	case fAllocate:
		aerr = af.Allocate(o.mode, o.off, int64(o.n))
		_, oerr = pr.osSyscall("fallocate", func(fd int) (int, error) {
			return 0, unix.Fallocate(fd, o.mode, o.off, int64(o.n))
		})
	case fReopen, fClose:
		aerr = af.Close()
		oerr = of.Close()
		pr.oclosed = true
		if err := pr.compareErr(aerr, oerr); err != nil {
			return fmt.Errorf("close: %v", err)
		}
		if o.code == fClose {
			return nil
		}
		af, aerr := aio.OpenFile(pr.apath, o.flags, 0o644)
		of, oerr := os.OpenFile(pr.opath, o.flags, 0o644)
		if err := pr.compareErr(aerr, oerr); err != nil {
			if aerr == nil {
				af.Close()
			}
			if oerr == nil {
				of.Close()
			}
			return fmt.Errorf("open: %v", err)
		}
		if aerr == nil {
			pr.af, pr.of, pr.oflags, pr.oclosed = af, of, o.flags, false
		}
		return pr.comparePos()
	}
	if pr.oclosed {
		// On a closed file, os checks some arguments (O_APPEND for
		// WriteAt, a negative offset) before it finds the file closed, and
		// its ReadAt and WriteAt of nothing succeed; aio checks the file
		// first, always.
		var pe *fs.PathError
		if an != 0 || !errors.Is(aerr, fs.ErrClosed) || !errors.As(aerr, &pe) || pe.Path != pr.apath {
			return fmt.Errorf("on a closed file: aio %d, %v (os %d, %v)", an, aerr, on, oerr)
		}
		return nil
	}
	if err := pr.compareResult(result{an, aerr, abuf}, result{on, oerr, obuf}); err != nil {
		return err
	}
	if aerr != nil && oerr != nil {
		if err := pr.resyncDirect(wstart, wdata); err != nil {
			return err
		}
	}
	return pr.comparePos()
}

// sendfileRest follows a Sendfile that copied an bytes on the aio side
// and on on the os side, both more than 0 and less than asked on one:
// sendfile(2) may stop short (file to file, at a pipe's worth), where it
// stops varies, and a second call would not do, as for a source opened
// with O_DIRECT the rest need not be aligned. The twin that copied less
// is given the rest, written plainly at its position, which then moves
// on, so that the contents and positions stay comparable.
func (pr *pair) sendfileRest(o fop, an, on int) error {
	path, file := pr.apath, interface {
		Fd() uintptr
		Seek(int64, int) (int64, error)
	}(pr.af)
	if on < an {
		path, file = pr.opath, pr.of
	}
	from, to := min(an, on), max(an, on)
	var rest []byte
	if o.src == srcSelf {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		rest = make([]byte, to-from)
		_, err = f.ReadAt(rest, o.off+int64(from))
		f.Close()
		if err != nil {
			return fmt.Errorf("Sendfile copied %d bytes on one side and %d on the other: reading the rest: %v", an, on, err)
		}
	} else {
		rest = pattern(srcSize, 77, 0)[o.off+int64(from) : o.off+int64(to)]
	}
	pos, err := unix.Seek(int(file.Fd()), 0, io.SeekCurrent)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	_, err = f.WriteAt(rest, pos)
	f.Close()
	if err != nil {
		return err
	}
	_, err = file.Seek(int64(len(rest)), io.SeekCurrent)
	return err
}

// direct reports whether the files are open with O_DIRECT.
func (pr *pair) direct() bool { return !pr.oclosed && pr.oflags&unix.O_DIRECT != 0 }

// directWrite returns, before o is made on files opened with O_DIRECT,
// where o writes and what (for Sendfile, what its source holds); -1 for
// other ops and files.
func (pr *pair) directWrite(o fop) (int64, []byte) {
	if !pr.direct() {
		return -1, nil
	}
	var pos int64 = -1
	if o.code == fWrite || o.code == fSendfile {
		var err error
		if pos, err = unix.Seek(int(pr.of.Fd()), 0, io.SeekCurrent); err != nil {
			return -1, nil
		}
		if pr.oflags&os.O_APPEND != 0 {
			fi, err := pr.of.Stat()
			if err != nil {
				return -1, nil
			}
			pos = fi.Size()
		}
	}
	switch o.code {
	case fWriteAt:
		return o.off, pattern(o.n, o.seed, 0)
	case fWrite:
		return pos, pattern(o.n, o.seed, 0)
	case fWriteV:
		var data []byte
		for i, n := range o.lens {
			data = append(data, pattern(n, o.seed+i, 0)...)
		}
		return o.off, data
	case fSendfile:
		name := pr.src.oplain.Name()
		if o.src == srcSelf {
			name = pr.opath
		}
		f, err := os.Open(name)
		if err != nil {
			return -1, nil
		}
		defer f.Close()
		data := make([]byte, o.n)
		k, _ := f.ReadAt(data, o.off)
		return pos, data[:k]
	}
	return -1, nil
}

// resyncDirect follows a write of data at start to files opened with
// O_DIRECT that failed on both sides: the kernel may have written whole
// blocks of its start before it refused the rest for its alignment (iomap
// submits the extents it mapped before the one it refuses), as many as
// each twin's layout on disk allows. Where the twins then differ, one must
// hold what was written; the other is given it too, so that their
// contents stay comparable.
func (pr *pair) resyncDirect(start int64, data []byte) error {
	if start < 0 || start > math.MaxInt64-int64(len(data)) || len(data) == 0 {
		return nil // refused before anything was written
	}
	read := func(name string) ([]byte, error) {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		b := make([]byte, len(data))
		k, err := f.ReadAt(b, start)
		if err == io.EOF {
			err = nil
		}
		return b[:k], err
	}
	a, aerr := read(pr.apath)
	o, oerr := read(pr.opath)
	if aerr != nil || oerr != nil {
		return fmt.Errorf("reading back a failed O_DIRECT write: aio %v, os %v", aerr, oerr)
	}
	for i := 0; i < min(len(a), len(o)); i += 512 {
		j := min(i+512, len(a), len(o))
		to := ""
		switch {
		case bytes.Equal(a[i:j], o[i:j]):
			continue
		case bytes.Equal(a[i:j], data[i:j]):
			to = pr.opath
		case bytes.Equal(o[i:j], data[i:j]):
			to = pr.apath
		default:
			return fmt.Errorf("after a failed O_DIRECT write of %d bytes at %d, the files differ at %d, and neither holds what was written there",
				len(data), start, start+int64(i))
		}
		f, err := os.OpenFile(to, os.O_WRONLY, 0)
		if err == nil {
			_, err = f.WriteAt(data[i:j], start+int64(i))
			f.Close()
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// writeAtErrs leaves out the errors of a WriteAt on a file opened with
// O_APPEND, a documented difference: os returns its unexported error
// bare, aio wraps the same words in a *fs.PathError.
func (pr *pair) writeAtErrs(aerr, oerr error) (error, error) {
	if pr.oflags&os.O_APPEND != 0 && !pr.oclosed && aerr != nil && oerr != nil {
		return nil, nil
	}
	return aerr, oerr
}

// osSyscall makes a system call os.File has no method for on the os
// file's descriptor, with the errors an os.File method would give.
func (pr *pair) osSyscall(op string, call func(fd int) (int, error)) (int, error) {
	if pr.oclosed {
		return 0, &fs.PathError{Op: op, Path: pr.opath, Err: fs.ErrClosed}
	}
	n, err := call(int(pr.of.Fd()))
	if err != nil {
		return 0, &fs.PathError{Op: op, Path: pr.opath, Err: err}
	}
	return n, nil
}

// comparePos compares the file positions, which the kernel keeps.
func (pr *pair) comparePos() error {
	if pr.oclosed {
		return nil
	}
	apos, aerr := unix.Seek(int(pr.af.Fd()), 0, io.SeekCurrent)
	opos, oerr := unix.Seek(int(pr.of.Fd()), 0, io.SeekCurrent)
	if apos != opos || aerr != nil || oerr != nil {
		return fmt.Errorf("file position: aio %d %v, os %d %v", apos, aerr, opos, oerr)
	}
	return nil
}

func (pr *pair) compareErr(aerr, oerr error) error {
	if a, o := errKind(aerr, pr.apath), errKind(oerr, pr.opath); a != o {
		return fmt.Errorf("error kinds differ:\n   aio %s (%v)\n   os  %s (%v)", a, aerr, o, oerr)
	}
	return nil
}

// errKind describes what a caller can find out about err with errors.Is
// and errors.As: exactly io.EOF, the *fs.PathError's Op (and its Path,
// when it is not the file's), the sentinel errors it matches and its
// errno. The text of other errors is left out.
func errKind(err error, path string) string {
	switch err {
	case nil:
		return "nil"
	case io.EOF:
		return "io.EOF"
	}
	var kind []string
	var pe *fs.PathError
	if errors.As(err, &pe) {
		if pe.Path != path {
			kind = append(kind, fmt.Sprintf("PathError(%s, %q)", pe.Op, pe.Path))
		} else {
			kind = append(kind, fmt.Sprintf("PathError(%s)", pe.Op))
		}
	} else {
		kind = append(kind, fmt.Sprintf("%T", err))
	}
	for _, s := range []struct {
		name string
		err  error
	}{
		{"ErrClosed", fs.ErrClosed}, {"ErrNotExist", fs.ErrNotExist}, {"ErrExist", fs.ErrExist},
		{"ErrPermission", fs.ErrPermission}, {"ErrInvalid", fs.ErrInvalid}, {"io.EOF", io.EOF},
		{"io.ErrShortWrite", io.ErrShortWrite}, {"io.ErrUnexpectedEOF", io.ErrUnexpectedEOF},
	} {
		if errors.Is(err, s.err) {
			kind = append(kind, s.name)
		}
	}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		kind = append(kind, "errno "+unix.ErrnoName(errno))
	}
	return strings.Join(kind, " ")
}

// TestAIOClosedFile is the bug the fuzzer found: after Close, an
// aio.File's Truncate and Allocate made their system call on the old
// descriptor number, which the kernel had given to the next file opened,
// and changed that file. Like os.File, they must return fs.ErrClosed.
func TestAIOClosedFile(t *testing.T) {
	for _, backend := range []string{"", "pool"} {
		dir := t.TempDir()
		err := schedulerFor(backend).Run(func() {
			a, err := aio.Create(filepath.Join(dir, "a"))
			if err != nil {
				t.Fatal(err)
			}
			a.Close()
			b, err := aio.Create(filepath.Join(dir, "b")) // gets a's descriptor number
			if err != nil {
				t.Fatal(err)
			}
			defer b.Close()
			if _, err := b.Write([]byte("precious")); err != nil {
				t.Fatal(err)
			}
			if err := a.Truncate(0); !errors.Is(err, fs.ErrClosed) {
				t.Errorf("CORO_AIO=%q: Truncate after Close = %v, want fs.ErrClosed", backend, err)
			}
			if err := a.Allocate(0, 0, 1<<20); !errors.Is(err, fs.ErrClosed) {
				t.Errorf("CORO_AIO=%q: Allocate after Close = %v, want fs.ErrClosed", backend, err)
			}
			if fi, err := os.Stat(b.Name()); err != nil || fi.Size() != int64(len("precious")) {
				t.Errorf("CORO_AIO=%q: the other file (same fd %d: %v) now has %d bytes, want 8", backend, b.Fd(), a.Fd() == b.Fd(), fi.Size())
			}
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// ---- one File used by several coroutines at once ----

// concPlan is a Concurrent op: coroutines that use the File at once,
// WriteAts on ranges of their own, ReadAts, and Reads or Writes at the
// position, started in turns (a WriteAt, a ReadAt, a Read, the next
// WriteAt...). The ranges are laid out so that what each returns does not
// depend on the order they take: the WriteAts write [base, base+n*chunk),
// the position Writes the chunks after them (or at the end, with
// O_APPEND), and the reads stay out of what is written, below it and the
// old end of the file (low) or above it. Reads at the position each read
// one chunk of the range from at on, in an order no one knows: they are
// compared as a set; so are Writes at the position, whose order the aio
// file shows, and the os file gets them in that order.
type concPlan struct {
	writers, readers, posOps int // WriteAt, ReadAt, and Read or Write coroutines, up to 3 each
	posWrite                 bool
	low                      bool
	chunk                    int
	base, stride, at         int64 // the WriteAts' first offset; between the ReadAts; of the Reads in their range
	close                    int   // whether the op's coroutine closes the File while they run
}

// A Concurrent op's Close, made once its coroutines are started: at once,
// before any runs (all fail with fs.ErrClosed), or after they have had a
// turn, with requests in flight, which must then end as they would have
// without it, on the file they began on; those that had not begun fail.
// The os File makes the calls that did not fail so, then is closed too.
const (
	closeNone = iota
	closeAtOnce
	closeInFlight
)

func (c *concPlan) String() string {
	pos, where := fmt.Sprintf("Read from %d on", c.at), "above"
	if c.posWrite {
		pos = "Write"
	}
	if c.low {
		where = "below"
	}
	closing := [...]string{"", ", Close at once", ", Close in flight"}[c.close]
	return fmt.Sprintf("(%d WriteAt from %d, %d ReadAt %d apart, %d %s, reads %s; %d-byte chunks%s)",
		c.writers, c.base, c.readers, c.stride, c.posOps, pos, where, c.chunk, closing)
}

// result is what one call of a Concurrent op returned.
type result struct {
	n   int
	err error
	buf []byte // what a read read into
}

// concurrent runs a Concurrent op: on the aio File its coroutines at once,
// on the os File the same calls one after the other.
func (pr *pair) concurrent(o fop) error {
	c := o.conc
	chunk, base, stride, at := c.chunk, c.base, c.stride, c.at
	if pr.oflags&unix.O_DIRECT != 0 {
		chunk = (chunk + 4095) &^ 4095
		base, stride, at = base&^4095, stride&^4095, at&^4095
	}
	var size0 int64 // the size before, which the writes can only grow
	if !pr.oclosed {
		fi, err := pr.of.Stat()
		if err != nil {
			return err
		}
		size0 = fi.Size()
	}
	W, R, M := c.writers, c.readers, c.posOps
	appending := pr.oflags&os.O_APPEND != 0
	// What the op writes is [lo, hi): the WriteAts from base on (none with
	// O_APPEND: refused), then the position Writes from pw (at the end
	// with O_APPEND).
	var lo, hi, pw int64
	switch {
	case appending && c.posWrite:
		lo, hi, pw = size0, size0+int64(M*chunk), size0
	case appending:
	default:
		lo, pw = base, base+int64(W*chunk)
		hi = pw
		if c.posWrite {
			hi += int64(M * chunk)
		}
	}
	// A read sees the same bytes in any order outside [lo, hi) and below
	// size0 or from max(size0, hi) on: between them is a hole that the
	// writes may or may not have made yet, zeros or the end of the file.
	rstart, rend := int64(0), int64(-1) // rend -1: no end
	if lo < hi {
		if c.low {
			rend = min(lo, size0)
		} else {
			rstart = hi
		}
	}
	roff, rlen := make([]int64, R), make([]int, R)
	for j := range R {
		roff[j], rlen[j] = rstart+int64(j)*stride, chunk
		if rend >= 0 {
			if roff[j] >= rend {
				roff[j] = rstart
			}
			rlen[j] = min(chunk, int(rend-roff[j]))
		}
	}
	plen := chunk // each position call's length
	switch {
	case c.posWrite && !appending && M > 0:
		if err := pr.step(fop{code: fSeek, off: pw}); err != nil {
			return fmt.Errorf("Seek first: %v", err)
		}
	case !c.posWrite && M > 0:
		p0 := rstart + at
		if rend >= 0 {
			if p0 > rend {
				p0 = rstart
			}
			plen = min(chunk, int((rend-p0)/int64(M)))
		}
		if err := pr.step(fop{code: fSeek, off: p0}); err != nil {
			return fmt.Errorf("Seek first: %v", err)
		}
	}
	wseed := func(i int) int { return o.seed*16 + i }
	pseed := func(i int) int { return o.seed*16 + 8 + i }

	af, of := pr.af, pr.of
	aw, ar, ap := make([]result, W), make([]result, R), make([]result, M)
	var coros []*sched.Coro
	for i := range max(W, R, M) {
		if i < W {
			coros = append(coros, sched.Async(func() any {
				n, err := af.WriteAt(pattern(chunk, wseed(i), 0), base+int64(i*chunk))
				aw[i] = result{n: n, err: err}
				return nil
			}))
		}
		if i < R {
			coros = append(coros, sched.Async(func() any {
				b := garbage(rlen[i], 0)
				n, err := af.ReadAt(b, roff[i])
				ar[i] = result{n, err, b}
				return nil
			}))
		}
		if i < M {
			coros = append(coros, sched.Async(func() any {
				if c.posWrite {
					n, err := af.Write(pattern(plen, pseed(i), 0))
					ap[i] = result{n: n, err: err}
				} else {
					b := garbage(plen, 0)
					n, err := af.Read(b)
					ap[i] = result{n, err, b}
				}
				return nil
			}))
		}
	}
	closing := c.close != closeNone && !pr.oclosed
	var acerr error
	if closing {
		if c.close == closeInFlight {
			sched.Cede() // they run until their first wait
		}
		acerr = af.Close()
	}
	for _, co := range coros {
		if v, err := co.Join(); v != nil || err != nil {
			return fmt.Errorf("Join: %v, %v", v, err)
		}
	}
	closed := func(r result) bool { // failed for the Close, before it began
		var pe *fs.PathError
		return r.n == 0 && errors.Is(r.err, fs.ErrClosed) && errors.As(r.err, &pe) && pe.Path == pr.apath
	}
	asOS := func(r result) result { // what os's call would have said, for one that closed failed
		return result{0, &fs.PathError{Op: r.err.(*fs.PathError).Op, Path: pr.opath, Err: fs.ErrClosed}, r.buf}
	}
	if pr.oclosed {
		for _, r := range slices.Concat(aw, ar, ap) {
			if !closed(r) {
				return fmt.Errorf("on a closed file: aio %d, %v", r.n, r.err)
			}
		}
		return nil
	}

	// The os side, one after the other, the calls that did not fail for
	// the Close; the position Writes in the order the aio file shows.
	ow, or, op := make([]result, W), make([]result, R), make([]result, M)
	for i := range W {
		if closed(aw[i]) {
			ow[i] = asOS(aw[i])
		} else {
			n, err := of.WriteAt(pattern(chunk, wseed(i), 0), base+int64(i*chunk))
			ow[i] = result{n: n, err: err}
		}
	}
	for j := range R {
		if closed(ar[j]) {
			or[j] = asOS(ar[j])
		} else {
			b := garbage(rlen[j], 0)
			n, err := of.ReadAt(b, roff[j])
			or[j] = result{n, err, b}
		}
	}
	if c.posWrite {
		order, err := pr.writeOrder(ap, pw, plen, pseed)
		if err != nil {
			return err
		}
		for _, i := range order {
			if closed(ap[i]) {
				op[i] = asOS(ap[i])
			} else {
				n, err := of.Write(pattern(plen, pseed(i), 0))
				op[i] = result{n: n, err: err}
			}
		}
	} else {
		for i := range M {
			if closed(ap[i]) {
				op[i] = asOS(ap[i])
			} else {
				b := garbage(plen, 0)
				n, err := of.Read(b)
				op[i] = result{n, err, b}
			}
		}
	}
	for i := range W {
		aerr, oerr := pr.writeAtErrs(aw[i].err, ow[i].err)
		if err := pr.compareResult(result{aw[i].n, aerr, nil}, result{ow[i].n, oerr, nil}); err != nil {
			return fmt.Errorf("WriteAt %d (%d bytes at %d): %v", i, chunk, base+int64(i*chunk), err)
		}
	}
	for j := range R {
		if err := pr.compareResult(ar[j], or[j]); err != nil {
			return fmt.Errorf("ReadAt %d (%d bytes at %d): %v", j, rlen[j], roff[j], err)
		}
	}
	if c.posWrite {
		for i := range M {
			if err := pr.compareResult(ap[i], op[i]); err != nil {
				return fmt.Errorf("Write %d (%d bytes): %v", i, plen, err)
			}
		}
	} else {
		// Which chunk each Read got depends on the order: as a set.
		key := func(r result, path string) string {
			return fmt.Sprintf("%d %s %q", r.n, errKind(r.err, path), r.buf)
		}
		akeys, okeys := make([]string, M), make([]string, M)
		for i := range M {
			akeys[i], okeys[i] = key(ap[i], pr.apath), key(op[i], pr.opath)
		}
		slices.Sort(akeys)
		slices.Sort(okeys)
		for i := range M {
			if akeys[i] != okeys[i] {
				return fmt.Errorf("the %d Reads of %d bytes at the position read other chunks than os's, in any order:\n   aio %.200q\n   os  %.200q",
					M, plen, akeys, okeys)
			}
		}
	}
	if closing {
		ocerr := of.Close()
		pr.oclosed = true
		if err := pr.compareErr(acerr, ocerr); err != nil {
			return fmt.Errorf("Close with calls in flight: %v", err)
		}
	}
	return pr.comparePos()
}

// compareResult compares one call's results: the count, the error and
// the bytes of a read's buffer, past what it read too (aio must not
// write there), but for a read with O_DIRECT that failed, which may have
// read whole blocks before (resyncDirect).
func (pr *pair) compareResult(a, o result) error {
	if a.n != o.n {
		return fmt.Errorf("n: aio %d (%v), os %d (%v)", a.n, a.err, o.n, o.err)
	}
	if err := pr.compareErr(a.err, o.err); err != nil {
		return err
	}
	if pr.direct() && a.err != nil && o.err != nil {
		a.buf, o.buf = a.buf[:a.n], o.buf[:o.n]
	}
	if !bytes.Equal(a.buf, o.buf) {
		return fmt.Errorf("read different bytes, first difference at %d", firstDiff(a.buf, o.buf))
	}
	return nil
}

// writeOrder returns the order in which the position Writes of a
// Concurrent op, whose results are ap, reached the aio file, from pw on:
// each whole, one after the other, as the Writes of an os.File would be.
// Those that wrote nothing come last.
func (pr *pair) writeOrder(ap []result, pw int64, plen int, pseed func(int) int) ([]int, error) {
	var order, failed []int
	for i, r := range ap {
		if r.err != nil || r.n != plen {
			failed = append(failed, i)
		}
	}
	ok := len(ap) - len(failed)
	if ok == 0 || plen == 0 {
		return append(order, failed...), nil
	}
	f, err := os.Open(pr.apath)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	got := make([]byte, ok*plen)
	if _, err := f.ReadAt(got, pw); err != nil {
		return nil, fmt.Errorf("reading back the position Writes: %v", err)
	}
	used := make([]bool, len(ap))
	for s := range ok {
		slot, found := got[s*plen:(s+1)*plen], false
		for i, r := range ap {
			if !used[i] && r.err == nil && r.n == plen && bytes.Equal(slot, pattern(plen, pseed(i), 0)) {
				order, used[i], found = append(order, i), true, true
				break
			}
		}
		if !found {
			return nil, fmt.Errorf("%d Writes of %d bytes at the position from %d: the %d-th chunk in the aio file is no Write's whole (results %v)",
				len(ap), plen, pw, s, ap)
		}
	}
	return append(order, failed...), nil
}

// ---- FIFOs ----

// fifoPlan is a Fifo op: a FIFO made next to the file, a coroutine that
// reads it to the end and one or two that write it, through one File:
// the op's coroutine takes one side and a new one the other, so that the
// op's side's open is made first.
type fifoPlan struct {
	writes      [][]int // per writer, the lengths of its Writes
	readSize    int     // the reader's buffer
	parentReads bool    // the op's coroutine reads (else it writes)
	// probe is set for the calls that fail: first an open to write with
	// O_NONBLOCK and no reader (ENXIO), then the reader's Seek and ReadAt
	// and the writer's WriteAt (ESPIPE).
	probe bool
	// sendfile is set when every other Write is a Sendfile from the shared
	// source instead, repeated until all is sent, as sendfile(2) to a pipe
	// sends what fits; with one writer only, as the writes of two would
	// interleave between the calls. The os writer writes the same bytes.
	sendfile bool
}

func (fp *fifoPlan) String() string {
	side := "writes"
	if fp.parentReads {
		side = "reads"
	}
	return fmt.Sprintf("(writes %v, reads of %d, the op's coroutine %s, probe %v, sendfile %v)", fp.writes, fp.readSize, side, fp.probe, fp.sendfile)
}

// fifoOutcome is what the calls of a Fifo op returned on one side.
type fifoOutcome struct {
	mknod, probe                   error
	openR, seek, readAt, end, clsR error // end: the error that ended the Reads
	openW, writeAt, clsW           error
	writes                         [][]result
	got                            []byte
	odd                            string // a Read that broke io.Reader's rules
}

// fifoChunk is the data of Write c of writer w: the seeds of one op differ
// mod 256, so no chunk begins as another does.
func fifoChunk(fp *fifoPlan, seed, w, c int) []byte {
	if off, ok := fifoSendfile(fp, seed, c); ok {
		return pattern(srcSize, 77, 0)[off:min(srcSize, off+int64(fp.writes[w][c]))]
	}
	return pattern(fp.writes[w][c], seed*16+w*4+c, 0)
}

// fifoSendfile says whether Write c of a Fifo op is a Sendfile, and from
// where in the source.
func fifoSendfile(fp *fifoPlan, seed, c int) (int64, bool) {
	return int64(seed*997+c*4099) % 60000, fp.sendfile && c%2 == 1
}

// fifoReadEnd is the read end of a FIFO, either side's File.
type fifoReadEnd interface {
	io.ReadSeekCloser
	io.ReaderAt
}

// reader returns the reader's part, for either side: given the read end
// its open returned, the probes fp asks for, the Reads and the Close.
func (out *fifoOutcome) reader(fp *fifoPlan) func(f fifoReadEnd, err error) {
	return func(f fifoReadEnd, err error) {
		if out.openR = err; err != nil {
			return
		}
		if fp.probe {
			_, out.seek = f.Seek(0, io.SeekCurrent)
			_, out.readAt = f.ReadAt(make([]byte, 1), 0)
		}
		out.readAll(f.Read, fp.readSize)
		out.clsR = f.Close()
	}
}

// readAll is the reader's loop, for either side's File.
func (out *fifoOutcome) readAll(read func([]byte) (int, error), size int) {
	buf := garbage(size, 0)
	for {
		n, err := read(buf)
		if n < 0 || n > len(buf) || n == 0 && err == nil {
			out.odd = fmt.Sprintf("Read of %d bytes returned %d, %v", len(buf), n, err)
			return
		}
		out.got = append(out.got, buf[:n]...)
		if err != nil {
			out.end = err
			return
		}
	}
}

// fifoAIO runs fp on name through package aio.
func fifoAIO(name string, fp *fifoPlan, seed int, src *aio.File) *fifoOutcome {
	out := &fifoOutcome{writes: make([][]result, len(fp.writes))}
	if out.mknod = aio.Mknod(name, unix.S_IFIFO|0o644, 0); out.mknod != nil {
		return out
	}
	if fp.probe {
		var f *aio.File
		if f, out.probe = aio.OpenFile(name, os.O_WRONLY|unix.O_NONBLOCK, 0); out.probe == nil {
			f.Close()
		}
	}
	reader := func() { out.reader(fp)(aio.OpenFile(name, os.O_RDONLY, 0)) }
	writeAll := func(f *aio.File, w int) {
		for c := range fp.writes[w] {
			if off, ok := fifoSendfile(fp, seed, c); ok {
				n, want := 0, len(fifoChunk(fp, seed, w, c))
				var err error
				for n < want && err == nil {
					var m int
					if m, err = f.Sendfile(src, off+int64(n), want-n); m == 0 && err == nil {
						err = fmt.Errorf("Sendfile to a FIFO sent nothing, %d bytes before the source's end", want-n)
					}
					n += m
				}
				out.writes[w] = append(out.writes[w], result{n: n, err: err})
				continue
			}
			n, err := f.Write(fifoChunk(fp, seed, w, c))
			out.writes[w] = append(out.writes[w], result{n: n, err: err})
		}
	}
	writer := func() {
		f, err := aio.OpenFile(name, os.O_WRONLY, 0)
		if out.openW = err; err != nil {
			return
		}
		if fp.probe {
			_, out.writeAt = f.WriteAt([]byte{1}, 0)
		}
		var others []*sched.Coro
		for w := 1; w < len(fp.writes); w++ {
			others = append(others, sched.Async(func() any { writeAll(f, w); return nil }))
		}
		writeAll(f, 0)
		for _, c := range others {
			c.Join()
		}
		out.clsW = f.Close()
	}
	if fp.parentReads {
		c := sched.Async(func() any { writer(); return nil })
		reader()
		c.Join()
	} else {
		c := sched.Async(func() any { reader(); return nil })
		writer()
		c.Join()
	}
	return out
}

// fifoOS runs fp on name through package os, with goroutines.
func fifoOS(name string, fp *fifoPlan, seed int) *fifoOutcome {
	out := &fifoOutcome{writes: make([][]result, len(fp.writes))}
	if err := unix.Mkfifo(name, 0o644); err != nil {
		out.mknod = &fs.PathError{Op: "mknod", Path: name, Err: err}
		return out
	}
	if fp.probe {
		var f *os.File
		if f, out.probe = os.OpenFile(name, os.O_WRONLY|unix.O_NONBLOCK, 0); out.probe == nil {
			f.Close()
		}
	}
	var wg sync.WaitGroup
	wg.Go(func() { out.reader(fp)(os.OpenFile(name, os.O_RDONLY, 0)) })
	wg.Go(func() {
		f, err := os.OpenFile(name, os.O_WRONLY, 0)
		if out.openW = err; err != nil {
			return
		}
		if fp.probe {
			_, out.writeAt = f.WriteAt([]byte{1}, 0)
		}
		var writers sync.WaitGroup
		for w := range fp.writes {
			writers.Go(func() {
				for c := range fp.writes[w] {
					n, err := f.Write(fifoChunk(fp, seed, w, c))
					out.writes[w] = append(out.writes[w], result{n: n, err: err})
				}
			})
		}
		writers.Wait()
		out.clsW = f.Close()
	})
	wg.Wait()
	return out
}

// fifo runs a Fifo op on both sides and compares what came through.
func (pr *pair) fifo(o fop) error {
	fp := o.fifo
	aname, oname := fmt.Sprintf("%s.fifo%d", pr.apath, o.seed), fmt.Sprintf("%s.fifo%d", pr.opath, o.seed)
	a := fifoAIO(aname, fp, o.seed, pr.src.aplain)
	b := fifoOS(oname, fp, o.seed)
	os.Remove(aname)
	os.Remove(oname)
	for _, e := range []struct {
		what   string
		ae, oe error
	}{
		{"mknod", a.mknod, b.mknod}, {"open to write with O_NONBLOCK, no reader", a.probe, b.probe},
		{"reader's open", a.openR, b.openR}, {"reader's Seek", a.seek, b.seek}, {"reader's ReadAt", a.readAt, b.readAt},
		{"the Reads' end", a.end, b.end}, {"reader's Close", a.clsR, b.clsR},
		{"writer's open", a.openW, b.openW}, {"writer's WriteAt", a.writeAt, b.writeAt}, {"writer's Close", a.clsW, b.clsW},
	} {
		if ak, ok := errKind(e.ae, aname), errKind(e.oe, oname); ak != ok {
			return fmt.Errorf("FIFO, %s: error kinds differ:\n   aio %s (%v)\n   os  %s (%v)", e.what, ak, e.ae, ok, e.oe)
		}
	}
	if a.odd != "" || b.odd != "" {
		return fmt.Errorf("FIFO: aio: %s; os: %s", a.odd, b.odd)
	}
	chunks := make([][][]byte, len(fp.writes))
	for w := range fp.writes {
		if len(a.writes[w]) != len(b.writes[w]) {
			return fmt.Errorf("FIFO, writer %d: aio made %d Writes, os %d", w, len(a.writes[w]), len(b.writes[w]))
		}
		for c := range a.writes[w] {
			if a.writes[w][c].n != b.writes[w][c].n || errKind(a.writes[w][c].err, aname) != errKind(b.writes[w][c].err, oname) {
				return fmt.Errorf("FIFO, writer %d's Write %d: aio %d, %v; os %d, %v",
					w, c, a.writes[w][c].n, a.writes[w][c].err, b.writes[w][c].n, b.writes[w][c].err)
			}
			chunks[w] = append(chunks[w], fifoChunk(fp, o.seed, w, c)[:b.writes[w][c].n])
		}
	}
	if len(fp.writes) == 1 {
		want := bytes.Join(chunks[0], nil)
		if !bytes.Equal(a.got, want) || !bytes.Equal(b.got, want) {
			return fmt.Errorf("FIFO: %d bytes written; aio's reader got %d, os's %d, first differences at %d and %d",
				len(want), len(a.got), len(b.got), firstDiff(a.got, want), firstDiff(b.got, want))
		}
		return nil
	}
	for _, side := range []struct {
		name string
		got  []byte
	}{{"aio", a.got}, {"os", b.got}} {
		if err := wholeWrites(side.got, chunks); err != nil {
			return fmt.Errorf("FIFO, %s's reader got %d bytes: %v", side.name, len(side.got), err)
		}
	}
	return nil
}

// wholeWrites reports whether got is the writers' chunks, each whole and
// each writer's in order, as Writes that take turns give.
func wholeWrites(got []byte, chunks [][][]byte) error {
	next := make([]int, len(chunks))
	skipEmpty := func(w int) {
		for next[w] < len(chunks[w]) && len(chunks[w][next[w]]) == 0 {
			next[w]++
		}
	}
	for p := 0; p < len(got); {
		found := false
		for w := range chunks {
			if skipEmpty(w); next[w] < len(chunks[w]) && bytes.HasPrefix(got[p:], chunks[w][next[w]]) {
				p += len(chunks[w][next[w]])
				next[w]++
				found = true
				break
			}
		}
		if !found {
			return fmt.Errorf("at byte %d begins no writer's next Write (%v)", p, next)
		}
	}
	for w := range chunks {
		if skipEmpty(w); next[w] < len(chunks[w]) {
			return fmt.Errorf("writer %d's Write %d never came", w, next[w])
		}
	}
	return nil
}
