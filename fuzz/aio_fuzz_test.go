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
	"strings"
	"syscall"
	"testing"

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
// seconds. The first few run in TMPDIR, as the fuzzer's do.
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
			if shm == "" || i < 20 {
				dir = t.TempDir()
			} else if dir, err = os.MkdirTemp(shm, ""); err != nil {
				t.Fatal(err)
			}
			if err := runAIOProgram(dir, backend, p); err != nil {
				t.Fatalf("program %d %v, CORO_AIO=%q: %v\nprogram:\n%s", i, data, backend, err, p)
			}
			if shm != "" && i >= 20 {
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
)

var fcodeNames = [...]string{"WriteAt", "ReadAt", "Write", "Read", "Seek", "Truncate", "Sync", "Stat",
	"ReadV", "WriteV", "Allocate", "Reopen", "Close", "SetPrio"}

// fcodeOf weights the operations: the low five bits of an op byte index
// it, the high three choose the file.
var fcodeOf = [32]fcode{
	fWriteAt, fWriteAt, fWriteAt, fWriteAt, fReadAt, fReadAt, fReadAt, fReadAt,
	fWrite, fWrite, fWrite, fWrite, fRead, fRead, fRead, fRead,
	fSeek, fSeek, fTruncate, fTruncate, fSync, fStat, fStat, fReadV,
	fReadV, fWriteV, fWriteV, fAllocate, fAllocate, fReopen, fReopen, fSetPrio,
}

// reopenFlags are the flags a Reopen uses; the file always exists then,
// so the O_EXCL one fails with EEXIST and leaves the file closed.
var reopenFlags = [...]int{os.O_RDWR, os.O_RDONLY, os.O_WRONLY, os.O_RDWR | os.O_APPEND,
	os.O_WRONLY | os.O_APPEND, os.O_RDWR | os.O_TRUNC, os.O_RDWR | os.O_CREATE | os.O_EXCL}

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
}

func (o fop) String() string {
	switch o.code {
	case fWriteAt, fReadAt:
		return fmt.Sprintf("%s(%d bytes, %d)", fcodeNames[o.code], o.n, o.off)
	case fWrite, fRead:
		return fmt.Sprintf("%s(%d bytes)", fcodeNames[o.code], o.n)
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

// runAIOProgram runs p in dir on backend, one coroutine per file, and
// reports the first difference from package os.
func runAIOProgram(dir, backend string, p *program) error {
	for _, sub := range []string{"aio", "os"} {
		if err := os.Mkdir(filepath.Join(dir, sub), 0o755); err != nil {
			return err
		}
	}
	var failure error
	err := schedulerFor(backend).Run(func() {
		coros := make([]*sched.Coro, len(p.ops))
		for k, ops := range p.ops {
			coros[k] = sched.Async(func() any {
				name := fmt.Sprintf("f%d", k)
				return runFile(filepath.Join(dir, "aio", name), filepath.Join(dir, "os", name), ops)
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
}

// runFile runs ops on a new file pair and returns the first difference.
func runFile(apath, opath string, ops []fop) error {
	const create = os.O_RDWR | os.O_CREATE | os.O_TRUNC
	af, aerr := aio.OpenFile(apath, create, 0o644)
	of, oerr := os.OpenFile(opath, create, 0o644)
	if aerr != nil || oerr != nil {
		return fmt.Errorf("create: aio %v, os %v", aerr, oerr)
	}
	pr := &pair{af: af, of: of, apath: apath, opath: opath, oflags: create}
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
		return fmt.Errorf("final contents differ, first at %d", firstDiff(ahead, ohead))
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

func pattern(n, seed int) []byte {
	p := make([]byte, n)
	for i := range p {
		p[i] = byte(seed*131 + i*7 + i>>8)
	}
	return p
}

func garbage(n int) []byte { return bytes.Repeat([]byte{0xee}, n) }

// step applies o to both files and compares the results.
func (pr *pair) step(o fop) error {
	if o.code == fSetPrio {
		sched.Current().SetPrio(o.n)
		return nil
	}
	af, of := pr.af, pr.of
	var an, on int
	var aerr, oerr error
	var abuf, obuf []byte // what reads returned
	switch o.code {
	case fWriteAt:
		data := pattern(o.n, o.seed)
		an, aerr = af.WriteAt(data, o.off)
		on, oerr = of.WriteAt(data, o.off)
		if pr.oflags&os.O_APPEND != 0 && !pr.oclosed && aerr != nil && oerr != nil {
			// A documented difference: os returns its unexported error
			// bare, aio wraps the same words in a *fs.PathError.
			aerr, oerr = nil, nil
		}
	case fReadAt:
		abuf, obuf = garbage(o.n), garbage(o.n)
		an, aerr = af.ReadAt(abuf, o.off)
		on, oerr = of.ReadAt(obuf, o.off)
	case fWrite:
		data := pattern(o.n, o.seed)
		an, aerr = af.Write(data)
		on, oerr = of.Write(data)
	case fRead:
		abuf, obuf = garbage(o.n), garbage(o.n)
		an, aerr = af.Read(abuf)
		on, oerr = of.Read(obuf)
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
				abufs[i], obufs[i] = garbage(n), garbage(n)
			} else {
				abufs[i] = pattern(n, o.seed+i)
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
	if an != on {
		return fmt.Errorf("n: aio %d (%v), os %d (%v)", an, aerr, on, oerr)
	}
	if err := pr.compareErr(aerr, oerr); err != nil {
		return err
	}
	if !bytes.Equal(abuf, obuf) {
		return fmt.Errorf("read different bytes, first difference at %d", firstDiff(abuf, obuf))
	}
	return pr.comparePos()
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
