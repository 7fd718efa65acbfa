//go:build go1.26 && !go1.27 && linux && (amd64 || arm64)

package state

import (
	"bytes"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"unsafe"
)

// The turbo engine runs all contexts of a host on one goroutine, each on
// a slot of the host's arena, and switches between them in assembly
// (turbo_<arch>.s). Run starts that goroutine: the caller's own frames
// cannot be part of the frame chain, so the caller waits, parked where
// the GC scans it as usual, and main runs as a context like any other.

// turboDefect says what keeps this build's turbo engine from running,
// or "" when nothing does.
func turboDefect() string {
	if err := hopTables(); err != nil {
		return "hop tables that decode as generated: " + err.Error()
	}
	return ""
}

// stackGuard is the runtime's stack guard size (runtime/stack.go) in the
// builds turbo runs in: no race detector, no sanitizers.
const stackGuard = 928

// turbo is a host's turbo engine state.
type turbo struct {
	a *arena
	// dead is the context that ended last; its slot is freed (reap) once
	// control has left it, when a context starts or ends.
	dead *tctx
	// how main ended, for Run's caller
	panicked bool
	value    any
	goexit   bool
	// call is the func value depart returns when it has done a switch's
	// work in Go, to Transfer or to switchSlow: calling it runs swap,
	// which finds from and to here.
	call swapCall
	// turn is the func value depart hands Switch: calling it runs
	// switchTurbo, which finds from and to here.
	turn turnCall
}

// swapCall is a closure record whose code is swap: the caller of the func
// value passes its address in the closure register (DX, R26), as Go does
// for every func value. depart returns it once it has done a switch's work
// in Go; Transfer calls it from its caller's frame, so the switch returns
// straight into the code that asked for it (see swap), Switch from
// switchSlow's. from and to are plain words, set just before each call:
// their States keep the records alive.
type swapCall struct {
	fn       uintptr // swap's entry, the assembly's own (ABI0) symbol
	from, to uintptr // the running context's tctx, and the one to resume
}

// turnCall is a closure record whose code is switchTurbo, for Switch: from
// is the running context and to the one pick chose, which may be held by
// nothing else until it runs, so the record holds them as pointers (until
// the next Switch: the assembly cannot clear them without a write barrier).
type turnCall struct {
	fn       uintptr // switchTurbo's entry
	from, to *State
}

// turner readies the host's switchTurbo from from to to and returns the
// call that makes it.
func (tb *turbo) turner(from, to *State) func() bool {
	c := &tb.turn
	c.from, c.to = from, to
	return *(*func() bool)(unsafe.Pointer(&c))
}

// switchSlow is where switchTurbo goes when the switch it was asked for is
// not a plain one: depart does it in Go, and the switch is made from here.
func switchSlow() bool {
	c := &turboHost().tb.turn
	_, sw := depart(c.from, c.to, nil)
	park(sw)
	return true
}

// switchSlowFn is switchSlow as the func value switchTurbo jumps to.
var switchSlowFn = switchSlow

// swapOver is the hop over swapFrame's arguments, hopFinePC(overSpan),
// which suspend writes below a suspending context's SP.
var swapOver uintptr

// switcher readies the host's swap from from to to and returns the call
// that makes it.
func (tb *turbo) switcher(from, to *tctx) func() bool {
	c := &tb.call
	c.from, c.to = uintptr(unsafe.Pointer(from)), uintptr(unsafe.Pointer(to))
	// A func value is a pointer to its closure record.
	return *(*func() bool)(unsafe.Pointer(&c))
}

type turboEngine struct{ why EngineInfo }

func (e turboEngine) info() EngineInfo { return e.why }

func (turboEngine) stack(s *State) (size int, goid uint64, ok bool) {
	if s.tc == nil || s.status == StatusDone {
		return 0, 0, false
	}
	return int(s.tc.size()), goroutineID(s.pt.g), true
}

// arenaHosts maps an arena's window to its host: a stack address, shifted
// by windowShift, indexes it. Written when a host starts and ends, read by
// its goroutine to find its host (currentHost). It also keeps each running
// host's records reachable: while the host goroutine runs on its arena,
// the frames of its own stack are not scanned.
var arenaHosts [1 << (48 - windowShift)]atomic.Pointer[host]

