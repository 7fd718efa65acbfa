#include "textflag.h"

// func getg() unsafe.Pointer
// arm64 keeps g in a dedicated register (R28) in every ABI.
TEXT ·getg(SB), NOSPLIT, $0-8
	MOVD g, R0
	MOVD R0, ret+0(FP)
	RET
