//go:build go1.26 && !go1.27 && linux

#include "textflag.h"
#include "funcdata.h"
#include "go_asm.h"

// The turbo engine's switch on arm64; turbo_amd64.s is the same engine on
// amd64, and chain_arm64.go gives the layout of the words written here.
// Everything a switch changes is done here, between two safe points, so
// the GC (which stops a goroutine only at a safe point, never in
// assembly) always finds the chain whole. ABI0: g is in R28; R27 is the
// assembler's; every register but RSP, R28 and R29 is free.

// stackPreempt is the runtime's preemption request in g.stackguard0,
// -1314: CMN with 1314 compares with it.
#define stackPreemptNeg $1314

// func swap()
// As on amd64, with R26 the closure register and R30 the return address
// into the caller; chain_arm64.go gives the words below SP.
TEXT ·swap(SB), NOSPLIT|NOFRAME, $0-0
	MOVD	swapCall_from(R26), R0
	MOVD	swapCall_to(R26), R1
	MOVD	const_gDefer(g), R2
	MOVD	R2, -24(RSP)
	MOVD	tctx_dword(R0), R3 // the defer circle enters from again
	MOVD	R2, (R3)
	MOVD	const_gPanic(g), R2
	MOVD	R2, -16(RSP)
	// To the unwinder, from is suspended in swapFrame's 16-byte frame at
	// SP-48, whose saved LR is a hop over d and p to the return address.
	MOVD	R30, -32(RSP)
	MOVD	swapCall_over(R26), R2
	MOVD	R2, -48(RSP)
	MOVD	RSP, R4
	SUB	$32, R4
	MOVD	R4, tctx_sp(R0)
	SUB	$16, R4
	MOVD	R29, tctx_bp(R0)
	// Fine hop from the relay word across [relay+relaySpan, SP-48): delta
	// R6. Beyond the table's reach (a stack of several chunks), a coarse
	// hop comes first (far).
	MOVD	tctx_relay(R0), R5
	SUB	R5, R4, R6
	SUB	$const_relaySpan, R6
	MOVD	$(const_hopFineO+const_hopFineN*const_hopFineS), R7
	CMP	R7, R6
	BHS	far
fine:
	// Entry (delta-hopFineO)/hopFineS: function index and offset in it;
	// every arm64 instruction is 4 bytes.
	SUB	$const_hopFineO, R6
	LSR	$const_fineFuncShift, R6, R7
	MOVD	$·hopFineEntry(SB), R8
	MOVD	(R8)(R7<<3), R8
	UBFX	$const_fineStepShift, R6, $(const_fineFuncShift-const_fineStepShift), R9
	ADD	R9<<2, R8
	MOVD	R8, (R5)
	MOVD	·codePCs+16(SB), R8 // swapFramePC
	MOVD	R8, const_relaySpan(R5)
	// The chain enters from again.
	MOVD	tctx_entryWord(R0), R3
	MOVD	tctx_entryVal(R0), R2
	MOVD	R2, (R3)
	B	resume<>(SB)
far:
	// As suspended: coarse entry n = (delta-hopCoarseO-2*relaySpan)/chunk
	// spans [relay+relaySpan, W), W = relay+relaySpan+hopCoarseO+n*chunk,
	// a word on the unused stack below SP that starts a relay's frame; the
	// fine hop from W covers the remainder.
	SUB	$(const_hopCoarseO+2*const_relaySpan), R6
	LSR	$const_chunkShift, R6
	LSR	$const_coarseFuncShift, R6, R7
	MOVD	$·hopCoarseEntry(SB), R8
	MOVD	(R8)(R7<<3), R8
	AND	$(const_hopCoarseF-1), R6, R9
	ADD	R9<<2, R8
	MOVD	R8, (R5)
	MOVD	·hopFineEntry(SB), R8 // entry 0: a relay's frame
	MOVD	R8, const_relaySpan(R5)
	LSL	$const_chunkShift, R6
	ADD	R6, R5
	ADD	$(const_relaySpan+const_hopCoarseO), R5
	SUB	R5, R4, R6
	SUB	$const_relaySpan, R6
	B	fine

// func exitSwap(to *tctx, frameWord, frameVal, deferWord, deferVal, hi uintptr)
// The running context has ended and left the circles (arena.remove):
// write the words its removal changed and the stack's new top, which may
// be below the ending context's SP, and resume to.
TEXT ·exitSwap(SB), NOSPLIT|NOFRAME, $0-48
	MOVD	to+0(FP), R1
	MOVD	frameWord+8(FP), R3
	MOVD	frameVal+16(FP), R2
	MOVD	R2, (R3)
	MOVD	deferWord+24(FP), R3
	MOVD	deferVal+32(FP), R2
	MOVD	R2, (R3)
	MOVD	hi+40(FP), R2
	MOVD	R2, const_gStackHi(g)
	B	resume<>(SB)

