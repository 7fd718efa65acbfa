//go:build linux

package uring

import (
	"errors"
	"fmt"
	"os"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Ring is an io_uring instance: its file descriptor and the kernel memory
// shared with it, mapped into the process. Create one with Setup or
// SetupParams and release it with Close. See the package documentation
// for the rules on concurrency and on memory handed to the kernel.
type Ring struct {
	fd     int
	params Params // as filled in by io_uring_setup(2)

	ringMem  []byte // SQ ring; with FeatSingleMmap also the CQ ring
	cqMem    []byte // CQ ring: ringMem, or its own mapping without FeatSingleMmap
	cqShared bool   // cqMem is ringMem
	sqeMem   []byte // SQE array

	// Submission queue. The kernel advances *sqHead; we advance *sqTail.
	sqHead    *uint32
	sqTail    *uint32
	sqFlags   *uint32
	sqMask    uint32
	sqEntries uint32
	sqes      []SQE
	sqeHead   uint32 // first SQE handed out by NextSQE and not yet published
	sqeTail   uint32 // next SQE NextSQE hands out

	// Completion queue. The kernel advances *cqTail; we advance *cqHead.
	cqHead    *uint32
	cqTail    *uint32
	cqMask    uint32
	cqEntries uint32
	cqes      []CQE

	// The io_uring_enter(2) argument for waits with a timeout; kept here so
	// that it is on the heap and alive for the whole system call.
	waitArg getEventsArg
	waitTs  KernelTimespec
}

// forceSeparateMmaps makes SetupParams map the CQ ring on its own even when
// the kernel offers FeatSingleMmap, so that the tests exercise the path
// taken on kernels before 5.4.
var forceSeparateMmaps = false

// Setup creates a ring with at least entries SQ entries (the kernel rounds
// up to a power of two, at most 32768 unless SetupClamp) and the Setup*
// flags given; it is SetupParams with a Params holding only flags.
func Setup(entries uint32, flags uint32) (*Ring, error) {
	return SetupParams(entries, &Params{Flags: flags})
}

// SetupParams creates a ring with io_uring_setup(2), which reads the input
// fields of p and fills in its output fields, and maps the SQ ring, the CQ
// ring (in the same mapping when the kernel has FeatSingleMmap) and the SQE
// array. Flags that change those layouts (SetupSQE128, SetupCQE32,
// SetupNoMmap, SetupRegisteredFdOnly, SetupNoSQArray) are refused with
// EINVAL. Errors match ErrUnsupported when io_uring cannot be used at all
// here, including when the kernel lacks RequiredFeatures.
func SetupParams(entries uint32, p *Params) (*Ring, error) {
	if p.Flags&setupRefused != 0 {
		return nil, fmt.Errorf("uring: setup: flags %#x change the ring layout and are not supported: %w", p.Flags&setupRefused, unix.EINVAL)
	}
	fd, err := ioUringSetup(entries, p)
	if err != nil {
		if err == unix.EPERM && p.Flags&SetupSQPoll != 0 {
			// Before Linux 5.11 SQPOLL needs CAP_SYS_ADMIN: io_uring
			// itself may still be usable.
			return nil, fmt.Errorf("uring: setup: SQPOLL: %w", err)
		}
		return nil, wrapErrno("setup", err)
	}
	r := &Ring{fd: fd, params: *p}
	if missing := RequiredFeatures &^ p.Features; missing != 0 {
		r.Close()
		return nil, unsupported("setup", fmt.Sprintf("kernel lacks io_uring features %#x (Linux 5.11 or later is needed)", missing), nil)
	}
	if err := r.mmap(); err != nil {
		r.Close()
		return nil, err
	}
	return r, nil
}

// mmap maps the rings and the SQE array and points r's fields into them.
func (r *Ring) mmap() error {
	p := &r.params
	sqSize := int(p.SQOff.Array) + int(p.SQEntries)*4 // the SQ ring ends with the __u32 index array
	cqSize := int(p.CQOff.Cqes) + int(p.CQEntries)*sizeofCQE
	const prot, flags = unix.PROT_READ | unix.PROT_WRITE, unix.MAP_SHARED | unix.MAP_POPULATE
	var err error
	if p.Features&FeatSingleMmap != 0 && !forceSeparateMmaps {
		r.ringMem, err = unix.Mmap(r.fd, offSQRing, max(sqSize, cqSize), prot, flags)
		if err != nil {
			return fmt.Errorf("uring: mmap rings: %w", err)
		}
		r.cqMem, r.cqShared = r.ringMem, true
	} else {
		if r.ringMem, err = unix.Mmap(r.fd, offSQRing, sqSize, prot, flags); err != nil {
			return fmt.Errorf("uring: mmap SQ ring: %w", err)
		}
		if r.cqMem, err = unix.Mmap(r.fd, offCQRing, cqSize, prot, flags); err != nil {
			return fmt.Errorf("uring: mmap CQ ring: %w", err)
		}
	}
	if r.sqeMem, err = unix.Mmap(r.fd, offSQEs, int(p.SQEntries)*sizeofSQE, prot, flags); err != nil {
		return fmt.Errorf("uring: mmap SQEs: %w", err)
	}

	sq, cq := r.ringMem, r.cqMem
	r.sqHead = field32(sq, p.SQOff.Head)
	r.sqTail = field32(sq, p.SQOff.Tail)
	r.sqFlags = field32(sq, p.SQOff.Flags)
	r.sqMask = *field32(sq, p.SQOff.RingMask)
	r.sqEntries = *field32(sq, p.SQOff.RingEntries)
	// The index array is sqEntries __u32s at SQOff.Array, inside the
	// mapping of sqSize bytes (checked by the index expression).
	array := unsafe.Slice((*uint32)(unsafe.Pointer(&sq[p.SQOff.Array])), r.sqEntries)
	// The kernel maps SQE slot i to array[i & mask]; with the identity
	// mapping, set once, NextSQE's slot order is the submission order.
	for i := range array {
		array[i] = uint32(i)
	}
	// sqeMem holds exactly sqEntries 64-byte SQEs, page-aligned.
	r.sqes = unsafe.Slice((*SQE)(unsafe.Pointer(&r.sqeMem[0])), r.sqEntries)

	r.cqHead = field32(cq, p.CQOff.Head)
	r.cqTail = field32(cq, p.CQOff.Tail)
	r.cqMask = *field32(cq, p.CQOff.RingMask)
	r.cqEntries = *field32(cq, p.CQOff.RingEntries)
	// cqEntries 16-byte CQEs start at CQOff.Cqes, inside cqSize bytes.
	r.cqes = unsafe.Slice((*CQE)(unsafe.Pointer(&cq[p.CQOff.Cqes])), r.cqEntries)
	return nil
}

// field32 returns the __u32 at offset off of the mapping mem.
func field32(mem []byte, off uint32) *uint32 {
	// The kernel aligns every ring field to 4 bytes; &mem[off] is bounds
	// checked, and mem is mmap'd memory the garbage collector ignores.
	return (*uint32)(unsafe.Pointer(&mem[off]))
}

// Close unmaps the ring's memory and closes its file descriptor; the
// kernel then cancels the requests still in flight. Using the ring, or an
// SQE or CQE obtained from it, after Close is an error (the SQE and CQE
// memory is gone); closing twice returns an error matching os.ErrClosed.
func (r *Ring) Close() error {
	if r.fd < 0 {
		return fmt.Errorf("uring: close: %w", os.ErrClosed)
	}
	var errs []error
	unmap := func(what string, m []byte) {
		if m == nil {
			return
		}
		if err := unix.Munmap(m); err != nil {
			errs = append(errs, fmt.Errorf("uring: close: munmap %s: %w", what, err))
		}
	}
	unmap("SQEs", r.sqeMem)
	if !r.cqShared {
		unmap("CQ ring", r.cqMem)
	}
	unmap("SQ ring", r.ringMem)
	if err := unix.Close(r.fd); err != nil {
		errs = append(errs, fmt.Errorf("uring: close: %w", err))
	}
	// Forget the mappings: a later use dereferences nil instead of
	// touching unmapped memory.
	*r = Ring{fd: -1}
	return errors.Join(errs...)
}

// Fd returns the ring's file descriptor (for io_uring_register(2), for
// polling it, or for OpMsgRing). It is -1 after Close.
func (r *Ring) Fd() int { return r.fd }

// Params returns the io_uring_params the kernel filled in at setup.
func (r *Ring) Params() Params { return r.params }

// Features returns the Feat* flags the kernel reported at setup.
func (r *Ring) Features() uint32 { return r.params.Features }

// SQEntries returns the number of SQ ring entries.
func (r *Ring) SQEntries() uint32 { return r.sqEntries }

// CQEntries returns the number of CQ ring entries.
func (r *Ring) CQEntries() uint32 { return r.cqEntries }
