//go:build go1.26 && !go1.27 && linux

#include "textflag.h"
#include "funcdata.h"
#include "go_asm.h"

// The turbo engine's switch. Everything a switch changes is done here,
// between two safe points, so the GC (which stops a goroutine only at a
// safe point, never in assembly) always finds the chain whole; see
// chain.go. Nothing is callee-saved but SP and BP. departTurbo,
// switchTurbo and swap are called as func values, with Go's register ABI
// (R14 g, X15 zero, which nothing here touches); the others are ABI0, g
// at (TLS). A switch is made by suspend, entered from those three.

// stackPreempt is the runtime's preemption request in g.stackguard0.
#define stackPreempt $-1314

// FINE_HOP writes into the word at BX the fine hop of delta CX (a multiple
// of 8 below the table's reach) and leaves it in AX: entry CX/8 of the
// fine table (hopFinePC). It clobbers CX and DX.
#define FINE_HOP \
	MOVQ	CX, DX \
	SHRQ	$const_fineFuncShift, DX \
	LEAQ	·hopFineEntry(SB), AX \
	MOVQ	(AX)(DX*8), AX \
	SHRQ	$3, CX \
	ANDQ	$(const_hopFineF-1), CX \
	IMULQ	·hopInsnLen(SB), CX \
	ADDQ	CX, AX \
	MOVQ	AX, (BX)

// PLAIN_SWITCH switches from s (AX) to to (BX) when the switch is a plain
// one (plainSwitch, and the caller runs on s's host: turboHost) that needs
// no Go code: no write barrier to record h.current with, no profiler
// labels to move. When to is s, checked as prepare would, it jumps to
// label same: there is nothing to do (a cede with no one else ready).
// Otherwise, and inside a cgo callback (its M's lockedInt is not 0: see
// inCgoCallback), it jumps to label no with AX and BX as they came. R14 is g:
// the caller is Go code, which holds it there.
#define PLAIN_SWITCH(no, same) \
	MOVQ	State_h(AX), DX \
	TESTQ	DX, DX \
	JEQ	no \
	CMPQ	host_current(DX), AX \
	JNE	no \
	CMPB	State_status(AX), $const_StatusRunning \
	JNE	no \
	MOVQ	SP, R9 \
	SHRQ	$const_windowShift, R9 \
	CMPQ	R9, $const_arenaHostsLen \
	JAE	no \
	LEAQ	·arenaHosts(SB), R10 \
	CMPQ	(R10)(R9*8), DX \
	JNE	no \
	CMPQ	AX, BX \
	JEQ	same \
	CMPQ	State_h(BX), DX \
	JNE	no \
	CMPB	State_status(BX), $const_StatusSuspended \
	JNE	no \
	CMPL	runtime·writeBarrier(SB), $0 \
	JNE	no \
	MOVQ	State_tc(AX), SI \
	MOVQ	State_tc(BX), DI \
	MOVQ	const_gLabels(R14), R9 \
	ORQ	tctx_labels(DI), R9 \
	JNE	no \
	MOVQ	const_gM(R14), R9 \
	CMPL	const_mLockInt(R9), $0 \
	JNE	no \
	MOVB	$const_StatusSuspended, State_status(AX) \
	MOVB	$const_StatusRunning, State_status(BX) \
	MOVQ	BX, host_current(DX) \
	MOVQ	AX, R10 \
	MOVQ	BX, R11 \
	MOVQ	R14, R8 \
	JMP	suspend<>(SB)

// departTurbo is depart for Transfer on the turbo engine, called as a
// func value of depart's type, so with Go's register ABI: AX s, BX to, CX
// pick (nil), R14 g, and 0(SP) the return address into the frame that
// asked for the switch. A plain switch it makes itself, returning s and a
// nil switch call when s is resumed (resume), or at once when to is s;
// anything else the Go depart does, entered as if called.
TEXT ·departTurbo(SB), NOSPLIT|NOFRAME, $0-0
	PLAIN_SWITCH(inDepart, toSelf)
