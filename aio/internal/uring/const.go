//go:build linux

package uring

import "strconv"

// Opcodes (enum io_uring_op): SQE.Opcode. The comment gives the Linux
// release that added each; Probe tells what the running kernel supports.
const (
	OpNop            uint8 = 0  // 5.1
	OpReadv          uint8 = 1  // 5.1
	OpWritev         uint8 = 2  // 5.1
	OpFsync          uint8 = 3  // 5.1
	OpReadFixed      uint8 = 4  // 5.1
	OpWriteFixed     uint8 = 5  // 5.1
	OpPollAdd        uint8 = 6  // 5.1
	OpPollRemove     uint8 = 7  // 5.1
	OpSyncFileRange  uint8 = 8  // 5.2
	OpSendmsg        uint8 = 9  // 5.3
	OpRecvmsg        uint8 = 10 // 5.3
	OpTimeout        uint8 = 11 // 5.4
	OpTimeoutRemove  uint8 = 12 // 5.5
	OpAccept         uint8 = 13 // 5.5
	OpAsyncCancel    uint8 = 14 // 5.5
	OpLinkTimeout    uint8 = 15 // 5.5
	OpConnect        uint8 = 16 // 5.5
	OpFallocate      uint8 = 17 // 5.6
	OpOpenat         uint8 = 18 // 5.6
	OpClose          uint8 = 19 // 5.6
	OpFilesUpdate    uint8 = 20 // 5.6
	OpStatx          uint8 = 21 // 5.6
	OpRead           uint8 = 22 // 5.6
	OpWrite          uint8 = 23 // 5.6
	OpFadvise        uint8 = 24 // 5.6
	OpMadvise        uint8 = 25 // 5.6
	OpSend           uint8 = 26 // 5.6
	OpRecv           uint8 = 27 // 5.6
	OpOpenat2        uint8 = 28 // 5.6
	OpEpollCtl       uint8 = 29 // 5.6
	OpSplice         uint8 = 30 // 5.7
	OpProvideBuffers uint8 = 31 // 5.7
	OpRemoveBuffers  uint8 = 32 // 5.7
	OpTee            uint8 = 33 // 5.8
	OpShutdown       uint8 = 34 // 5.11
	OpRenameat       uint8 = 35 // 5.11
	OpUnlinkat       uint8 = 36 // 5.11
	OpMkdirat        uint8 = 37 // 5.15
	OpSymlinkat      uint8 = 38 // 5.15
	OpLinkat         uint8 = 39 // 5.15
	OpMsgRing        uint8 = 40 // 5.18
	OpFsetxattr      uint8 = 41 // 5.19
	OpSetxattr       uint8 = 42 // 5.19
	OpFgetxattr      uint8 = 43 // 5.19
	OpGetxattr       uint8 = 44 // 5.19
	OpSocket         uint8 = 45 // 5.19
	OpUringCmd       uint8 = 46 // 5.19
	OpSendZC         uint8 = 47 // 6.0
	OpSendmsgZC      uint8 = 48 // 6.1
	OpReadMultishot  uint8 = 49 // 6.7
	OpWaitid         uint8 = 50 // 6.7
	OpFutexWait      uint8 = 51 // 6.7
	OpFutexWake      uint8 = 52 // 6.7
	OpFutexWaitv     uint8 = 53 // 6.7
	OpFixedFdInstall uint8 = 54 // 6.8
	OpFtruncate      uint8 = 55 // 6.9
	OpBind           uint8 = 56 // 6.11
	OpListen         uint8 = 57 // 6.11
	OpRecvZC         uint8 = 58 // 6.15
	OpEpollWait      uint8 = 59 // 6.15
	OpReadvFixed     uint8 = 60 // 6.15
	OpWritevFixed    uint8 = 61 // 6.15
	OpPipe           uint8 = 62 // 6.16
	numKnownOps            = 63
)