// resume runs to (R1), a suspended context: the chains end before it, the
// GC's stack window starts 4 GiB below its slot, and its defer and panic
// records come back from below its SP. It returns into the frame that
// called swap by a branch to a register, not a RET: the CPU predicts a
// RET from the calls it has seen, which were the suspending context's,
// so a RET here mispredicts whenever the two contexts called swap from
// different code, and so do the returns after it.
TEXT resume<>(SB), NOSPLIT|NOFRAME, $0
	MOVD	tctx_entryWord(R1), R3
	MOVD	tctx_endVal(R1), R2
	MOVD	R2, (R3)
	MOVD	tctx_dword(R1), R3
	MOVD	ZR, (R3)
	MOVD	tctx_gLo(R1), R2
	MOVD	R2, const_gStackLo(g)
	// 0(R2) the return address, then d and p
	MOVD	tctx_sp(R1), R2
	MOVD	8(R2), R3
	MOVD	R3, const_gDefer(g)
	MOVD	16(R2), R3
	MOVD	R3, const_gPanic(g)
	MOVD	0(R2), R3
	MOVD	tctx_bp(R1), R(29) // loads the frame pointer; vet's frame-pointer check, which cannot tell a switch from a clobber, reads only R29
	ADD	$32, R2
	MOVD	R2, RSP
	MOVD	$1, R0 // the func value's result, true
	JMP	(R3)

// func enterArena(a *arena, to *tctx)
// Moves the host goroutine onto its arena, running to. It returns when
// leaveArena is called. The goroutine's own stack is not scanned
// meanwhile: g.stktopsp is the chain's end.
TEXT ·enterArena(SB), NOSPLIT|NOFRAME, $0-16
	MOVD	a+0(FP), R0
	MOVD	to+8(FP), R1
	// leaveArena returns through the LR kept on the goroutine's own stack.
	MOVD.W	R30, -16(RSP)
	MOVD	RSP, R2
	MOVD	R2, arena_origSP(R0)
	MOVD	R29, arena_origBP(R0)
	MOVD	const_gStackLo(g), R2
	MOVD	R2, arena_origLo(R0)
	MOVD	const_gStackHi(g), R2
	MOVD	R2, arena_origHi(R0)
	MOVD	const_gTopSP(g), R2
	MOVD	R2, arena_origTop(R0)
	MOVD	tctx_top(R1), R2 // to, main, is the only slot: its top is liveTop
	MOVD	R2, const_gStackHi(g)
	// chainEnd's frame starts after the relay-sized one at the last word.
	MOVD	arena_end(R0), R2
	ADD	$const_relaySpan, R2
	MOVD	R2, const_gTopSP(g)
	// The stack check must never fire on the arena (there is nothing to
	// grow): put the guard below every slot, unless a preemption request
	// is pending, which another thread may write at any time.
	MOVD	tctx_gLo(R1), R3
	ADD	$const_stackGuard, R3
	ADD	$const_gGuard0, g, R4
enterGuard:
	LDAXR	(R4), R2
	CMN	stackPreemptNeg, R2
	BEQ	entered
	STLXR	R3, (R4), R5
	CBNZ	R5, enterGuard
entered:
	B	resume<>(SB)

// func leaveArena(a *arena)
// Returns from enterArena on the goroutine's own stack. No context is left.
TEXT ·leaveArena(SB), NOSPLIT|NOFRAME, $0-8
	MOVD	a+0(FP), R0
	MOVD	arena_origLo(R0), R3
	MOVD	R3, const_gStackLo(g)
	MOVD	arena_origHi(R0), R2
	MOVD	R2, const_gStackHi(g)
	MOVD	arena_origTop(R0), R2
	MOVD	R2, const_gTopSP(g)
	MOVD	ZR, const_gDefer(g)
	MOVD	ZR, const_gPanic(g)
	ADD	$const_stackGuard, R3
	ADD	$const_gGuard0, g, R4
leaveGuard:
	LDAXR	(R4), R2
	CMN	stackPreemptNeg, R2
	BEQ	left
	STLXR	R3, (R4), R5
	CBNZ	R5, leaveGuard
left:
	MOVD	arena_origSP(R0), R2
	MOVD	R2, RSP
	MOVD	arena_origBP(R0), R(29) // as in resume
	MOVD.P	16(RSP), R30
	RET

