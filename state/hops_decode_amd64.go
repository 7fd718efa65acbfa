//go:build go1.26 && !go1.27

package state

import "golang.org/x/arch/x86/x86asm"

// hopMaxInsnLen is the longest an x86 instruction can be.
const hopMaxInsnLen = 15

// hopDecode returns the length of the instruction at the start of code and
// how much it grows SP. Only SUBQ and ADDQ of a constant to SP count: the
// hop functions (NOFRAME, frame $0) change SP with nothing else, and any
// other change makes hopFindRun fail rather than go wrong.
func hopDecode(code []byte) (insnLen uintptr, grow int64, err error) {
	inst, err := x86asm.Decode(code, 64)
	if err != nil {
		return 0, 0, err
	}
	imm, isImm := inst.Args[1].(x86asm.Imm)
	if inst.Args[0] == x86asm.RSP && isImm {
		switch inst.Op {
		case x86asm.SUB:
			grow = int64(imm)
		case x86asm.ADD:
			grow = -int64(imm)
		}
	}
	return uintptr(inst.Len), grow, nil
}