var opNames = [numKnownOps]string{
	"NOP", "READV", "WRITEV", "FSYNC", "READ_FIXED", "WRITE_FIXED",
	"POLL_ADD", "POLL_REMOVE", "SYNC_FILE_RANGE", "SENDMSG", "RECVMSG",
	"TIMEOUT", "TIMEOUT_REMOVE", "ACCEPT", "ASYNC_CANCEL", "LINK_TIMEOUT",
	"CONNECT", "FALLOCATE", "OPENAT", "CLOSE", "FILES_UPDATE", "STATX",
	"READ", "WRITE", "FADVISE", "MADVISE", "SEND", "RECV", "OPENAT2",
	"EPOLL_CTL", "SPLICE", "PROVIDE_BUFFERS", "REMOVE_BUFFERS", "TEE",
	"SHUTDOWN", "RENAMEAT", "UNLINKAT", "MKDIRAT", "SYMLINKAT", "LINKAT",
	"MSG_RING", "FSETXATTR", "SETXATTR", "FGETXATTR", "GETXATTR", "SOCKET",
	"URING_CMD", "SEND_ZC", "SENDMSG_ZC", "READ_MULTISHOT", "WAITID",
	"FUTEX_WAIT", "FUTEX_WAKE", "FUTEX_WAITV", "FIXED_FD_INSTALL",
	"FTRUNCATE", "BIND", "LISTEN", "RECV_ZC", "EPOLL_WAIT", "READV_FIXED",
	"WRITEV_FIXED", "PIPE",
}

// OpName returns the kernel's name of op without the IORING_OP_ prefix
// ("READV"), or "OP_<n>" for an opcode this package does not know.
func OpName(op uint8) string {
	if int(op) < len(opNames) {
		return opNames[op]
	}
	return "OP_" + strconv.Itoa(int(op))
}

// SQE flags (IOSQE_*): SQE.Flags.
const (
	SQEFixedFile      uint8 = 1 << 0 // Fd is an index into the registered files
	SQEIODrain        uint8 = 1 << 1 // start only after all earlier SQEs completed
	SQEIOLink         uint8 = 1 << 2 // the next SQE starts after this one succeeded
	SQEIOHardlink     uint8 = 1 << 3 // like SQEIOLink, even if this one failed
	SQEAsync          uint8 = 1 << 4 // always go to the async worker pool
	SQEBufferSelect   uint8 = 1 << 5 // pick a provided buffer from BufIndex (buf_group)
	SQECQESkipSuccess uint8 = 1 << 6 // post no CQE on success (5.17)
)

// io_uring_setup(2) flags (IORING_SETUP_*): Params.Flags.
const (
	SetupIOPoll           uint32 = 1 << 0  // busy-poll for completions (O_DIRECT block I/O only)
	SetupSQPoll           uint32 = 1 << 1  // a kernel thread polls the SQ
	SetupSQAff            uint32 = 1 << 2  // pin the SQ thread to Params.SQThreadCPU
	SetupCQSize           uint32 = 1 << 3  // Params.CQEntries gives the CQ size
	SetupClamp            uint32 = 1 << 4  // clamp too large sizes instead of EINVAL
	SetupAttachWQ         uint32 = 1 << 5  // share the async backend of Params.WQFd
	SetupRDisabled        uint32 = 1 << 6  // start disabled (IORING_REGISTER_ENABLE_RINGS)
	SetupSubmitAll        uint32 = 1 << 7  // keep submitting after an SQE fails to submit
	SetupCoopTaskrun      uint32 = 1 << 8  // no IPI to run completion work
	SetupTaskrunFlag      uint32 = 1 << 9  // flag pending work with SQTaskrun
	SetupSQE128           uint32 = 1 << 10 // 128-byte SQEs (refused here)
	SetupCQE32            uint32 = 1 << 11 // 32-byte CQEs (refused here)
	SetupSingleIssuer     uint32 = 1 << 12 // only one task (thread!) submits
	SetupDeferTaskrun     uint32 = 1 << 13 // run completion work only in io_uring_enter
	SetupNoMmap           uint32 = 1 << 14 // application-provided ring memory (refused here)
	SetupRegisteredFdOnly uint32 = 1 << 15 // return a registered ring index (refused here)
	SetupNoSQArray        uint32 = 1 << 16 // no SQ index array (refused here)
	SetupHybridIOPoll     uint32 = 1 << 17 // hybrid polling with SetupIOPoll
)

