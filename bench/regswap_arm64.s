#include "textflag.h"

// func regSwapRounds(n int, top unsafe.Pointer)
// Each side resumes the other by saving its own resume address (LR, set
// by its BL) and RSP and branching to the other's saved PC.
// R8, R10: this side's RSP and PC; R9, R11: the other side's; R12 keeps
// the caller's LR.
TEXT ·regSwapRounds(SB), NOSPLIT|NOFRAME, $0-16
	MOVD n+0(FP), R2
	CMP $0, R2
	BLE done
	MOVD LR, R12
	MOVD top+8(FP), R9
	MOVD $otherSide<>(SB), R11
loop:
	BL toOther<>(SB)
	SUBS $1, R2, R2
	BNE loop
	MOVD R12, LR
done:
	RET

TEXT toOther<>(SB), NOSPLIT|NOFRAME, $0
	MOVD LR, R10
	MOVD RSP, R8
	MOVD R9, RSP
	JMP (R11)

TEXT otherSide<>(SB), NOSPLIT|NOFRAME, $0
again:
	BL toCaller<>(SB)
	JMP again

TEXT toCaller<>(SB), NOSPLIT|NOFRAME, $0
	MOVD LR, R11
	MOVD RSP, R9
	MOVD R8, RSP
	JMP (R10)