// contextEntry is where a new context starts: resume jumps just past
// its first instruction (contextEntryPC) with RSP at the frame that
// newFrame built, as if that instruction had run. 0(RSP) is the slot's
// link word, which the unwinder takes for the frame's saved LR, and
// 8(RSP) the context's tctx, turboRun's argument. R29 is 0 (newContext
// leaves tctx.bp zero): frame-pointer unwinders stop at the context's base.
TEXT ·contextEntry(SB), NOSPLIT|NOFRAME, $0-0
	NO_LOCAL_POINTERS
	SUB	$const_linkSpan, RSP // never run
	BL	·turboRun(SB)
	UNDEF

// swapFrame is never run. A suspended context's innermost frame appears
// to be in it, just past its first instruction (swapFramePC), so the GC
// scans d and p by its signature above a 16-byte frame.
TEXT ·swapFrame(SB), NOSPLIT|NOFRAME, $0-16
	SUB	$16, RSP
	UNDEF

// chainEnd is never run: the chain's last word holds its PC, and the
// unwinder stops at a TOPFRAME function.
TEXT ·chainEnd(SB), NOSPLIT|NOFRAME|TOPFRAME, $0-0
	UNDEF

// segvHandler is the process's SIGSEGV handler while turbo hosts run
// (installSegvHandler); the kernel calls it with the C ABI on the signal
// stack: R0 signal, R1 siginfo, R2 context, R30 the return to the signal
// trampoline. A fault in a guard page of an arena is a stack overflow: it
// says which context overflowed and exits. Any other fault goes to the
// handler it replaced, the Go runtime's, with R0-R2, R30 and RSP as the
// kernel left them (the registers it clobbers come back from the signal
// frame at sigreturn).
TEXT ·segvHandler(SB), NOSPLIT|NOFRAME, $0
	MOVD	16(R1), R3 // si_addr
	LSR	$const_windowShift, R3, R4
	MOVD	$const_arenaHostsLen, R5
	CMP	R5, R4
	BHS	notOurs
	MOVD	$·arenaHosts(SB), R5
	MOVD	(R5)(R4<<3), R5
	CBZ	R5, notOurs
	MOVD	host_tb(R5), R6
	MOVD	turbo_a(R6), R7
	MOVD	arena_base(R7), R8
	SUB	R8, R3, R9
	MOVD	$const_regionSize, R10
	CMP	R10, R9
	BHS	notOurs
	AND	$(const_chunk-1), R9, R10
	MOVD	$const_pageSize, R11
	CMP	R11, R10
	BHS	notOurs
	// A guard page: slot index R9, its context's description and the
	// text that says its stack size.
	LSR	$const_chunkShift, R9
	MOVD	ZR, R11 // description pointer
	MOVD	ZR, R12 // and length
	MOVD	·overflowAfter1(SB), R13 // size text pointer
	MOVD	·overflowAfter1+8(SB), R14 // and length
	MOVD	arena_owners+8(R7), R10
	CMP	R10, R9
	BHS	say
	MOVD	arena_owners(R7), R10
	MOVD	(R10)(R9<<3), R10
	CBZ	R10, say
	MOVD	tctx_overflow(R10), R13
	MOVD	tctx_overflow+8(R10), R14
	MOVD	tctx_s(R10), R10
	MOVD	State_desc(R10), R11
	MOVD	State_desc+8(R10), R12
say:
	MOVD	$2, R0 // write(2, ...)
	MOVD	·overflowBefore(SB), R1
	MOVD	·overflowBefore+8(SB), R2
	MOVD	$64, R8
	SVC
	MOVD	$2, R0
	MOVD	R11, R1
	MOVD	R12, R2
	MOVD	$64, R8
	SVC
	MOVD	$2, R0
	MOVD	R13, R1
	MOVD	R14, R2
	MOVD	$64, R8
	SVC
	MOVD	$2, R0 // exit_group(2)
	MOVD	$94, R8
	SVC
	UNDEF
notOurs:
	MOVD	·oldSegvHandler(SB), R3
	B	(R3)

// func codeAddrs(pcs *[5]uintptr)
// The addresses of the routines whose PCs go into stacks and the
// chain, in the order of codePCs: contextEntry's and swapFrame's just
// past the instruction that makes their frames.
TEXT ·codeAddrs(SB), NOSPLIT, $0-8
	MOVD	pcs+0(FP), R0
	MOVD	$·contextEntry(SB), R1
	ADD	$4, R1
	MOVD	R1, 0(R0)
	MOVD	$·chainEnd(SB), R1
	MOVD	R1, 8(R0)
	MOVD	$·swapFrame(SB), R1
	ADD	$4, R1
	MOVD	R1, 16(R0)
	MOVD	$·segvHandler(SB), R1
	MOVD	R1, 24(R0)
	MOVD	$·swap(SB), R1
	MOVD	R1, 32(R0)
	RET