// setupRefused are the setup flags that change the memory layout this
// package maps, or what io_uring_setup(2) returns.
const setupRefused = SetupSQE128 | SetupCQE32 | SetupNoMmap | SetupRegisteredFdOnly | SetupNoSQArray

// io_uring_enter(2) flags (IORING_ENTER_*).
const (
	EnterGetEvents      uint32 = 1 << 0 // wait for min_complete completions
	EnterSQWakeup       uint32 = 1 << 1 // wake the SQ poll thread
	EnterSQWait         uint32 = 1 << 2 // wait for SQ space (SQPOLL)
	EnterExtArg         uint32 = 1 << 3 // argp is struct io_uring_getevents_arg
	EnterRegisteredRing uint32 = 1 << 4 // fd is a registered ring index
	EnterAbsTimer       uint32 = 1 << 5 // the timeout is absolute
	EnterExtArgReg      uint32 = 1 << 6 // argp indexes a registered wait region
)

// Feature flags (IORING_FEAT_*): Params.Features, set by the kernel.
const (
	FeatSingleMmap     uint32 = 1 << 0  // SQ and CQ rings share one mapping (5.4)
	FeatNodrop         uint32 = 1 << 1  // completions are never dropped (5.5)
	FeatSubmitStable   uint32 = 1 << 2  // SQE data is consumed at submission (5.5)
	FeatRWCurPos       uint32 = 1 << 3  // offset -1 means the file position (5.6)
	FeatCurPersonality uint32 = 1 << 4  // submitter's credentials are used (5.6)
	FeatFastPoll       uint32 = 1 << 5  // internal polling instead of threads (5.7)
	FeatPoll32Bits     uint32 = 1 << 6  // 32-bit poll masks (5.9)
	FeatSQPollNonfixed uint32 = 1 << 7  // SQPOLL without registered files (5.11)
	FeatExtArg         uint32 = 1 << 8  // IORING_ENTER_EXT_ARG (5.11)
	FeatNativeWorkers  uint32 = 1 << 9  // workers are threads of the submitter (5.12)
	FeatRsrcTags       uint32 = 1 << 10 // tagged resources (5.13)
	FeatCQESkip        uint32 = 1 << 11 // SQECQESkipSuccess (5.17)
	FeatLinkedFile     uint32 = 1 << 12 // linked requests' files resolved late (5.17)
	FeatRegRegRing     uint32 = 1 << 13 // register with a registered ring (6.3)
	FeatRecvsendBundle uint32 = 1 << 14 // send/recv bundles (6.10)
	FeatMinTimeout     uint32 = 1 << 15 // min_wait_usec (6.12)
	FeatRWAttr         uint32 = 1 << 16 // read/write attributes (6.14)
)

// RequiredFeatures are the features Setup insists on, or fails with
// ErrUnsupported: completions must never be dropped, SubmitAndWait's
// timeout needs IORING_ENTER_EXT_ARG, and a read of a socket with no data
// must wait for it (FeatFastPoll), where without it the read completes
// with EAGAIN and a caller that submits it again spins. Together they
// mean Linux 5.11 or later, which also has everything Probe needs (5.6).
const RequiredFeatures = FeatNodrop | FeatExtArg | FeatFastPoll

// SQ ring flags (IORING_SQ_*), read from the shared SQ ring.
const (
	SQNeedWakeup uint32 = 1 << 0 // the SQ poll thread sleeps: enter with EnterSQWakeup
	SQCQOverflow uint32 = 1 << 1 // completions wait in the overflow list
	SQTaskrun    uint32 = 1 << 2 // completion work waits for io_uring_enter
)

