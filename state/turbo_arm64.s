//go:build go1.26 && !go1.27 && linux

#include "textflag.h"
#include "funcdata.h"
#include "go_asm.h"

// The turbo engine's switch on arm64; turbo_amd64.s is the same engine on
// amd64, and chain_arm64.go gives the layout of the words written here.
// Everything a switch changes is done here, between two safe points, so
// the GC (which stops a goroutine only at a safe point, never in
// assembly) always finds the chain whole. g is in R28 under both ABIs;
// R27 is the assembler's; every register but RSP, R28 and R29 is free.
// departTurbo, switchTurbo and swap are called as func values, with Go's
// register ABI (arguments and results from R0, closure R26), and a
// switch is made by suspend, entered from those three.

// stackPreempt is the runtime's preemption request in g.stackguard0,
// -1314: CMN with 1314 compares with it.
#define stackPreemptNeg $1314

// FINE_HOP writes into the word at R5 the fine hop of delta R6 (below the
// table's reach), whose frame starts at R9, and at R9 swapFrame's PC,
// the PC of the frame the hop leads to; it leaves the hop in R8. Entry
// (delta-hopFineO)/hopFineS: function index and offset in it; every arm64
// instruction is 4 bytes. It clobbers R6, R7 and R12.
#define FINE_HOP \
	SUB	$const_hopFineO, R6 \
	LSR	$const_fineFuncShift, R6, R7 \
	MOVD	$·hopFineEntry(SB), R8 \
	MOVD	(R8)(R7<<3), R8 \
	UBFX	$const_fineStepShift, R6, $(const_fineFuncShift-const_fineStepShift), R12 \
	ADD	R12<<2, R8 \
	MOVD	R8, (R5) \
	MOVD	·codePCs+16(SB), R7 \
	MOVD	R7, (R9)

// PLAIN_SWITCH switches from s (R0) to to (R1) when the switch is a plain
// one (plainSwitch, and the caller runs on s's host: turboHost) that needs
// no Go code: no write barrier to record h.current with, no profiler
// labels to move. When to is s, checked as prepare would, it branches to
// label same. Otherwise, and inside a cgo callback, it branches to label
// no with R0 and R1 as they came. As on amd64 (turbo_amd64.s).
#define PLAIN_SWITCH(no, same) \
	MOVD	State_h(R0), R3 \
	CBZ	R3, no \
	MOVD	host_current(R3), R4 \
	CMP	R0, R4 \
	BNE	no \
	MOVBU	State_status(R0), R4 \
	CMP	$const_StatusRunning, R4 \
	BNE	no \
	MOVD	RSP, R4 \
	LSR	$const_windowShift, R4 \
	CMP	$const_arenaHostsLen, R4 \
	BHS	no \
	MOVD	$·arenaHosts(SB), R5 \
	MOVD	(R5)(R4<<3), R5 \
	CMP	R3, R5 \
	BNE	no \
	CMP	R0, R1 \
	BEQ	same \
	MOVD	State_h(R1), R4 \
	CMP	R3, R4 \
	BNE	no \
	MOVBU	State_status(R1), R4 \
	CMP	$const_StatusSuspended, R4 \
	BNE	no \
	MOVWU	runtime·writeBarrier(SB), R4 \
	CBNZW	R4, no \
	MOVD	State_tc(R1), R5 \
	MOVD	const_gLabels(g), R4 \
	MOVD	tctx_labels(R5), R6 \
	ORR	R4, R6 \
	CBNZ	R6, no \
	MOVD	const_gM(g), R4 \
	MOVWU	const_mLockInt(R4), R4 \
	CBNZW	R4, no \
	MOVD	$const_StatusSuspended, R4 \
	MOVB	R4, State_status(R0) \
	MOVD	$const_StatusRunning, R4 \
	MOVB	R4, State_status(R1) \
	MOVD	R1, host_current(R3) \
	MOVD	R0, R10 \
	MOVD	R1, R11 \
	MOVD	State_tc(R10), R0 \
	MOVD	R5, R1 \
	B	suspend<>(SB)

// departTurbo is depart for Transfer, as on amd64: R0 s, R1 to, R2 pick
// (nil), R30 the return address into the frame that asked for the switch.
TEXT ·departTurbo(SB), NOSPLIT|NOFRAME, $0-0
	PLAIN_SWITCH(inDepart, toSelf)
toSelf:
	MOVD	ZR, R1
	RET
inDepart:
	MOVD	·departGo(SB), R26
	MOVD	(R26), R3
	JMP	(R3)

// func switchTurbo()
// Switch's switch call, as on amd64: R26 points at the turnCall.
TEXT ·switchTurbo(SB), NOSPLIT|NOFRAME, $0-0
	MOVD	turnCall_from(R26), R0
	MOVD	turnCall_to(R26), R1
	PLAIN_SWITCH(inSlow, stays)
stays:
	RET
inSlow:
	MOVD	·switchSlowFn(SB), R26
	MOVD	(R26), R3
	JMP	(R3)

// func swap()
// As on amd64, with R26 the closure register.
TEXT ·swap(SB), NOSPLIT|NOFRAME, $0-0
	MOVD	swapCall_from(R26), R0
	MOVD	swapCall_to(R26), R1
	MOVD	tctx_s(R0), R10
	MOVD	tctx_s(R1), R11
	B	suspend<>(SB)

