//go:build linux

package uring

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// requireEnv, when set, turns "io_uring unsupported" into a test failure,
// for machines known to have io_uring.
const requireEnv = "CORO_URING_REQUIRE"

// newRing sets up a ring for a test, skipping the test only when io_uring
// cannot be used here (TestSetup checks that classification), and closes it
// at the end.
func newRing(t *testing.T, entries, flags uint32) *Ring {
	t.Helper()
	r, err := Setup(entries, flags)
	if err != nil {
		if errors.Is(err, ErrUnsupported) && os.Getenv(requireEnv) == "" {
			t.Skipf("io_uring cannot be used here: %v", err)
		}
		t.Fatalf("Setup(%d, %#x): %v", entries, flags, err)
	}
	t.Cleanup(func() {
		if err := r.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return r
}

// nextSQE returns a free SQE or fails the test.
func nextSQE(t *testing.T, r *Ring) *SQE {
	t.Helper()
	sqe := r.NextSQE()
	if sqe == nil {
		t.Fatal("NextSQE: SQ full")
	}
	return sqe
}

// reap submits what is pending and collects n completions by user data,
// failing the test if they do not arrive within 5 seconds.
func reap(t *testing.T, r *Ring, n int) map[uint64]CQE {
	t.Helper()
	got := make(map[uint64]CQE)
	deadline := time.Now().Add(5 * time.Second)
	for len(got) < n {
		left := time.Until(deadline)
		if left <= 0 {
			t.Fatalf("got %d of %d completions: %v", len(got), n, got)
		}
		if _, err := r.SubmitAndWait(1, left); err != nil {
			t.Fatalf("SubmitAndWait: %v", err)
		}
		r.ForEachCQE(func(c *CQE) {
			if _, dup := got[c.UserData]; dup {
				t.Errorf("two completions with user data %d", c.UserData)
			}
			got[c.UserData] = *c
		})
	}
	if len(got) > n {
		t.Fatalf("got %d completions, want %d: %v", len(got), n, got)
	}
	return got
}

func TestLayout(t *testing.T) {
	type field struct {
		name      string
		off, size uintptr
		wantOff   uintptr
		wantSize  uintptr
	}
	var sqe SQE
	var cqe CQE
	var p Params
	var sqo SQRingOffsets
	var cqo CQRingOffsets
	var ga getEventsArg
	var ts KernelTimespec
	var ph probeHdr
	var po probeOp
	checks := []struct {
		typ      string
		size     uintptr
		wantSize uintptr
		fields   []field
	}{
		{"io_uring_sqe", unsafe.Sizeof(sqe), 64, []field{
			{"opcode", unsafe.Offsetof(sqe.Opcode), unsafe.Sizeof(sqe.Opcode), 0, 1},
			{"flags", unsafe.Offsetof(sqe.Flags), unsafe.Sizeof(sqe.Flags), 1, 1},
			{"ioprio", unsafe.Offsetof(sqe.Ioprio), unsafe.Sizeof(sqe.Ioprio), 2, 2},
			{"fd", unsafe.Offsetof(sqe.Fd), unsafe.Sizeof(sqe.Fd), 4, 4},
			{"off", unsafe.Offsetof(sqe.Off), unsafe.Sizeof(sqe.Off), 8, 8},
			{"addr", unsafe.Offsetof(sqe.Addr), unsafe.Sizeof(sqe.Addr), 16, 8},
			{"len", unsafe.Offsetof(sqe.Len), unsafe.Sizeof(sqe.Len), 24, 4},
			{"rw_flags", unsafe.Offsetof(sqe.OpFlags), unsafe.Sizeof(sqe.OpFlags), 28, 4},
			{"user_data", unsafe.Offsetof(sqe.UserData), unsafe.Sizeof(sqe.UserData), 32, 8},
			{"buf_index", unsafe.Offsetof(sqe.BufIndex), unsafe.Sizeof(sqe.BufIndex), 40, 2},
			{"personality", unsafe.Offsetof(sqe.Personality), unsafe.Sizeof(sqe.Personality), 42, 2},
			{"splice_fd_in", unsafe.Offsetof(sqe.SpliceFdIn), unsafe.Sizeof(sqe.SpliceFdIn), 44, 4},
			{"addr3", unsafe.Offsetof(sqe.Addr3), unsafe.Sizeof(sqe.Addr3), 48, 8},
			{"__pad2", unsafe.Offsetof(sqe.Pad), unsafe.Sizeof(sqe.Pad), 56, 8},
		}},
		{"io_uring_cqe", unsafe.Sizeof(cqe), 16, []field{
			{"user_data", unsafe.Offsetof(cqe.UserData), unsafe.Sizeof(cqe.UserData), 0, 8},
			{"res", unsafe.Offsetof(cqe.Res), unsafe.Sizeof(cqe.Res), 8, 4},
			{"flags", unsafe.Offsetof(cqe.Flags), unsafe.Sizeof(cqe.Flags), 12, 4},
		}},
		{"io_uring_params", unsafe.Sizeof(p), 120, []field{
			{"sq_entries", unsafe.Offsetof(p.SQEntries), unsafe.Sizeof(p.SQEntries), 0, 4},
			{"cq_entries", unsafe.Offsetof(p.CQEntries), unsafe.Sizeof(p.CQEntries), 4, 4},
			{"flags", unsafe.Offsetof(p.Flags), unsafe.Sizeof(p.Flags), 8, 4},
			{"sq_thread_cpu", unsafe.Offsetof(p.SQThreadCPU), unsafe.Sizeof(p.SQThreadCPU), 12, 4},
			{"sq_thread_idle", unsafe.Offsetof(p.SQThreadIdle), unsafe.Sizeof(p.SQThreadIdle), 16, 4},
			{"features", unsafe.Offsetof(p.Features), unsafe.Sizeof(p.Features), 20, 4},
			{"wq_fd", unsafe.Offsetof(p.WQFd), unsafe.Sizeof(p.WQFd), 24, 4},
			{"resv", unsafe.Offsetof(p.Resv), unsafe.Sizeof(p.Resv), 28, 12},
			{"sq_off", unsafe.Offsetof(p.SQOff), unsafe.Sizeof(p.SQOff), 40, 40},
			{"cq_off", unsafe.Offsetof(p.CQOff), unsafe.Sizeof(p.CQOff), 80, 40},
		}},
		{"io_sqring_offsets", unsafe.Sizeof(sqo), 40, []field{
			{"head", unsafe.Offsetof(sqo.Head), 4, 0, 4},
			{"tail", unsafe.Offsetof(sqo.Tail), 4, 4, 4},
			{"ring_mask", unsafe.Offsetof(sqo.RingMask), 4, 8, 4},
			{"ring_entries", unsafe.Offsetof(sqo.RingEntries), 4, 12, 4},
			{"flags", unsafe.Offsetof(sqo.Flags), 4, 16, 4},
			{"dropped", unsafe.Offsetof(sqo.Dropped), 4, 20, 4},
			{"array", unsafe.Offsetof(sqo.Array), 4, 24, 4},
			{"resv1", unsafe.Offsetof(sqo.Resv1), 4, 28, 4},
			{"user_addr", unsafe.Offsetof(sqo.UserAddr), unsafe.Sizeof(sqo.UserAddr), 32, 8},
		}},
		{"io_cqring_offsets", unsafe.Sizeof(cqo), 40, []field{
			{"head", unsafe.Offsetof(cqo.Head), 4, 0, 4},
			{"tail", unsafe.Offsetof(cqo.Tail), 4, 4, 4},
			{"ring_mask", unsafe.Offsetof(cqo.RingMask), 4, 8, 4},
			{"ring_entries", unsafe.Offsetof(cqo.RingEntries), 4, 12, 4},
			{"overflow", unsafe.Offsetof(cqo.Overflow), 4, 16, 4},
			{"cqes", unsafe.Offsetof(cqo.Cqes), 4, 20, 4},
			{"flags", unsafe.Offsetof(cqo.Flags), 4, 24, 4},
			{"resv1", unsafe.Offsetof(cqo.Resv1), 4, 28, 4},
			{"user_addr", unsafe.Offsetof(cqo.UserAddr), unsafe.Sizeof(cqo.UserAddr), 32, 8},
		}},
		{"io_uring_getevents_arg", unsafe.Sizeof(ga), 24, []field{
			{"sigmask", unsafe.Offsetof(ga.Sigmask), unsafe.Sizeof(ga.Sigmask), 0, 8},
			{"sigmask_sz", unsafe.Offsetof(ga.SigmaskSz), unsafe.Sizeof(ga.SigmaskSz), 8, 4},
			{"min_wait_usec", unsafe.Offsetof(ga.MinWaitUsec), unsafe.Sizeof(ga.MinWaitUsec), 12, 4},
			{"ts", unsafe.Offsetof(ga.Ts), unsafe.Sizeof(ga.Ts), 16, 8},
		}},
		{"__kernel_timespec", unsafe.Sizeof(ts), 16, []field{
			{"tv_sec", unsafe.Offsetof(ts.Sec), unsafe.Sizeof(ts.Sec), 0, 8},
			{"tv_nsec", unsafe.Offsetof(ts.Nsec), unsafe.Sizeof(ts.Nsec), 8, 8},
		}},
		{"io_uring_probe", unsafe.Sizeof(ph), 16, []field{
			{"last_op", unsafe.Offsetof(ph.LastOp), 1, 0, 1},
			{"ops_len", unsafe.Offsetof(ph.OpsLen), 1, 1, 1},
			{"resv", unsafe.Offsetof(ph.Resv), 2, 2, 2},
			{"resv2", unsafe.Offsetof(ph.Resv2), unsafe.Sizeof(ph.Resv2), 4, 12},
		}},
		{"io_uring_probe_op", unsafe.Sizeof(po), 8, []field{
			{"op", unsafe.Offsetof(po.Op), 1, 0, 1},
			{"resv", unsafe.Offsetof(po.Resv), 1, 1, 1},
			{"flags", unsafe.Offsetof(po.Flags), 2, 2, 2},
			{"resv2", unsafe.Offsetof(po.Resv2), 4, 4, 4},
		}},
	}
	for _, c := range checks {
		if c.size != c.wantSize {
			t.Errorf("sizeof(struct %s) = %d, want %d", c.typ, c.size, c.wantSize)
		}
		for _, f := range c.fields {
			if f.off != f.wantOff || f.size != f.wantSize {
				t.Errorf("%s.%s at %d size %d, want at %d size %d", c.typ, f.name, f.off, f.size, f.wantOff, f.wantSize)
			}
		}
	}
	if got := unsafe.Sizeof(probeBuf{}); got != 16+256*8 {
		t.Errorf("sizeof(probeBuf) = %d, want %d", got, 16+256*8)
	}
	if got := unsafe.Sizeof(unix.Statx_t{}); got != 256 {
		t.Errorf("sizeof(struct statx) = %d, want 256", got)
	}
}

func TestConstants(t *testing.T) {
	// Spot checks against the kernel's enum io_uring_op and flag values.
	for _, c := range []struct {
		name      string
		got, want uint32
	}{
		{"IORING_OP_READV", uint32(OpReadv), 1},
		{"IORING_OP_POLL_ADD", uint32(OpPollAdd), 6},
		{"IORING_OP_TIMEOUT", uint32(OpTimeout), 11},
		{"IORING_OP_ASYNC_CANCEL", uint32(OpAsyncCancel), 14},
		{"IORING_OP_OPENAT", uint32(OpOpenat), 18},
		{"IORING_OP_STATX", uint32(OpStatx), 21},
		{"IORING_OP_READ", uint32(OpRead), 22},
		{"IORING_OP_RENAMEAT", uint32(OpRenameat), 35},
		{"IORING_OP_UNLINKAT", uint32(OpUnlinkat), 36},
		{"IORING_OP_MKDIRAT", uint32(OpMkdirat), 37},
		{"IORING_OP_SYMLINKAT", uint32(OpSymlinkat), 38},
		{"IORING_OP_LINKAT", uint32(OpLinkat), 39},
		{"IORING_OP_SOCKET", uint32(OpSocket), 45},
		{"IORING_OP_FTRUNCATE", uint32(OpFtruncate), 55},
		{"IORING_OP_PIPE", uint32(OpPipe), 62},
		{"IOSQE_CQE_SKIP_SUCCESS", uint32(SQECQESkipSuccess), 64},
		{"IORING_ENTER_EXT_ARG", EnterExtArg, 8},
		{"IORING_FEAT_EXT_ARG", FeatExtArg, 256},
		{"IORING_REGISTER_PROBE", RegisterProbe, 8},
		{"IORING_OFF_CQ_RING", uint32(offCQRing), 0x8000000},
		{"IORING_OFF_SQES", uint32(offSQEs), 0x10000000},
	} {
		if c.got != c.want {
			t.Errorf("%s = %d, want %d", c.name, c.got, c.want)
		}
	}
	if OpName(OpStatx) != "STATX" || OpName(OpPipe) != "PIPE" || OpName(200) != "OP_200" {
		t.Errorf("OpName: %q %q %q", OpName(OpStatx), OpName(OpPipe), OpName(200))
	}
}

func TestErrorClassification(t *testing.T) {
	for _, c := range []struct {
		op          string
		errno       syscall.Errno
		unsupported bool
	}{
		{"setup", unix.ENOSYS, true},
		{"setup", unix.EPERM, true},
		{"enter", unix.ENOSYS, true},
		{"setup", unix.EINVAL, false},
		{"setup", unix.ENOMEM, false},
		{"enter", unix.EPERM, false},
		{"enter", unix.EBUSY, false},
	} {
		err := wrapErrno(c.op, c.errno)
		if errors.Is(err, ErrUnsupported) != c.unsupported {
			t.Errorf("%s %v: %v; errors.Is(err, ErrUnsupported) = %v", c.op, c.errno, err, !c.unsupported)
		}
		if !errors.Is(err, c.errno) {
			t.Errorf("%s %v: %v does not wrap the errno", c.op, c.errno, err)
		}
	}
	if err := unsupported("setup", "too old", nil); !errors.Is(err, ErrUnsupported) {
		t.Errorf("unsupported(...) = %v, not ErrUnsupported", err)
	}
}

// TestSetup checks that Setup either works or fails with an error that
// says io_uring cannot be used here: the other tests skip only then.
func TestSetup(t *testing.T) {
	r, err := Setup(4, 0)
	if err != nil {
		if !errors.Is(err, ErrUnsupported) {
			t.Fatalf("Setup failed without ErrUnsupported: %v", err)
		}
		if os.Getenv(requireEnv) != "" {
			t.Fatalf("%s is set but Setup failed: %v", requireEnv, err)
		}
		t.Logf("io_uring unsupported here (GOARCH=%s), the other tests skip: %v", runtime.GOARCH, err)
		return
	}
	p := r.Params()
	t.Logf("fd %d, %d SQ / %d CQ entries, features %#x", r.Fd(), r.SQEntries(), r.CQEntries(), r.Features())
	if r.SQEntries() != 4 || p.SQEntries != 4 || r.CQEntries() != 8 {
		t.Errorf("entries: SQ %d (params %d), CQ %d; want 4, 4, 8", r.SQEntries(), p.SQEntries, r.CQEntries())
	}
	if r.SQSpace() != 4 || r.CQReady() != 0 || r.SQPending() != 0 {
		t.Errorf("SQSpace %d, CQReady %d, SQPending %d; want 4, 0, 0", r.SQSpace(), r.CQReady(), r.SQPending())
	}
	if _, ok := r.PeekCQE(); ok {
		t.Error("PeekCQE on a new ring found a CQE")
	}
	if n, err := r.Submit(); n != 0 || err != nil {
		t.Errorf("Submit with nothing queued = %d, %v", n, err)
	}
	if err := r.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if r.Fd() != -1 {
		t.Errorf("Fd after Close = %d", r.Fd())
	}
	if err := r.Close(); !errors.Is(err, os.ErrClosed) {
		t.Errorf("second Close = %v, want os.ErrClosed", err)
	}
}

func TestSetupRefusesLayoutFlags(t *testing.T) {
	for _, f := range []uint32{SetupSQE128, SetupCQE32, SetupNoMmap, SetupRegisteredFdOnly, SetupNoSQArray} {
		_, err := Setup(4, f)
		if !errors.Is(err, unix.EINVAL) || errors.Is(err, ErrUnsupported) {
			t.Errorf("Setup(4, %#x) = %v, want EINVAL", f, err)
		}
	}
}

func TestNop(t *testing.T) {
	r := newRing(t, 8, 0)
	for i := range 8 {
		sqe := nextSQE(t, r)
		PrepNop(sqe)
		sqe.UserData = 0xC0FFEE00 + uint64(i)
	}
	if sqe := r.NextSQE(); sqe != nil {
		t.Fatal("NextSQE on a full SQ returned an entry")
	}
	if r.SQSpace() != 0 || r.SQPending() != 8 {
		t.Fatalf("SQSpace %d, SQPending %d; want 0, 8", r.SQSpace(), r.SQPending())
	}
	n, err := r.Submit()
	if err != nil || n != 8 {
		t.Fatalf("Submit = %d, %v; want 8", n, err)
	}
	if r.SQSpace() != 8 {
		t.Errorf("SQSpace after Submit = %d, want 8", r.SQSpace())
	}
	if _, err := r.SubmitAndWait(8, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	if r.CQReady() != 8 {
		t.Fatalf("CQReady = %d, want 8", r.CQReady())
	}
	for i := range 8 {
		c, ok := r.PeekCQE()
		if !ok {
			t.Fatalf("PeekCQE: no CQE %d", i)
		}
		if c.UserData != 0xC0FFEE00+uint64(i) || c.Res != 0 || c.Flags != 0 || c.Err() != nil {
			t.Errorf("CQE %d = %+v", i, *c)
		}
		r.CQESeen()
	}
	if _, ok := r.PeekCQE(); ok || r.CQReady() != 0 {
		t.Error("CQ not empty after reaping everything")
	}

	// Wrap around the rings a few times through ForEachCQE.
	for round := range 5 {
		for i := range 6 {
			sqe := nextSQE(t, r)
			PrepNop(sqe)
			sqe.UserData = uint64(round*10 + i)
		}
		got := reap(t, r, 6)
		for i := range 6 {
			if c, ok := got[uint64(round*10+i)]; !ok || c.Res != 0 {
				t.Errorf("round %d: CQE %d = %+v, %v", round, i, c, ok)
			}
		}
	}
}

func TestSeparateMmaps(t *testing.T) {
	forceSeparateMmaps = true
	defer func() { forceSeparateMmaps = false }()
	r := newRing(t, 4, 0)
	if r.cqShared || &r.cqMem[0] == &r.ringMem[0] {
		t.Fatal("CQ ring not mapped on its own")
	}
	sqe := nextSQE(t, r)
	PrepNop(sqe)
	sqe.UserData = 42
	if c := reap(t, r, 1)[42]; c.Res != 0 {
		t.Fatalf("NOP CQE = %+v", c)
	}
}

func TestReadWrite(t *testing.T) {
	r := newRing(t, 8, 0)
	name := filepath.Join(t.TempDir(), "data")
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fd := int(f.Fd())

	hello, world := []byte("hello"), []byte("world")
	v1, v2 := []byte("vec-one|"), []byte("vec-two")
	iovs := []unix.Iovec{{Base: &v1[0]}, {Base: &v2[0]}}
	iovs[0].SetLen(len(v1))
	iovs[1].SetLen(len(v2))
	for i, prep := range []func(*SQE){
		func(s *SQE) { PrepWrite(s, fd, hello, 10) },
		func(s *SQE) { PrepWrite(s, fd, world, 100) },
		func(s *SQE) { PrepWritev(s, fd, iovs, 200) },
	} {
		s := nextSQE(t, r)
		prep(s)
		s.UserData = uint64(1 + i)
	}
	got := reap(t, r, 3)
	runtime.KeepAlive(hello)
	runtime.KeepAlive(world)
	runtime.KeepAlive(iovs)
	runtime.KeepAlive(v1)
	runtime.KeepAlive(v2)
	if got[1].Res != 5 || got[2].Res != 5 || got[3].Res != 15 {
		t.Fatalf("write results: %+v", got)
	}

	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	want := make([]byte, 215)
	copy(want[10:], "hello")
	copy(want[100:], "world")
	copy(want[200:], "vec-one|vec-two")
	if !bytes.Equal(data, want) {
		t.Fatalf("file = %q, want %q", data, want)
	}

	// Read back with io_uring, including a short read at the end and a
	// read past the end.
	b1, b2, b3 := make([]byte, 5), make([]byte, 20), make([]byte, 8)
	r1, r2 := make([]byte, 3), make([]byte, 4)
	riovs := []unix.Iovec{{Base: &r1[0]}, {Base: &r2[0]}}
	riovs[0].SetLen(len(r1))
	riovs[1].SetLen(len(r2))
	for i, prep := range []func(*SQE){
		func(s *SQE) { PrepRead(s, fd, b1, 100) },
		func(s *SQE) { PrepRead(s, fd, b2, 200) },
		func(s *SQE) { PrepRead(s, fd, b3, 1000) },
		func(s *SQE) { PrepReadv(s, fd, riovs, 10) },
	} {
		s := nextSQE(t, r)
		prep(s)
		s.UserData = uint64(10 + i)
	}
	got = reap(t, r, 4)
	runtime.KeepAlive(riovs)
	if got[10].Res != 5 || string(b1) != "world" {
		t.Errorf("read at 100: %d %q", got[10].Res, b1)
	}
	if got[11].Res != 15 || string(b2[:15]) != "vec-one|vec-two" {
		t.Errorf("read at 200: %d %q", got[11].Res, b2)
	}
	if got[12].Res != 0 {
		t.Errorf("read past EOF: %d", got[12].Res)
	}
	if got[13].Res != 7 || string(r1)+string(r2) != "hello\x00\x00" {
		t.Errorf("readv at 10: %d %q %q", got[13].Res, r1, r2)
	}

	// A read from a closed descriptor fails in its CQE, not in Submit.
	s := nextSQE(t, r)
	PrepRead(s, -1, b1, 0)
	s.UserData = 99
	if c := reap(t, r, 1)[99]; !errors.Is(c.Err(), unix.EBADF) {
		t.Errorf("read from fd -1: %+v (%v), want EBADF", c, c.Err())
	}
	runtime.KeepAlive(b1)
	runtime.KeepAlive(b2)
	runtime.KeepAlive(b3)
}

func TestOpenatStatxClose(t *testing.T) {
	r := newRing(t, 4, 0)
	dir := t.TempDir()
	name := filepath.Join(dir, "f")
	if err := os.WriteFile(name, []byte("0123456789"), 0o640); err != nil {
		t.Fatal(err)
	}
	dirf, err := os.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer dirf.Close()
	path, err := unix.BytePtrFromString("f")
	if err != nil {
		t.Fatal(err)
	}

	s := nextSQE(t, r)
	PrepOpenat(s, int(dirf.Fd()), path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	s.UserData = 1
	var stx unix.Statx_t
	s = nextSQE(t, r)
	PrepStatx(s, int(dirf.Fd()), path, unix.AT_SYMLINK_NOFOLLOW, unix.STATX_BASIC_STATS, &stx)
	s.UserData = 2
	got := reap(t, r, 2)
	if got[1].Res < 0 || got[2].Res != 0 {
		t.Fatalf("openat %v (%v), statx %v (%v)", got[1].Res, got[1].Err(), got[2].Res, got[2].Err())
	}
	fd := int(got[1].Res)

	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		t.Fatalf("fstat of the opened fd: %v", err)
	}
	fi, err := os.Stat(name)
	if err != nil {
		t.Fatal(err)
	}
	if stx.Size != 10 || stx.Mode&0o777 != 0o640 || stx.Ino != st.Ino || st.Size != 10 || stx.Mask&unix.STATX_SIZE == 0 || fi.Size() != int64(stx.Size) {
		t.Errorf("statx: size %d mode %o ino %d mask %#x; fstat ino %d size %d", stx.Size, stx.Mode, stx.Ino, stx.Mask, st.Ino, st.Size)
	}

	s = nextSQE(t, r)
	PrepClose(s, fd)
	s.UserData = 3
	if c := reap(t, r, 1)[3]; c.Res != 0 {
		t.Fatalf("close: %d (%v)", c.Res, c.Err())
	}
	if err := unix.Fstat(fd, &st); !errors.Is(err, unix.EBADF) {
		t.Errorf("fstat after io_uring close = %v, want EBADF", err)
	}

	s = nextSQE(t, r)
	missing, _ := unix.BytePtrFromString("missing")
	PrepOpenat(s, int(dirf.Fd()), missing, unix.O_RDONLY, 0)
	s.UserData = 4
	if c := reap(t, r, 1)[4]; !errors.Is(c.Err(), unix.ENOENT) {
		t.Errorf("openat of a missing file: %d (%v), want ENOENT", c.Res, c.Err())
	}
	runtime.KeepAlive(path)
	runtime.KeepAlive(missing)
	runtime.KeepAlive(&stx)
}

func TestFsync(t *testing.T) {
	r := newRing(t, 4, 0)
	f, err := os.Create(filepath.Join(t.TempDir(), "f"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s := nextSQE(t, r)
	PrepFsync(s, int(f.Fd()), 0)
	s.UserData = 1
	s = nextSQE(t, r)
	PrepFsync(s, int(f.Fd()), FsyncDatasync)
	s.UserData = 2
	got := reap(t, r, 2)
	if got[1].Res != 0 || got[2].Res != 0 {
		t.Fatalf("fsync: %+v", got)
	}
}

func TestProbe(t *testing.T) {
	r := newRing(t, 2, 0)
	p, err := r.Probe()
	if err != nil {
		t.Fatalf("Probe: %v", err)
	}
	if !p.Supported(OpNop) {
		t.Error("probe: NOP not supported")
	}
	if p.Supported(255) {
		t.Error("probe: opcode 255 supported")
	}
	var names []string
	for _, op := range p.SupportedOps() {
		names = append(names, OpName(op))
	}
	t.Logf("last op %d (%s); %d supported: %v", p.LastOp(), OpName(p.LastOp()), len(names), names)
	for _, op := range []uint8{OpRead, OpWrite, OpOpenat, OpClose, OpStatx, OpPollAdd, OpAsyncCancel, OpTimeout} {
		if !p.Supported(op) {
			t.Errorf("probe: %s not supported (kernel has RequiredFeatures, so 5.11+)", OpName(op))
		}
	}
	if p2, err := NewProbe(); err != nil || p2.LastOp() != p.LastOp() {
		t.Errorf("NewProbe = %v, %v", p2, err)
	}
}

func TestSubmitAndWaitTimeout(t *testing.T) {
	r := newRing(t, 2, 0)
	const timeout = 100 * time.Millisecond
	start := time.Now()
	n, err := r.SubmitAndWait(1, timeout)
	elapsed := time.Since(start)
	if n != 0 || err != nil {
		t.Fatalf("SubmitAndWait(1, %v) = %d, %v; want 0, nil", timeout, n, err)
	}
	if elapsed < timeout-5*time.Millisecond || elapsed > timeout+2*time.Second {
		t.Errorf("SubmitAndWait(1, %v) returned after %v", timeout, elapsed)
	}
	if r.CQReady() != 0 {
		t.Errorf("CQReady = %d after a timed-out wait", r.CQReady())
	}

	start = time.Now()
	if n, err := r.SubmitAndWait(1, 0); n != 0 || err != nil || time.Since(start) > time.Second {
		t.Errorf("SubmitAndWait(1, 0) = %d, %v after %v", n, err, time.Since(start))
	}

	// Submitting and waiting in one call: the NOP completes at once.
	PrepNop(nextSQE(t, r))
	if n, err := r.SubmitAndWait(1, -1); n != 1 || err != nil || r.CQReady() != 1 {
		t.Fatalf("SubmitAndWait(1, -1) with a NOP = %d, %v; CQReady %d", n, err, r.CQReady())
	}
	r.CQAdvance(1)
}

func TestTimeoutOp(t *testing.T) {
	r := newRing(t, 2, 0)
	ts := DurationTimespec(20 * time.Millisecond)
	s := nextSQE(t, r)
	PrepTimeout(s, &ts, 0, 0)
	s.UserData = 7
	start := time.Now()
	c := reap(t, r, 1)[7]
	runtime.KeepAlive(&ts)
	if !errors.Is(c.Err(), unix.ETIME) {
		t.Errorf("timeout CQE: %d (%v), want ETIME", c.Res, c.Err())
	}
	if e := time.Since(start); e < 15*time.Millisecond {
		t.Errorf("timeout fired after %v", e)
	}
}

func TestCancelPoll(t *testing.T) {
	r := newRing(t, 4, 0)
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
		t.Fatal(err)
	}
	defer unix.Close(p[0])
	defer unix.Close(p[1])

	const pollID, cancelID = 100, 200
	s := nextSQE(t, r)
	PrepPollAdd(s, p[0], unix.POLLIN)
	s.UserData = pollID
	if n, err := r.Submit(); n != 1 || err != nil {
		t.Fatalf("Submit poll = %d, %v", n, err)
	}
	// Nothing is ever written: the poll stays armed.
	if _, err := r.SubmitAndWait(1, 20*time.Millisecond); err != nil || r.CQReady() != 0 {
		t.Fatalf("poll on an empty pipe completed: %v, CQReady %d", err, r.CQReady())
	}

	s = nextSQE(t, r)
	PrepAsyncCancel(s, pollID, 0)
	s.UserData = cancelID
	got := reap(t, r, 2)
	if c := got[pollID]; !errors.Is(c.Err(), unix.ECANCELED) {
		t.Errorf("poll CQE: %d (%v), want ECANCELED", c.Res, c.Err())
	}
	if c := got[cancelID]; c.Res != 0 {
		t.Errorf("cancel CQE: %d (%v), want 0", c.Res, c.Err())
	}

	// Cancelling it again finds nothing.
	s = nextSQE(t, r)
	PrepAsyncCancel(s, pollID, 0)
	s.UserData = cancelID + 1
	if c := reap(t, r, 1)[cancelID+1]; !errors.Is(c.Err(), unix.ENOENT) {
		t.Errorf("second cancel: %d (%v), want ENOENT", c.Res, c.Err())
	}

	// And a poll on a readable pipe completes with POLLIN.
	if _, err := unix.Write(p[1], []byte("x")); err != nil {
		t.Fatal(err)
	}
	s = nextSQE(t, r)
	PrepPollAdd(s, p[0], unix.POLLIN)
	s.UserData = pollID + 1
	if c := reap(t, r, 1)[pollID+1]; c.Res < 0 || c.Res&unix.POLLIN == 0 {
		t.Errorf("poll on a readable pipe: %#x (%v)", c.Res, c.Err())
	}
}

func TestSQPoll(t *testing.T) {
	p := Params{Flags: SetupSQPoll, SQThreadIdle: 1} // idle after 1 ms: exercise wakeups
	r, err := SetupParams(4, &p)
	if err != nil {
		if errors.Is(err, ErrUnsupported) && os.Getenv(requireEnv) == "" {
			t.Skipf("io_uring cannot be used here: %v", err)
		}
		if errors.Is(err, unix.EPERM) {
			t.Skipf("SQPOLL not permitted: %v", err)
		}
		t.Fatal(err)
	}
	defer r.Close()
	for round := range 3 {
		time.Sleep(5 * time.Millisecond) // let the SQ thread go idle
		s := nextSQE(t, r)
		PrepNop(s)
		s.UserData = uint64(round)
		if c, ok := reap(t, r, 1)[uint64(round)]; !ok || c.Res != 0 {
			t.Fatalf("round %d: %+v", round, c)
		}
	}
}

// Each path Prep fills the SQE fields the kernel's io_uring/fs.c reads for
// its opcode, and no others: a kernel refuses a set field it does not read
// (EINVAL).
func TestPathPrepLayout(t *testing.T) {
	oldp, newp := &[]byte("old\x00")[0], &[]byte("new\x00")[0]
	a := func(p *byte) uint64 { return uint64(uintptr(unsafe.Pointer(p))) }
	const dirfd, newdirfd = 7, unix.AT_FDCWD
	newLen := uint32(0xFFFFFF9C) // AT_FDCWD, -100, as the __u32 len
	for _, c := range []struct {
		name string
		prep func(*SQE)
		want SQE
	}{
		{"unlinkat", func(s *SQE) { PrepUnlinkat(s, dirfd, oldp, 0) },
			SQE{Opcode: OpUnlinkat, Fd: dirfd, Addr: a(oldp)}},
		{"unlinkat AT_REMOVEDIR", func(s *SQE) { PrepUnlinkat(s, dirfd, oldp, unix.AT_REMOVEDIR) },
			SQE{Opcode: OpUnlinkat, Fd: dirfd, Addr: a(oldp), OpFlags: unix.AT_REMOVEDIR}},
		{"mkdirat", func(s *SQE) { PrepMkdirat(s, dirfd, oldp, 0o750) },
			SQE{Opcode: OpMkdirat, Fd: dirfd, Addr: a(oldp), Len: 0o750}},
		{"renameat", func(s *SQE) { PrepRenameat(s, dirfd, oldp, newdirfd, newp, unix.RENAME_EXCHANGE) },
			SQE{Opcode: OpRenameat, Fd: dirfd, Addr: a(oldp), Len: newLen, Off: a(newp), OpFlags: unix.RENAME_EXCHANGE}},
		{"linkat", func(s *SQE) { PrepLinkat(s, dirfd, oldp, newdirfd, newp, unix.AT_SYMLINK_FOLLOW) },
			SQE{Opcode: OpLinkat, Fd: dirfd, Addr: a(oldp), Len: newLen, Off: a(newp), OpFlags: unix.AT_SYMLINK_FOLLOW}},
		{"symlinkat", func(s *SQE) { PrepSymlinkat(s, oldp, newdirfd, newp) },
			SQE{Opcode: OpSymlinkat, Fd: newdirfd, Addr: a(oldp), Off: a(newp)}},
	} {
		var got SQE
		c.prep(&got)
		if got != c.want {
			t.Errorf("%s: SQE %+v, want %+v", c.name, got, c.want)
		}
	}
}

// The path opcodes through a ring, in a directory's descriptor and the
// current directory, with their errors; a kernel without all five skips
// the test.
func TestPathOps(t *testing.T) {
	r := newRing(t, 4, 0)
	p, err := r.Probe()
	if err != nil {
		t.Fatal(err)
	}
	// Each case builds on those before (d, s, d/h): a kernel that lacks
	// one of the opcodes (Linux 5.11 to 5.14 have unlinkat and renameat
	// alone) cannot run the rest.
	for _, op := range []uint8{OpMkdirat, OpLinkat, OpSymlinkat, OpRenameat, OpUnlinkat} {
		if !p.Supported(op) {
			t.Skipf("the kernel lacks %s", OpName(op))
		}
	}
	dir := t.TempDir()
	dirf, err := os.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer dirf.Close()
	dirfd := int(dirf.Fd())
	if err := os.WriteFile(filepath.Join(dir, "f"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	var paths [][]byte // kept until every completion is reaped
	cpath := func(s string) *byte {
		b := append([]byte(s), 0)
		paths = append(paths, b)
		return &b[0]
	}
	f, d, s, dh, ds, absDh := cpath("f"), cpath("d"), cpath("s"), cpath("d/h"), cpath("d/s"), cpath(filepath.Join(dir, "d/h"))
	for _, c := range []struct {
		name string
		op   uint8
		prep func(*SQE)
		want unix.Errno
	}{
		{"mkdirat d", OpMkdirat, func(e *SQE) { PrepMkdirat(e, dirfd, d, 0o700) }, 0},
		{"mkdirat d again", OpMkdirat, func(e *SQE) { PrepMkdirat(e, dirfd, d, 0o700) }, unix.EEXIST},
		{"linkat f d/h", OpLinkat, func(e *SQE) { PrepLinkat(e, dirfd, f, unix.AT_FDCWD, absDh, 0) }, 0},
		{"symlinkat f s", OpSymlinkat, func(e *SQE) { PrepSymlinkat(e, f, dirfd, s) }, 0},
		{"renameat s d/h NOREPLACE", OpRenameat, func(e *SQE) { PrepRenameat(e, dirfd, s, dirfd, dh, unix.RENAME_NOREPLACE) }, unix.EEXIST},
		{"renameat s d/s", OpRenameat, func(e *SQE) { PrepRenameat(e, dirfd, s, dirfd, ds, 0) }, 0},
		{"unlinkat d AT_REMOVEDIR", OpUnlinkat, func(e *SQE) { PrepUnlinkat(e, dirfd, d, unix.AT_REMOVEDIR) }, unix.ENOTEMPTY},
		{"unlinkat d/h", OpUnlinkat, func(e *SQE) { PrepUnlinkat(e, unix.AT_FDCWD, absDh, 0) }, 0},
		{"unlinkat d/h again", OpUnlinkat, func(e *SQE) { PrepUnlinkat(e, dirfd, dh, 0) }, unix.ENOENT},
	} {
		e := nextSQE(t, r)
		c.prep(e)
		e.UserData = 1
		if got := reap(t, r, 1)[1]; unix.Errno(max(-got.Res, 0)) != c.want {
			t.Errorf("%s: %d (%v), want %v", c.name, got.Res, got.Err(), c.want)
		}
	}
	runtime.KeepAlive(paths)
	if target, err := os.Readlink(filepath.Join(dir, "d", "s")); err != nil || target != "f" {
		t.Errorf("the renamed link holds %q (%v), want f", target, err)
	}
}