toSelf:
	XORL	BX, BX
	RET
inDepart:
	MOVQ	·departGo(SB), DX
	JMP	(DX)

// func switchTurbo()
// Switch's switch call on the turbo engine: depart has picked and left s
// and to in the closure record (DX, a turnCall); 0(SP) is the return
// address into the frame that called Switch. A plain switch it makes
// itself, and nothing when to is s; anything else switchSlow does,
// entered as if called.
TEXT ·switchTurbo(SB), NOSPLIT|NOFRAME, $0-0
	MOVQ	turnCall_from(DX), AX
	MOVQ	turnCall_to(DX), BX
	PLAIN_SWITCH(inSlow, stays)
stays:
	RET
inSlow:
	MOVQ	·switchSlowFn(SB), DX
	JMP	(DX)

// func swap()
// The switch call depart returns after doing in Go what PLAIN_SWITCH
// could not: DX points at the closure record (swapCall) with the
// contexts' records, 0(SP) is the return address into the frame that
// asked for the switch.
TEXT ·swap(SB), NOSPLIT|NOFRAME, $0-0
	MOVQ	swapCall_from(DX), SI
	MOVQ	swapCall_to(DX), DI
	MOVQ	tctx_s(SI), R10
	MOVQ	tctx_s(DI), R11
	MOVQ	R14, R8
	JMP	suspend<>(SB)

// suspend suspends the running context of goroutine R8 (State R10,
// record SI) and resumes another (State R11, record DI). 0(SP) is the
// return address into the frame that asked for the switch, where resume
// will return to. The context's defer and panic records stay behind below
// its SP, where the GC scans them as swapFrame's arguments while it is
// suspended (chain_amd64.go).
TEXT suspend<>(SB), NOSPLIT|NOFRAME, $0-0
	MOVQ	const_gDefer(R8), AX
	MOVQ	AX, -16(SP)
	MOVQ	tctx_dword(SI), BX // the defer circle enters from again
	MOVQ	AX, (BX)
	MOVQ	const_gPanic(R8), AX
	MOVQ	AX, -8(SP)
	// To the unwinder, from is suspended in swapFrame, whose return
	// address is a hop over d and p to the caller's return address.
	MOVQ	$·swapFrame(SB), AX
	MOVQ	AX, -32(SP)
	MOVQ	·swapOver(SB), AX
	MOVQ	AX, -24(SP)
	MOVQ	SP, State_sp(R10)
	MOVQ	BP, tctx_bp(SI)
	// The chain enters from again: entryVal leads to the relay word. When
	// the word the chain enters by is the link of the slot just below
	// (hopWord is entryWord), a fine hop straight from it to SP-32 replaces
	// that at once (direct), and the relay word is not on the chain.
	MOVQ	tctx_entryWord(SI), BX
	MOVQ	tctx_entryVal(SI), AX
	MOVQ	AX, (BX)
	// The fine hop from hopWord to SP-32: delta SP-40-hopWord, a multiple
	// of 8; entry delta/8 of the fine table (hopFinePC). It depends on SP
	// alone, so the one from's last suspension at this SP wrote is kept
	// (hopSP, hopVal) and written again: the running context may have
	// overwritten the relay word since, if it ran that deep. Beyond the
	// table's reach (a stack of several chunks), the chain goes through
	// the relay word, with a coarse hop first if it is that far too (far),
	// to a word below SP that must be written anew every time.
	MOVQ	tctx_hopWord(SI), BX
	CMPQ	SP, tctx_hopSP(SI)
	JNE	hop
	MOVQ	tctx_hopVal(SI), AX
	MOVQ	AX, (BX)
	JMP	resume<>(SB)
hop:
	LEAQ	-40(SP), CX
	SUBQ	BX, CX
	CMPQ	CX, $(const_hopFineN*const_hopFineS)
	JAE	viaRelay
	FINE_HOP
	MOVQ	SP, tctx_hopSP(SI)
	MOVQ	AX, tctx_hopVal(SI)
	JMP	resume<>(SB)
