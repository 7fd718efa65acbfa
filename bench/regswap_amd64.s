#include "textflag.h"

// func regSwapRounds(n int, top unsafe.Pointer)
// Each side resumes the other by popping its own resume address (pushed
// by its CALL), saving its SP and jumping to the other's saved PC: an
// indirect jump, not a RET, so the return-stack predictor is not fooled.
// R8, R10: this side's SP and PC; R9, R11: the other side's.
TEXT ·regSwapRounds(SB), NOSPLIT|NOFRAME, $0-16
	MOVQ n+0(FP), CX
	TESTQ CX, CX
	JLE done
	MOVQ top+8(FP), R9
	MOVQ $otherSide<>(SB), R11
loop:
	CALL toOther<>(SB)
	DECQ CX
	JNZ loop
done:
	RET

TEXT toOther<>(SB), NOSPLIT|NOFRAME, $0
	POPQ R10
	MOVQ SP, R8
	MOVQ R9, SP
	JMP R11

TEXT otherSide<>(SB), NOSPLIT|NOFRAME, $0
again:
	CALL toCaller<>(SB)
	JMP again

TEXT toCaller<>(SB), NOSPLIT|NOFRAME, $0
	POPQ R11
	MOVQ SP, R9
	MOVQ R8, SP
	JMP R10
