//go:build go1.26 && !go1.27

package state

import "golang.org/x/arch/arm64/arm64asm"

// hopMaxInsnLen is the length of every arm64 instruction.
const hopMaxInsnLen = 4

// hopDecode returns the length of the instruction at the start of code and
// how much it grows SP. Two kinds count, the only ones the hop functions
// change SP with: SUB and ADD of an immediate to SP, and the prologue's
// pre-indexed store of LR (MOVD.W R30, -16(RSP)). Any other change makes
// hopFindRun fail rather than go wrong. arm64asm does not export the
// immediates, so they are read from the encoding, whose fields the Arm
// Architecture Reference Manual gives.
func hopDecode(code []byte) (insnLen uintptr, grow int64, err error) {
	inst, err := arm64asm.Decode(code)
	if err != nil {
		return 0, 0, err
	}
	sp := arm64asm.RegSP(arm64asm.SP)
	switch inst.Op {
	case arm64asm.SUB, arm64asm.ADD:
		if _, isImm := inst.Args[2].(arm64asm.ImmShift); isImm && inst.Args[0] == sp && inst.Args[1] == sp {
			// ADD/SUB (immediate): imm12 at bits 21:10, shifted left by 12
			// if bit 22 (sh) is set.
			grow = int64(inst.Enc>>10&0xfff) << (12 * (inst.Enc >> 22 & 1))
			if inst.Op == arm64asm.ADD {
				grow = -grow
			}
		}
	case arm64asm.STR:
		if m, isMem := inst.Args[1].(arm64asm.MemImmediate); isMem && m.Base == sp && m.Mode == arm64asm.AddrPreIndex {
			// STR (immediate), pre-index: signed imm9 at bits 20:12, in
			// bytes, added to SP before the store.
			grow = -int64(int32(inst.Enc<<11) >> 23)
		}
	}
	return 4, grow, nil
}
