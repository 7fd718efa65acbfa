package aio

import (
	"errors"
	"fmt"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/corogo/coro/aio/internal/uring"
)

// uringEntries is the submission queue size of a scheduler's ring.
const uringEntries = 256

// iowqWorkers caps a ring's io_uring kernel workers for file work
// (newUring); syncWorkers while syncs wait together (syncStarted).
const (
	iowqWorkers = 1
	syncWorkers = 16
)

// User data of the ring's own entries; requests' tags (tagTable) are
// below 1<<63.
const (
	wakeTag   = 1 << 63 // the poll on the wake eventfd
	cancelTag = wakeTag + 1
)

// uringBackend carries requests through one io_uring per scheduler.
// Submissions are batched: they reach the kernel when the scheduler idles
// (wait) or the submission queue fills, so many coroutines' requests cost
// one system call.
type uringBackend struct {
	ring     *uring.Ring
	inflight tagTable   // keeps each request, and its memory, alive until its completion
	efd      int        // eventfd that wake writes to
	armed    bool       // a poll on efd is in the ring
	early    []*request // completed while the ring pushed back (EBUSY); delivered by the next wait
	// carries are the requests this ring carries (carriedOps), the rest
	// going to the pool. An array, not a map: supports runs for every
	// request.
	carries [numOpcodes]bool
	syncs   int  // fsyncs and fdatasyncs in flight (syncStarted)
	capped  bool // the kernel took the cap on file workers (Linux 5.15)
	raised  bool // the file workers' cap is syncWorkers
}

// uringOp is how the ring carries a request: carried, with which io_uring
// opcode, and whether a kernel without that opcode still gets a ring.
type uringOp struct {
	carried  bool
	code     uint8
	optional bool // where the kernel lacks code, the pool takes these requests
}

// uringOps are the requests a ring can carry. The path requests are
// optional: their opcodes came in Linux 5.11 (unlinkat, renameat) and
// 5.15 (mkdirat, symlinkat, linkat), and a kernel may be built or
// restricted without them.
var uringOps = [numOpcodes]uringOp{
	opPoll: {true, uring.OpPollAdd, false}, opNop: {true, uring.OpNop, false}, opOpen: {true, uring.OpOpenat, false},
	opClose: {true, uring.OpClose, false}, opRead: {true, uring.OpRead, false}, opWrite: {true, uring.OpWrite, false},
	opFsync: {true, uring.OpFsync, false}, opFdatasync: {true, uring.OpFsync, false}, opStatx: {true, uring.OpStatx, false},
	opUnlink: {true, uring.OpUnlinkat, true}, opMkdir: {true, uring.OpMkdirat, true}, opRename: {true, uring.OpRenameat, true},
	opLink: {true, uring.OpLinkat, true}, opSymlink: {true, uring.OpSymlinkat, true},
}

// carriedOps returns which requests a ring carries, given which io_uring
// opcodes its kernel supports (the ring's probe): those of uringOps but
// the optional ones the kernel lacks. It fails where the kernel lacks
// another, or the poll and the cancel the ring itself needs (wake,
// cancel).
func carriedOps(supported func(code uint8) bool) ([numOpcodes]bool, error) {
	var carries [numOpcodes]bool
	lacks := func(code uint8) error {
		return fmt.Errorf("aio: io_uring lacks %s: %w", uring.OpName(code), uring.ErrUnsupported)
	}
	for _, code := range []uint8{uring.OpPollAdd, uring.OpAsyncCancel} {
		if !supported(code) {
			return carries, lacks(code)
		}
	}
	for op, u := range uringOps {
		switch {
		case !u.carried:
		case supported(u.code):
			carries[op] = true
		case !u.optional:
			return carries, lacks(u.code)
		}
	}
	return carries, nil
}

// uringSetups are the ring set-ups newUring tries, best first; a kernel
// that lacks a flag of one refuses it with EINVAL.
//
// By default the kernel finishes a completion (a socket read's copy, once
// data arrives) by interrupting the submitting thread, which then runs the
// work on its way back to user mode: one interrupt of the host per socket
// request. CoopTaskrun (Linux 5.19) waits for the thread's next entry to
// the kernel instead, and DeferTaskrun (6.1) for its next wait in the ring,
// where the work of many requests runs as a batch (TCP echo, 1,000
// connections: 9.5 against 12.5 µs of server CPU per request). TaskrunFlag
// marks the ring's flags while such work waits (Ring.Submit then collects
// it).
//
// DeferTaskrun requires SingleIssuer: one thread alone submits to the ring
// and waits in it, or io_uring_enter fails with EEXIST. That holds: the
// ring is made by a coroutine and used by its scheduler's coroutines only,
// which all run on one locked thread: on the portable engine the thread
// sched.Run locks its goroutine to, which the runtime's coroutine switch
// keeps; on the turbo engine the host goroutine's, which locks a thread of
// its own when its caller is locked. Other goroutines only write the wake
// eventfd and close the ring's descriptor, which are not io_uring calls.
var uringSetups = [...]uint32{
	uring.SetupSingleIssuer | uring.SetupDeferTaskrun | uring.SetupCoopTaskrun | uring.SetupTaskrunFlag,
	uring.SetupCoopTaskrun | uring.SetupTaskrunFlag,
	0,
}