viaRelay:
	// The entry word leads to the relay word; the relay word to SP-32.
	MOVQ	tctx_relay(SI), BX
	LEAQ	-40(SP), CX
	SUBQ	BX, CX
	CMPQ	CX, $(const_hopFineN*const_hopFineS)
	JAE	far
	FINE_HOP
	JMP	resume<>(SB)
far:
	// As suspended: coarse entry i = (delta-hopCoarseO-8)/chunk sends the
	// relay to the word W = relay+8+hopCoarseO+i*chunk, on the unused
	// stack below SP; the fine hop from W covers the remainder.
	SUBQ	$(const_hopCoarseO+8), CX
	MOVQ	CX, DX
	SHRQ	$const_chunkShift, DX
	ANDQ	$(const_chunk-1), CX
	MOVQ	DX, R9
	SHRQ	$const_coarseFuncShift, R9
	LEAQ	·hopCoarseEntry(SB), AX
	MOVQ	(AX)(R9*8), AX
	MOVQ	DX, R9
	ANDQ	$(const_hopCoarseF-1), R9
	IMULQ	·hopInsnLen+8(SB), R9
	ADDQ	R9, AX
	MOVQ	AX, (BX)
	SHLQ	$const_chunkShift, DX
	LEAQ	(8+const_hopCoarseO)(BX)(DX*1), BX
	FINE_HOP
	JMP	resume<>(SB)

// func exitSwap(to *tctx, frameWord, frameVal, deferWord, deferVal, hi uintptr)
// The running context has ended and left the circles (arena.remove):
// write the words its removal changed and the stack's new top, which may
// be below the ending context's SP, and resume to.
TEXT ·exitSwap(SB), NOSPLIT|NOFRAME, $0-48
	MOVQ	to+0(FP), DI
	MOVQ	frameWord+8(FP), BX
	MOVQ	frameVal+16(FP), AX
	MOVQ	AX, (BX)
	MOVQ	deferWord+24(FP), BX
	MOVQ	deferVal+32(FP), AX
	MOVQ	AX, (BX)
	MOVQ	(TLS), R8
	MOVQ	hi+40(FP), AX
	MOVQ	AX, const_gStackHi(R8)
	MOVQ	tctx_s(DI), R11
	JMP	resume<>(SB)

// resume runs a suspended context (State R11, record DI) on goroutine R8,
// its host: the chains end before it, the GC's stack window starts 4 GiB
// below its slot, and its defer and panic records come back from below its
// SP. It returns into the frame that called departTurbo, switchTurbo or
// swap by a jump, not a RET: the CPU predicts a RET from the calls it has
// seen, which were the suspending context's, so a RET here mispredicts
// whenever the two contexts called from different code, and so do the
// returns after it. The jump's target is predicted from the branches that
// led to it instead.
TEXT resume<>(SB), NOSPLIT|NOFRAME, $0
	MOVQ	tctx_entryWord(DI), BX
	MOVQ	tctx_endVal(DI), AX
	MOVQ	AX, (BX)
	MOVQ	tctx_dword(DI), BX
	MOVQ	$0, (BX)
	MOVQ	tctx_gLo(DI), AX
	MOVQ	AX, const_gStackLo(R8)
	MOVQ	State_sp(R11), CX // the return address, with d and p below it
	MOVQ	-16(CX), AX
	MOVQ	AX, const_gDefer(R8)
	MOVQ	-8(CX), AX
	MOVQ	AX, const_gPanic(R8)
	MOVQ	tctx_bp(DI), R9
	LEAQ	8(CX), SP
	XCHGQ	BP, R9 // loads BP; vet's frame-pointer check takes this for a read
	// The results of departTurbo, s and no switch call; a switch call's
	// result, a bool, is not used (park, turn).
	MOVQ	R11, AX
	XORL	BX, BX
	JMP	(CX)