// turboHost returns the host whose arena the calling goroutine runs on,
// or nil when it runs on a goroutine stack.
func turboHost() *host {
	var here byte
	if i := uintptr(unsafe.Pointer(&here)) >> windowShift; i < uintptr(len(arenaHosts)) {
		return arenaHosts[i].Load()
	}
	return nil
}

// runTurbo is Run on the turbo engine, for host h of newHost.
func runTurbo(h *host) {
	installSegvHandler()
	a, err := takeArena()
	if err != nil {
		panic(err)
	}
	h.tb = &turbo{a: a, call: swapCall{fn: swapPC()}, turn: turnCall{fn: codePCs[6]}}
	// main's stack first, while a failure can still be Run's panic.
	if err := h.tb.newContext(h.main, nil); err != nil {
		putArena(a)
		panic(err)
	}
	done := make(chan struct{})
	arenaHosts[a.reserve>>windowShift].Store(h)
	go hostMain(h, done)
	<-done
	tb := h.tb
	switch {
	case tb.panicked:
		panic(tb.value)
	case tb.goexit:
		runtime.Goexit()
	}
}

// hostMain is the host goroutine. It must hold nothing the GC needs and
// defer nothing: its frames are hidden while it runs on the arena.
func hostMain(h *host, done chan<- struct{}) {
	m := h.main
	tb := h.tb
	m.pt.g = getg()
	if h.locks != 0 {
		runtime.LockOSThread()
	}
	enterArena(tb.a, m.tc)
	// Back on the goroutine's own stack: every context has ended. Their
	// slots, main's and the last one's too, go with the arena (putArena).
	arenaHosts[tb.a.reserve>>windowShift].Store(nil)
	putArena(tb.a) // after the host's window is free in arenaHosts: another host may take it next
	if h.locks != 0 {
		runtime.UnlockOSThread()
	}
	close(done)
}

// newContext gives s a slot (s.tc) with a frame that starts it, and puts
// the slot into the chain; running is the context that runs meanwhile,
// nil for main. When no slot can be had, nothing changes.
func (tb *turbo) newContext(s *State, running *tctx) error {
	a := tb.a
	tb.reap()
	t, err := a.allocSlot(max(1, (s.stackSize+chunk-1)/chunk))
	if err != nil {
		return err
	}
	// A record comes back with its last context's frame pointer; a new
	// context's is 0, where frame-pointer unwinders stop.
	t.s, t.bp, t.hopSP = s, 0, 0
	a.owners[t.slot] = t
	s.tc = t
	if running != nil {
		s.pt.g = running.s.pt.g
		t.labels = *labelsOf(s.pt.g) // running's: see switchLabels
	}
	// The context's defer sentinel, a record that no frame owns (its sp is
	// its own address), and at the top of the slot the frame a new context
	// is suspended in (newFrame), which the chain enters as a switch
	// would leave it (insert).
	sent := t.sentinel
	*(*[deferSize / 8]uintptr)(ptr(sent)) = [deferSize / 8]uintptr{deferSP / 8: sent}
	newFrame(t)
	a.insert(t, running)
	return nil
}

// reap frees the slot of the context that ended last; control has left
// it, since the caller runs on another. The slot's record goes back with
// it, for the next context to start there: the ended context lets go of
// it, and it of the context, which it would otherwise keep alive.
func (tb *turbo) reap() {
	if t := tb.dead; t != nil {
		t.s.tc, t.s, t.labels = nil, nil, nil
		tb.a.freeSlot(t)
		tb.dead = nil
	}
}

// turboRun is the first function on a context's stack, called by
// contextEntry. It never returns: there is nothing to return to.
func turboRun(t *tctx) {
	s := t.s
	if s == s.h.main {
		turboMain(s)
	}
	defer goexitPastBody()
	s.h.runBody(s)
	turboExit(s, s.h.finish(s))
}

