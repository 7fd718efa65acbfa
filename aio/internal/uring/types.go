//go:build linux

package uring

import (
	"syscall"
	"unsafe"
)

// SQE is struct io_uring_sqe, the 64-byte submission queue entry. Fields
// that are unions in the kernel header carry the name of their first
// member; the other members are listed in the field's comment.
type SQE struct {
	Opcode uint8  // IORING_OP_*: Op* constants
	Flags  uint8  // IOSQE_*: SQE* flag constants
	Ioprio uint16 // I/O priority; flags for send/recv/accept (Recvsend*, Accept*)
	Fd     int32  // file descriptor, or fixed file index with SQEFixedFile
	Off    uint64 // offset into the file; also addr2, {cmd_op, __pad1}
	Addr   uint64 // buffer, iovec array or path address; also splice_off_in, {level, optname}
	Len    uint32 // buffer size or number of iovecs
	// OpFlags is the per-opcode flags union: rw_flags, fsync_flags,
	// poll_events/poll32_events, sync_range_flags, msg_flags, timeout_flags,
	// accept_flags, cancel_flags, open_flags, statx_flags, fadvise_advice,
	// splice_flags, rename_flags, unlink_flags, hardlink_flags, xattr_flags,
	// msg_ring_flags, uring_cmd_flags, waitid_flags, futex_flags,
	// install_fd_flags, nop_flags, ...
	OpFlags     uint32
	UserData    uint64 // copied verbatim into the operation's CQE
	BufIndex    uint16 // fixed buffer index; also buf_group with SQEBufferSelect
	Personality uint16 // credentials registered with IORING_REGISTER_PERSONALITY
	SpliceFdIn  int32  // also file_index, optlen, {addr_len, __pad3}
	Addr3       uint64 // also attr_ptr, optval
	Pad         uint64 // __pad2[0]; also attr_type_mask
}

// CQE is struct io_uring_cqe, the 16-byte completion queue entry (rings set
// up with SetupCQE32 have 32-byte entries and are refused by SetupParams).
type CQE struct {
	UserData uint64 // the SQE's UserData
	Res      int32  // result: what the system call would return, or -errno
	Flags    uint32 // CQEF* flags
}

// Err returns the error the CQE reports: nil when Res >= 0, else the errno
// -Res.
func (c CQE) Err() error {
	if c.Res >= 0 {
		return nil
	}
	return syscall.Errno(-c.Res)
}

// SQRingOffsets is struct io_sqring_offsets: where the SQ ring's fields are
// in the area mapped at IORING_OFF_SQ_RING.
type SQRingOffsets struct {
	Head        uint32
	Tail        uint32
	RingMask    uint32
	RingEntries uint32
	Flags       uint32
	Dropped     uint32
	Array       uint32
	Resv1       uint32
	UserAddr    uint64 // resv2 before Linux 6.5
}

// CQRingOffsets is struct io_cqring_offsets: where the CQ ring's fields are
// in the area mapped at IORING_OFF_CQ_RING.
type CQRingOffsets struct {
	Head        uint32
	Tail        uint32
	RingMask    uint32
	RingEntries uint32
	Overflow    uint32
	Cqes        uint32
	Flags       uint32
	Resv1       uint32
	UserAddr    uint64 // resv2 before Linux 6.5
}

// Params is struct io_uring_params, passed to io_uring_setup(2) and filled
// in by it.
type Params struct {
	SQEntries    uint32 // out: SQ ring size
	CQEntries    uint32 // in with SetupCQSize, out: CQ ring size
	Flags        uint32 // in: Setup* flags
	SQThreadCPU  uint32 // in with SetupSQAff
	SQThreadIdle uint32 // in with SetupSQPoll: milliseconds
	Features     uint32 // out: Feat* flags
	WQFd         uint32 // in with SetupAttachWQ
	Resv         [3]uint32
	SQOff        SQRingOffsets // out
	CQOff        CQRingOffsets // out
}

// KernelTimespec is struct __kernel_timespec, which has 64-bit fields on
// every architecture (unlike unix.Timespec on 32-bit ones).
type KernelTimespec struct {
	Sec  int64
	Nsec int64
}

// getEventsArg is struct io_uring_getevents_arg, the io_uring_enter(2)
// argument with IORING_ENTER_EXT_ARG.
type getEventsArg struct {
	Sigmask     uint64 // sigset_t address, 0 for none
	SigmaskSz   uint32
	MinWaitUsec uint32 // pad before Linux 6.12
	Ts          uint64 // *KernelTimespec, 0 for no timeout
}

// probeOp is struct io_uring_probe_op.
type probeOp struct {
	Op    uint8
	Resv  uint8
	Flags uint16 // IO_URING_OP_SUPPORTED
	Resv2 uint32
}

// probeHdr is struct io_uring_probe without its flexible ops[] array.
type probeHdr struct {
	LastOp uint8 // last opcode the kernel knows
	OpsLen uint8 // number of ops[] entries filled in
	Resv   uint16
	Resv2  [3]uint32
}

// Sizes of the kernel structures, checked against the Go types by the
// tests and, at compile time, below.
const (
	sizeofSQE          = 64
	sizeofCQE          = 16
	sizeofParams       = 120
	sizeofGetEventsArg = 24
	sizeofProbeHdr     = 16
	sizeofProbeOp      = 8
)

// Compile-time layout checks: each index is out of range, and so a compile
// error, unless the size matches.
var (
	_ = [1]struct{}{}[unsafe.Sizeof(SQE{})-sizeofSQE]
	_ = [1]struct{}{}[unsafe.Sizeof(CQE{})-sizeofCQE]
	_ = [1]struct{}{}[unsafe.Sizeof(Params{})-sizeofParams]
	_ = [1]struct{}{}[unsafe.Sizeof(getEventsArg{})-sizeofGetEventsArg]
	_ = [1]struct{}{}[unsafe.Sizeof(probeHdr{})-sizeofProbeHdr]
	_ = [1]struct{}{}[unsafe.Sizeof(probeOp{})-sizeofProbeOp]
)
