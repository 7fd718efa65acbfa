#include "textflag.h"

// func getg() unsafe.Pointer
// ABI0 keeps g in thread-local storage on amd64.
TEXT ·getg(SB), NOSPLIT, $0-8
	MOVQ (TLS), AX
	MOVQ AX, ret+0(FP)
	RET