// func enterArena(a *arena, to *tctx)
// Moves the host goroutine onto its arena, running to. It returns when
// leaveArena is called. The goroutine's own stack is not scanned
// meanwhile: g.stktopsp is the chain's end.
TEXT ·enterArena(SB), NOSPLIT|NOFRAME, $0-16
	MOVQ	a+0(FP), SI
	MOVQ	to+8(FP), DI
	MOVQ	(TLS), R8
	MOVQ	SP, arena_origSP(SI)
	MOVQ	BP, arena_origBP(SI)
	MOVQ	const_gStackLo(R8), AX
	MOVQ	AX, arena_origLo(SI)
	MOVQ	const_gStackHi(R8), AX
	MOVQ	AX, arena_origHi(SI)
	MOVQ	const_gTopSP(R8), AX
	MOVQ	AX, arena_origTop(SI)
	MOVQ	tctx_top(DI), AX // to, main, is the only slot: its top is liveTop
	MOVQ	AX, const_gStackHi(R8)
	MOVQ	arena_end(SI), AX
	ADDQ	$8, AX
	MOVQ	AX, const_gTopSP(R8)
	// The stack check must never fire on the arena (there is nothing to
	// grow): put the guard below every slot, unless a preemption request
	// is pending, which another thread may write at any time.
	MOVQ	tctx_gLo(DI), CX
	ADDQ	$const_stackGuard, CX
	MOVQ	const_gGuard0(R8), AX
enterGuard:
	CMPQ	AX, stackPreempt
	JEQ	entered
	LOCK
	CMPXCHGQ	CX, const_gGuard0(R8)
	JNE	enterGuard
entered:
	MOVQ	tctx_s(DI), R11
	JMP	resume<>(SB)

// func leaveArena(a *arena)
// Returns from enterArena on the goroutine's own stack. No context is left.
TEXT ·leaveArena(SB), NOSPLIT|NOFRAME, $0-8
	MOVQ	a+0(FP), SI
	MOVQ	(TLS), R8
	MOVQ	arena_origLo(SI), CX
	MOVQ	CX, const_gStackLo(R8)
	MOVQ	arena_origHi(SI), AX
	MOVQ	AX, const_gStackHi(R8)
	MOVQ	arena_origTop(SI), AX
	MOVQ	AX, const_gTopSP(R8)
	MOVQ	$0, const_gDefer(R8)
	MOVQ	$0, const_gPanic(R8)
	ADDQ	$const_stackGuard, CX
	MOVQ	const_gGuard0(R8), AX
leaveGuard:
	CMPQ	AX, stackPreempt
	JEQ	left
	LOCK
	CMPXCHGQ	CX, const_gGuard0(R8)
	JNE	leaveGuard
left:
	MOVQ	arena_origSP(SI), SP
	MOVQ	arena_origBP(SI), R9
	XCHGQ	BP, R9 // as in resume
	RET

// contextEntry is where a new context starts, returned into by resume
// from the frame newFrame built: 0(SP) is the slot's link word, which
// the unwinder takes for contextEntry's return address, and 8(SP) the
// context's tctx.
TEXT ·contextEntry(SB), NOSPLIT|NOFRAME, $0-0
	NO_LOCAL_POINTERS
	MOVQ	8(SP), AX
	ADJSP	$16
	MOVQ	AX, 0(SP)
	// BP is 0 (newContext leaves tctx.bp zero): frame-pointer unwinders
	// stop at the context's base.
	CALL	·turboRun(SB)
	INT	$3

// swapFrame is never run. A suspended context's innermost frame appears
// to be in it, so the GC scans d and p by its signature.
TEXT ·swapFrame(SB), NOSPLIT|NOFRAME, $0-16
	INT	$3

// chainEnd is never run: the chain's last word holds its PC, and the
// unwinder stops at a TOPFRAME function.
TEXT ·chainEnd(SB), NOSPLIT|NOFRAME|TOPFRAME, $0-0
	INT	$3