// goexitPastBody is turboRun's deferred call. turboRun never returns, so
// it runs only when a runtime.Goexit goes on past runBody: one that waited
// under a panic that bodyEnded recovered. The context leaves from here, as
// bodyEnded has it leave on Goexit; past this frame lie other contexts'.
func goexitPastBody() {
	s := Running()
	turboExit(s, s.h.finish(s))
}

// turboExit leaves the ended context s for next and frees its slot.
func turboExit(s, next *State) {
	tb := s.h.tb
	fw, fv, dw, dv := tb.a.remove(s.tc)
	tb.reap()
	tb.dead = s.tc
	switchLabels(s.pt.g, s.tc, next.tc)
	exitSwap(next.tc, fw, fv, dw, dv, tb.a.liveTop())
}

// turboMain runs the host's main context and then leaves the arena.
func turboMain(m *State) {
	defer goexitPastMain()
	mainBody(m)
	closeAndLeave(m)
}

// goexitPastMain is turboMain's deferred call, which runs only when a
// runtime.Goexit of main goes on past mainBody: one that waited under a
// panic that mainBody recovered, and that Run's caller gets.
func goexitPastMain() { closeAndLeave(Running()) }

// mainBody runs main, recording how it ended. On runtime.Goexit it closes
// the host and leaves from the deferred call, as runBody does.
func mainBody(m *State) {
	tb := m.h.tb
	returned := false
	defer func() {
		if returned {
			return
		}
		if p := recover(); p != nil {
			tb.panicked, tb.value = true, p
			return // the panic is over; turboMain goes on (or goexitPastMain)
		}
		tb.goexit = true
		closeAndLeave(m)
	}()
	m.fn()
	returned = true
}

// closeAndLeave cancels the contexts main leaves behind and returns the
// host goroutine to its own stack.
func closeAndLeave(m *State) {
	h := m.h
	if pe := h.close(); pe != nil {
		h.tb.panicked, h.tb.value, h.tb.goexit = true, pe, false
	}
	h.tb.a.remove(m.tc)
	leaveArena(h.tb.a)
}

// ptr turns an address in the arena into a pointer. Arena memory is not
// Go memory, so the GC ignores such pointers.
func ptr(p uintptr) unsafe.Pointer { return *(*unsafe.Pointer)(unsafe.Pointer(&p)) }

func (a *arena) owner(i int) *tctx { return a.owners[i] }

// switchLabels moves the profiler labels (runtime/pprof's, g.labels) of
// host goroutine g from the running context from to the record, and those
// of the context to resume into g. A goroutine's labels are its own, and
// a goroutine it starts begins with them; on this engine a host's
// contexts share one goroutine, so each keeps its labels while suspended,
// and a new one begins with those of the context that enters it, as on
// the portable engine. Without labels it costs two tests.
func switchLabels(g unsafe.Pointer, from, to *tctx) {
	gl := labelsOf(g)
	if l := *gl; l != nil || to.labels != nil {
		from.labels, *gl, to.labels = l, to.labels, nil
	}
}

// labelsOf is where goroutine g keeps its profiler labels (g.labels).
func labelsOf(g unsafe.Pointer) *unsafe.Pointer { return (*unsafe.Pointer)(unsafe.Add(g, gLabels)) }

// liveTop is g.stack.hi while the host runs on the arena: the top of the
// highest live slot. The runtime recognises a pointer into a stack only
// below g.stack.hi, so it must cover every live slot; and it charges
// g.stack.hi - SP to its pacer as stack to scan, which goes into the next
// heap goal (runtime/mgcpacer.go, lastStackScan), so it is no higher: the
// top of the whole mapping would add up to 1 GiB. insert raises it,
// exitSwap lowers it, and enterArena starts with main's, the only slot.
func (a *arena) liveTop() uintptr { return a.owner(a.highest).top }

// setStackHi sets the calling goroutine's g.stack.hi (liveTop).
func setStackHi(hi uintptr) { *(*uintptr)(unsafe.Add(getg(), gStackHi)) = hi }

// Implemented in turbo_<arch>.s.