// suspend suspends the running context (State R10, record R0) and
// resumes another (State R11, record R1); R30 is the return address into
// the frame that asked for the switch, where resume will return to.
// chain_arm64.go gives the words below SP.
TEXT suspend<>(SB), NOSPLIT|NOFRAME, $0-0
	MOVD	const_gDefer(g), R2
	MOVD	R2, -24(RSP)
	MOVD	tctx_dword(R0), R3 // the defer circle enters from again
	MOVD	R2, (R3)
	MOVD	const_gPanic(g), R2
	MOVD	R2, -16(RSP)
	// To the unwinder, from is suspended in swapFrame's 16-byte frame at
	// SP-48, whose saved LR is a hop over d and p to the return address.
	MOVD	R30, -32(RSP)
	MOVD	·swapOver(SB), R2
	MOVD	R2, -48(RSP)
	MOVD	RSP, R4
	SUB	$32, R4
	MOVD	R4, State_sp(R10)
	SUB	$16, R4
	MOVD	R29, tctx_bp(R0)
	// The chain enters from again: entryVal leads to the relay word, and
	// the word above the entry word to a relay's frame. When the entry
	// word is the link of the slot just below (hopWord is entryWord), a
	// fine hop straight from it to swapFrame's frame at SP-48 replaces
	// both at once (direct), and the relay word is not on the chain; the
	// hop from a link spans linkSpan bytes of its own, one from a relay
	// relaySpan.
	MOVD	tctx_entryWord(R0), R3
	MOVD	tctx_entryVal(R0), R2
	MOVD	R2, (R3)
	MOVD	·hopFineEntry(SB), R2 // entry 0: a relay's frame
	MOVD	R2, const_linkSpan(R3)
	MOVD	tctx_hopWord(R0), R5
	MOVD	tctx_relay(R0), R6
	MOVD	$const_relaySpan, R7
	MOVD	$const_linkSpan, R8
	CMP	R5, R6
	CSEL	EQ, R7, R8, R9
	ADD	R5, R9
	// The fine hop across [R9, SP-48) depends on SP alone, so it is kept
	// (hopSP, hopVal) as on amd64. Beyond the table's reach (a stack of
	// several chunks), the chain goes through the relay word, with a
	// coarse hop first if it is that far too (far), to a word below SP
	// that must be written anew every time.
	MOVD	tctx_hopSP(R0), R7
	CMP	R4, R7
	BNE	hop
	MOVD	tctx_hopVal(R0), R8
	MOVD	R8, (R5)
	MOVD	·codePCs+16(SB), R8 // swapFramePC
	MOVD	R8, (R9)
	B	resume<>(SB)
hop:
	SUB	R9, R4, R6
	MOVD	$(const_hopFineO+const_hopFineN*const_hopFineS), R7
	CMP	R7, R6
	BHS	viaRelay
	FINE_HOP
	MOVD	R4, tctx_hopSP(R0)
	MOVD	R8, tctx_hopVal(R0)
	B	resume<>(SB)
viaRelay:
	MOVD	tctx_relay(R0), R5
	ADD	$const_relaySpan, R5, R9
	SUB	R9, R4, R6
	CMP	R7, R6
	BHS	far
	FINE_HOP
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
	AND	$(const_hopCoarseF-1), R6, R12
	ADD	R12<<2, R8
	MOVD	R8, (R5)
	MOVD	·hopFineEntry(SB), R8 // entry 0: a relay's frame
	MOVD	R8, const_relaySpan(R5)
	LSL	$const_chunkShift, R6
	ADD	R6, R5
	ADD	$(const_relaySpan+const_hopCoarseO), R5
	ADD	$const_relaySpan, R5, R9
	SUB	R9, R4, R6
	FINE_HOP
	B	resume<>(SB)

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
	MOVD	tctx_s(R1), R11
	B	resume<>(SB)

// resume runs a suspended context (State R11, record R1): the chains end
// before it, the
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
	MOVD	·hopFineEntry(SB), R2 // a relay's frame, as for entryVal
	MOVD	R2, const_linkSpan(R3)
	MOVD	tctx_dword(R1), R3
	MOVD	ZR, (R3)
	MOVD	tctx_gLo(R1), R2
	MOVD	R2, const_gStackLo(g)
	// 0(R2) the return address, then d and p
	MOVD	State_sp(R11), R2
	MOVD	8(R2), R3
	MOVD	R3, const_gDefer(g)
	MOVD	16(R2), R3
	MOVD	R3, const_gPanic(g)
	MOVD	0(R2), R3
	MOVD	tctx_bp(R1), R(29) // loads the frame pointer; vet's frame-pointer check, which cannot tell a switch from a clobber, reads only R29
	ADD	$32, R2
	MOVD	R2, RSP
	// The results of departTurbo, s and no switch call; a switch call's
	// result, a bool, is not used (park, turn).
	MOVD	R11, R0
	MOVD	ZR, R1
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
	MOVD	tctx_s(R1), R11
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

// func codeAddrs(pcs *[7]uintptr)
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
	MOVD	$·departTurbo(SB), R1
	MOVD	R1, 40(R0)
	MOVD	$·switchTurbo(SB), R1
	MOVD	R1, 48(R0)
	RET
