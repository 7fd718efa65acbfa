//go:build linux

package uring

import "unsafe"

// Probe is what IORING_REGISTER_PROBE reported: the opcodes the running
// kernel knows and which of them it supports.
type Probe struct {
	lastOp uint8
	ops    []probeOp // ops[i] describes opcode i
}

// probeBuf is struct io_uring_probe with room for every possible opcode.
type probeBuf struct {
	hdr probeHdr
	ops [256]probeOp
}

// Probe asks the kernel which opcodes it supports
// (io_uring_register(2) with IORING_REGISTER_PROBE, Linux 5.6).
func (r *Ring) Probe() (*Probe, error) {
	// Zeroed, as the kernel requires (it refuses a non-zero buffer with
	// EINVAL); it clamps the 256 slots offered to the opcodes it knows.
	buf := new(probeBuf)
	// buf is a heap object the kernel fills in during the call (Register
	// passes it in the system call's argument list, keeping it alive).
	if _, err := r.register("probe", RegisterProbe, unsafe.Pointer(buf), uint32(len(buf.ops))); err != nil {
		return nil, err
	}
	n := min(int(buf.hdr.OpsLen), len(buf.ops))
	return &Probe{lastOp: buf.hdr.LastOp, ops: buf.ops[:n:n]}, nil
}

// NewProbe sets up a one-entry ring just to Probe it. Its errors match
// ErrUnsupported as Setup's do.
func NewProbe() (*Probe, error) {
	r, err := Setup(1, 0)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return r.Probe()
}

// LastOp returns the highest opcode the kernel knows (IORING_OP_LAST - 1).
func (p *Probe) LastOp() uint8 { return p.lastOp }

// Supported reports whether the kernel supports opcode op.
func (p *Probe) Supported(op uint8) bool {
	return int(op) < len(p.ops) && p.ops[op].Flags&ioUringOpSupported != 0
}

// SupportedOps returns the supported opcodes in increasing order.
func (p *Probe) SupportedOps() []uint8 {
	var ops []uint8
	for i := range p.ops {
		if p.Supported(uint8(i)) {
			ops = append(ops, uint8(i))
		}
	}
	return ops
}