// swap is only entered through a swapCall (turbo.switcher), never called
// by name: it takes its arguments from the closure record.
func swap()
func exitSwap(to *tctx, frameWord, frameVal, deferWord, deferVal, hi uintptr)
func enterArena(a *arena, to *tctx)
func leaveArena(a *arena)
func contextEntry()
func chainEnd()

// swapFrame's signature is how the GC scans the two words a suspended
// context keeps below its SP (chain_<arch>.go): d and p, its defer and
// panic records, which the switch saves as swapFrame's arguments.
func swapFrame(d, p unsafe.Pointer)
func departTurbo()
func switchTurbo()
func codeAddrs(pcs *[7]uintptr)

// codePCs are the entry PCs of contextEntry, chainEnd, swapFrame,
// segvHandler, swap, departTurbo and switchTurbo.
var codePCs = func() (pcs [7]uintptr) {
	codeAddrs(&pcs)
	return pcs
}()

func contextEntryPC() uintptr { return codePCs[0] }
func chainEndPC() uintptr     { return codePCs[1] }
func swapFramePC() uintptr    { return codePCs[2] }
func swapPC() uintptr         { return codePCs[4] }

// startTurbo readies the switch once the turbo engine is chosen, its hop
// tables located: Transfer's depart is departTurbo, as a func value of
// depart's type (a pointer to a closure record whose first word is the
// code), and swapOver is set.
func startTurbo() {
	rec := &struct{ fn uintptr }{codePCs[5]}
	departFn = *(*departFunc)(unsafe.Pointer(&rec))
	swapOver = hopFinePC(overSpan)
}

// turboTracebacks is Tracebacks on the turbo engine, where every context
// of a host shares one goroutine. The running context's frames are the
// caller's up to turboRun; a suspended context's are found by following
// its frame pointers from where the switch saved them, as the execution
// tracer does, up to the zero that contextEntry leaves. Only the host
// itself can read its contexts' stacks: from elsewhere they may be running.
func turboTracebacks(ctxs []*State) []string {
	out := make([]string, len(ctxs))
	h := currentHost()
	for i, s := range ctxs {
		if s.tc == nil || s.status == StatusDone || s.h != h {
			continue
		}
		var pcs []uintptr
		if s == h.current {
			pcs = make([]uintptr, 256)
			pcs = pcs[:runtime.Callers(2, pcs)]
		} else {
			pcs = append(pcs, *(*uintptr)(ptr(s.sp)))
			for bp := s.tc.bp; bp != 0; bp = *(*uintptr)(ptr(bp)) {
				pcs = append(pcs, *(*uintptr)(ptr(bp + 8)))
			}
		}
		out[i] = formatContextStack(goroutineID(s.pt.g), s.status, pcs)
	}
	return out
}

// formatContextStack writes pcs in runtime.Stack's format, ending with
// turboRun: the frames past it belong to the chain, not to the context.
func formatContextStack(goid uint64, st Status, pcs []uintptr) string {
	var b strings.Builder
	fmt.Fprintf(&b, "goroutine %d [%v]:\n", goid, st)
	frames := runtime.CallersFrames(pcs)
	for {
		f, more := frames.Next()
		if f.Function != "" {
			fmt.Fprintf(&b, "%s(...)\n\t%s:%d +%#x\n", f.Function, f.File, f.Line, f.PC-f.Entry)
		}
		if !more || strings.HasSuffix(f.Function, "/state.turboRun") {
			break
		}
	}
	return b.String()
}

// trimChain cuts a traceback of a context's goroutine after turboRun.
func trimChain(stack []byte) []byte {
	i := bytes.Index(stack, []byte("/state.turboRun("))
	if i < 0 {
		return stack
	}
	// the function's line, then its file line
	for n := 0; n < 2; n++ {
		j := bytes.IndexByte(stack[i:], '\n')
		if j < 0 {
			return stack
		}
		i += j + 1
	}
	return stack[:i]
}

// arenaBytes is the memory the arenas hold, running hosts' and idle ones'.
func arenaBytes() uint64 {
	n := idleArenaBytes()
	for i := range arenaHosts {
		if h := arenaHosts[i].Load(); h != nil {
			n += h.tb.a.bytes()
		}
	}
	return n
}