// CQE flags (IORING_CQE_F_*): CQE.Flags.
const (
	CQEFBuffer       uint32 = 1 << 0 // the upper 16 bits are a provided buffer's id
	CQEFMore         uint32 = 1 << 1 // more CQEs will come for this SQE (multishot)
	CQEFSockNonempty uint32 = 1 << 2 // more data is ready on the socket
	CQEFNotif        uint32 = 1 << 3 // a zero-copy send's notification
	CQEFBufMore      uint32 = 1 << 4 // the buffer will be used by later completions
	CQEBufferShift          = 16     // CQE.Flags >> CQEBufferShift is the buffer id
)

// Offsets to mmap(2) the ring file descriptor at (IORING_OFF_*).
const (
	offSQRing int64 = 0
	offCQRing int64 = 0x8000000
	offSQEs   int64 = 0x10000000
)

// Fsync flags (IORING_FSYNC_*): SQE.OpFlags of OpFsync.
const FsyncDatasync uint32 = 1 << 0 // fdatasync(2) instead of fsync(2)

// Timeout flags (IORING_TIMEOUT_*): SQE.OpFlags of OpTimeout,
// OpTimeoutRemove and OpLinkTimeout.
const (
	TimeoutAbs               uint32 = 1 << 0 // the timespec is absolute
	TimeoutUpdate            uint32 = 1 << 1 // OpTimeoutRemove updates a timeout
	TimeoutBoottime          uint32 = 1 << 2 // CLOCK_BOOTTIME
	TimeoutRealtime          uint32 = 1 << 3 // CLOCK_REALTIME
	TimeoutLinkTimeoutUpdate uint32 = 1 << 4 // OpTimeoutRemove updates a link timeout
	TimeoutETimeSuccess      uint32 = 1 << 5 // expiry is a success for links
	TimeoutMultishot         uint32 = 1 << 6 // a repeating timeout
)

// Poll flags (IORING_POLL_*): SQE.Len of OpPollAdd and OpPollRemove.
const (
	PollAddMulti       uint32 = 1 << 0 // multishot poll
	PollUpdateEvents   uint32 = 1 << 1 // OpPollRemove updates the events
	PollUpdateUserData uint32 = 1 << 2 // OpPollRemove updates the user data
	PollAddLevel       uint32 = 1 << 3 // level-triggered poll
)

// Async cancel flags (IORING_ASYNC_CANCEL_*): SQE.OpFlags of OpAsyncCancel.
const (
	AsyncCancelAll      uint32 = 1 << 0 // cancel every match, not only the first
	AsyncCancelFd       uint32 = 1 << 1 // match on SQE.Fd instead of user data
	AsyncCancelAny      uint32 = 1 << 2 // match any request
	AsyncCancelFdFixed  uint32 = 1 << 3 // SQE.Fd is a fixed file index
	AsyncCancelUserdata uint32 = 1 << 4 // match on user data (the default)
	AsyncCancelOp       uint32 = 1 << 5 // match on opcode
)

// io_uring_register(2) opcodes (IORING_REGISTER_*), for Register.
const (
	RegisterBuffers        uint32 = 0
	UnregisterBuffers      uint32 = 1
	RegisterFiles          uint32 = 2
	UnregisterFiles        uint32 = 3
	RegisterEventfd        uint32 = 4
	UnregisterEventfd      uint32 = 5
	RegisterFilesUpdate    uint32 = 6
	RegisterEventfdAsync   uint32 = 7
	RegisterProbe          uint32 = 8
	RegisterPersonality    uint32 = 9
	UnregisterPersonality  uint32 = 10
	RegisterRestrictions   uint32 = 11
	RegisterEnableRings    uint32 = 12
	RegisterIowqMaxWorkers uint32 = 19 // 5.15: caps the kernel's worker threads, [2]uint32{bounded, unbounded}
)

// ioUringOpSupported is IO_URING_OP_SUPPORTED, the probe_op flag.
const ioUringOpSupported uint16 = 1 << 0