// setupRing makes a ring with the first of uringSetups the kernel takes.
func setupRing() (ring *uring.Ring, err error) {
	for _, flags := range uringSetups {
		if ring, err = uring.Setup(uringEntries, flags); !errors.Is(err, unix.EINVAL) {
			break
		}
	}
	return ring, err
}

func newUring() (backend, error) {
	ring, err := setupRing()
	if err != nil {
		return nil, fmt.Errorf("aio: io_uring: %w", err)
	}
	probe, err := ring.Probe()
	if err != nil {
		ring.Close()
		return nil, fmt.Errorf("aio: io_uring: %w", err)
	}
	carries, err := carriedOps(probe.Supported)
	if err != nil {
		ring.Close()
		return nil, err
	}
	// A policy may refuse io_uring_enter(2) alone (a seccomp profile): a
	// no-op made here finds it while the pool can still serve, rather than
	// the scheduler's first wait.
	uring.PrepNop(ring.NextSQE())
	if _, err := ring.SubmitAndWait(1, -1); err != nil {
		ring.Close()
		return nil, fmt.Errorf("aio: io_uring: %w", err)
	}
	ring.CQAdvance(uint32(ring.CQReady()))
	// The kernel's worker threads for file work that cannot complete at
	// once (statx, opens that miss the dentry cache, and the path requests,
	// which the kernel always hands to them) are capped: more only
	// thrash a small machine (open+fstat+close: 6.2 µs with 4 threads
	// against 9.6 µs with 15 to 26 uncapped), and a scheduler stays within
	// a few busy threads; syncs are the exception (syncStarted).
	capped := setFileWorkers(ring, iowqWorkers) == nil
	efd, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	if err != nil {
		ring.Close()
		return nil, fmt.Errorf("aio: eventfd: %w", err)
	}
	return &uringBackend{ring: ring, efd: efd, carries: carries, capped: capped}, nil
}

func (b *uringBackend) name() string { return "io_uring" }

func (b *uringBackend) supports(op opcode) bool { return b.carries[op] }

// sqe returns a free submission entry, submitting the queued ones first
// when the queue is full.
func (b *uringBackend) sqe() *uring.SQE {
	for {
		if sqe := b.ring.NextSQE(); sqe != nil {
			return sqe
		}
		_, err := b.ring.Submit()
		b.pushedBack(err)
	}
}

// pushedBack handles an error of io_uring_enter. EBUSY and EAGAIN mean the
// kernel holds completions it cannot post: taking them off the ring (to be
// delivered by the next wait) lets the submission go through next time.
// EEXIST means another thread entered the ring (SingleIssuer, see
// uringSetups). Any other error means the ring itself is broken.
func (b *uringBackend) pushedBack(err error) {
	switch {
	case err == nil:
	case errors.Is(err, unix.EBUSY), errors.Is(err, unix.EAGAIN):
		b.deliver(func(r *request) { b.early = append(b.early, r) })
	case errors.Is(err, unix.EEXIST):
		panic(fmt.Sprintf("aio: io_uring: %v: the scheduler's ring was entered from a thread other than its own; a coroutine must not undo the runtime.LockOSThread of sched.Run", err))
	default:
		panic(fmt.Sprintf("aio: io_uring: %v", err))
	}
}

func (b *uringBackend) submit(r *request) {
	r.tag = b.inflight.add(r)
	sqe := b.sqe()
	switch r.op {
	case opPoll:
		uring.PrepPollAdd(sqe, r.fd, uint32(r.flags))
	case opNop:
		uring.PrepNop(sqe)
	case opOpen:
		uring.PrepOpenat(sqe, r.fd, r.cname(), r.flags|unix.O_CLOEXEC, r.mode)
	case opClose:
		uring.PrepClose(sqe, r.fd)
	case opRead:
		uring.PrepRead(sqe, r.fd, r.buf, uint64(r.off)) // off -1: the file position
		sqe.Ioprio = r.prio
	case opWrite:
		uring.PrepWrite(sqe, r.fd, r.buf, uint64(r.off))
		sqe.Ioprio = r.prio
	case opFsync:
		uring.PrepFsync(sqe, r.fd, 0)
		b.syncStarted()
	case opFdatasync:
		uring.PrepFsync(sqe, r.fd, uring.FsyncDatasync)
		b.syncStarted()
	case opStatx:
		uring.PrepStatx(sqe, r.fd, r.cname(), r.flags, unix.STATX_BASIC_STATS, r.stat)
	case opUnlink:
		uring.PrepUnlinkat(sqe, r.fd, r.cname(), r.flags)
	case opMkdir:
		uring.PrepMkdirat(sqe, r.fd, r.cname(), r.mode)
	case opRename:
		oldname, newname := r.cnames()
		uring.PrepRenameat(sqe, r.fd, oldname, r.fd2, newname, r.flags)
	case opLink:
		oldname, newname := r.cnames()
		uring.PrepLinkat(sqe, r.fd, oldname, r.fd2, newname, r.flags)
	case opSymlink:
		link, target := r.cnames()
		uring.PrepSymlinkat(sqe, target, r.fd, link)
	}
	sqe.UserData = r.tag
}