// segvHandler is the process's SIGSEGV handler while turbo hosts run
// (installSegvHandler); the kernel calls it with the C ABI on the signal
// stack: DI signal, SI siginfo, DX context. A fault in a guard page of an
// arena is a stack overflow: it says which context overflowed and exits.
// Any other fault goes to the handler it replaced, the Go runtime's, with
// DI, SI, DX and SP as the kernel left them (the registers it clobbers
// come back from the signal frame at sigreturn).
TEXT ·segvHandler(SB), NOSPLIT|NOFRAME, $0
	MOVQ	16(SI), AX // si_addr
	MOVQ	AX, CX
	SHRQ	$const_windowShift, CX
	CMPQ	CX, $const_arenaHostsLen
	JAE	notOurs
	LEAQ	·arenaHosts(SB), R8
	MOVQ	(R8)(CX*8), R8
	TESTQ	R8, R8
	JEQ	notOurs
	MOVQ	host_tb(R8), R9
	MOVQ	turbo_a(R9), R10
	MOVQ	AX, R12
	SUBQ	arena_base(R10), R12
	CMPQ	R12, $const_regionSize
	JAE	notOurs
	MOVQ	R12, R13
	ANDQ	$(const_chunk-1), R13
	CMPQ	R13, $const_pageSize
	JAE	notOurs
	// A guard page: slot index R12, its context's description and the
	// text that says its stack size.
	SHRQ	$const_chunkShift, R12
	XORL	R14, R14 // description pointer
	XORL	R15, R15 // and length
	MOVQ	·overflowAfter1(SB), BX // size text pointer
	MOVQ	·overflowAfter1+8(SB), R13 // and length
	CMPQ	R12, arena_owners+8(R10)
	JAE	say
	MOVQ	arena_owners(R10), R11
	MOVQ	(R11)(R12*8), R11
	TESTQ	R11, R11
	JEQ	say
	MOVQ	tctx_overflow(R11), BX
	MOVQ	tctx_overflow+8(R11), R13
	MOVQ	tctx_s(R11), R11
	MOVQ	State_desc(R11), R14
	MOVQ	State_desc+8(R11), R15
say:
	MOVQ	$1, AX // write(2, ...)
	MOVQ	$2, DI
	MOVQ	·overflowBefore(SB), SI
	MOVQ	·overflowBefore+8(SB), DX
	SYSCALL
	MOVQ	$1, AX
	MOVQ	$2, DI
	MOVQ	R14, SI
	MOVQ	R15, DX
	SYSCALL
	MOVQ	$1, AX
	MOVQ	$2, DI
	MOVQ	BX, SI
	MOVQ	R13, DX
	SYSCALL
	MOVQ	$231, AX // exit_group(2)
	MOVQ	$2, DI
	SYSCALL
	INT	$3
notOurs:
	MOVQ	·oldSegvHandler(SB), AX
	JMP	AX

// func codeAddrs(pcs *[7]uintptr)
// The addresses of the routines whose PCs go into stacks and the
// chain, in the order of codePCs.
TEXT ·codeAddrs(SB), NOSPLIT, $0-8
	MOVQ	pcs+0(FP), DI
	MOVQ	$·contextEntry(SB), AX
	MOVQ	AX, 0(DI)
	MOVQ	$·chainEnd(SB), AX
	MOVQ	AX, 8(DI)
	MOVQ	$·swapFrame(SB), AX
	MOVQ	AX, 16(DI)
	MOVQ	$·segvHandler(SB), AX
	MOVQ	AX, 24(DI)
	MOVQ	$·swap(SB), AX
	MOVQ	AX, 32(DI)
	MOVQ	$·departTurbo(SB), AX
	MOVQ	AX, 40(DI)
	MOVQ	$·switchTurbo(SB), AX
	MOVQ	AX, 48(DI)
	RET