// syncStarted counts a sync submitted. A sync is made by a kernel worker
// and waits on the disk, not a core: while two or more are in flight, the
// cap on the workers is syncWorkers, so that they wait together rather
// than one after another (100 coroutines writing and syncing a file each:
// 21 µs a sync, against 98-101 µs under iowqWorkers and goroutines' 30-31
// µs, with one busy thread). A lone sync leaves the cap alone, and costs
// no system call for it. The cap is the submitting thread's, for all its
// rings, and lowering it stops no worker: those started finish their idle
// time (5 s) and may take other file work meanwhile.
func (b *uringBackend) syncStarted() {
	if b.syncs++; b.syncs == 2 && b.capped && !b.raised {
		b.raised = setFileWorkers(b.ring, syncWorkers) == nil
	}
}

// syncEnded counts a sync's completion; the cap is iowqWorkers again once
// none is in flight.
func (b *uringBackend) syncEnded() {
	if b.syncs--; b.syncs == 0 && b.raised {
		b.raised = setFileWorkers(b.ring, iowqWorkers) != nil // should it fail, tried again when next none is in flight
	}
}

// setFileWorkers caps the io_uring kernel workers of the calling thread
// for file work (bounded) at n; socket workers (unbounded) keep theirs
// (0: unchanged). Best effort: a kernel before Linux 5.15 refuses it
// (EINVAL), and its workers are not capped at all.
func setFileWorkers(ring *uring.Ring, n uint32) error {
	workers := [2]uint32{n, 0} // bounded, unbounded
	_, err := ring.Register(uring.RegisterIowqMaxWorkers, unsafe.Pointer(&workers), 2)
	return err
}

func (b *uringBackend) cancel(r *request) {
	sqe := b.sqe()
	uring.PrepAsyncCancel(sqe, r.tag, 0)
	sqe.UserData = cancelTag
}

func (b *uringBackend) wait(deadline time.Time, complete func(*request)) {
	if !b.armed {
		sqe := b.sqe()
		uring.PrepPollAdd(sqe, b.efd, unix.POLLIN)
		sqe.UserData = wakeTag
		b.armed = true
	}
	timeout := time.Duration(-1) // no deadline
	if !deadline.IsZero() {
		timeout = max(time.Until(deadline), 0)
	}
	if b.ring.CQReady() > 0 || len(b.early) > 0 {
		timeout = 0
	}
	_, err := b.ring.SubmitAndWait(1, timeout)
	b.pushedBack(err)
	for _, r := range b.early {
		complete(r)
	}
	b.early = b.early[:0]
	b.deliver(complete)
}

func (b *uringBackend) deliver(complete func(*request)) {
	b.ring.ForEachCQE(func(cqe *uring.CQE) {
		switch cqe.UserData {
		case wakeTag:
			b.armed = false
			var buf [8]byte
			unix.Read(b.efd, buf[:]) // reset the counter; EAGAIN when already read
		case cancelTag:
		default:
			r := b.inflight.take(cqe.UserData)
			r.res = int(cqe.Res)
			if r.op == opFsync || r.op == opFdatasync {
				b.syncEnded()
			}
			complete(r)
		}
	})
}

func (b *uringBackend) wake() {
	one := [8]byte{1} // a little-endian or big-endian 1 is nonzero either way
	unix.Write(b.efd, one[:])
}

// forget submits the entries still queued. One may name fd by number (a
// read or poll queued this turn, and the cancel Close sends it), and once
// fd is closed the number may name another file: Accept, Dial or an open
// before the loop next submits would give the stale read that file's data.
// Submitted, an entry holds the file itself, until its completion is
// posted: the cancelled ones' completions, which the ring keeps for the
// next wait in it (DeferTaskrun, CoopTaskrun), are posted now, so that
// the close that follows closes the file (a listener's port is free, a
// connection's peer reads its end) without waiting for the scheduler to
// idle.
func (b *uringBackend) forget(int) {
	for b.ring.SQPending() > 0 {
		_, err := b.ring.Submit()
		b.pushedBack(err)
	}
	_, err := b.ring.Submit() // with no entries, enters the kernel only for the work it keeps (Ring.Submit)
	b.pushedBack(err)
}

func (b *uringBackend) close() error {
	err := b.ring.Close()
	unix.Close(b.efd)
	return err
}
