package fuzz

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/corogo/coro/sched"
	cosync "github.com/corogo/coro/sync"
)

// FuzzSync drives a Semaphore, a Signal, an RWLock, a Chan and two keys
// of a SemaphoreSet from main
// and four worker coroutines with a random sequence of operations, and
// checks every step against a reference model of Coro's semantics: a
// plain simulation with slices of the ready queue and of each wait list.
//
// Main never blocks. It hands blocking commands to idle workers, releases
// what workers hold, calls the non-blocking operations itself, cedes,
// cancels workers, throws at them and readies them spuriously. After each
// step the event log (every acquisition, release, value received and
// recovered panic, in order), the observable state and the ready-queue
// length must equal the model's; this checks FIFO wake order and that no
// wake-up is lost or consumed twice. Independently of the model, the
// semaphore count must be conserved, channel values must come out in the
// order they went in, and once nothing is ready no waiter may be left
// behind a free semaphore or channel value.
func FuzzSync(f *testing.F) {
	f.Add([]byte{0, 0, 0, 4, 0, 8, 1, 0, 9, 0})
	f.Add([]byte{2, 1, 0, 0, 0, 1, 0, 2, 0, 3, 9, 0, 1, 0, 10, 0, 9, 0, 1, 0, 9, 0})
	f.Add([]byte{1, 0, 0, 12, 0, 13, 0, 14, 0, 15, 9, 0, 4, 0, 11, 1, 9, 0, 5, 0, 9, 0})
	f.Add([]byte{0, 2, 0, 24, 0, 25, 0, 26, 0, 27, 9, 0, 0, 24, 0, 28, 0, 29, 9, 0, 13, 0, 9, 0})
	f.Add([]byte{0, 0, 0, 16, 0, 17, 0, 18, 0, 19, 9, 0, 0, 16, 7, 0, 9, 0, 6, 1, 0, 17, 9, 0, 0, 18, 9, 0})
	f.Add([]byte{0, 1, 0, 28, 0, 29, 0, 30, 0, 31, 9, 0, 0, 24, 8, 0, 10, 1, 12, 2, 11, 3, 9, 0})
	// main write-locks, three workers queue as writers, main unlocks and
	// cancels the writer it woke: the wake-up must pass on.
	f.Add([]byte{0, 0, 6, 1, 0, 20, 0, 21, 0, 22, 9, 0, 7, 0, 10, 0, 9, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 2 {
			return
		}
		if len(data) > 400 {
			data = data[:400]
		}
		var failure error
		err := sched.Run(func() { failure = runProgram(data) })
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
		if failure != nil {
			t.Fatal(failure)
		}
	})
}

// TestSyncRandomPrograms runs FuzzSync's checks on a fixed set of
// pseudo-random programs, so that plain go test covers more than the
// seed corpus.
func TestSyncRandomPrograms(t *testing.T) {
	n := 3000
	if testing.Short() {
		n = 300
	}
	r := rand.New(rand.NewPCG(1, 2))
	for i := range n {
		data := make([]byte, 2+2*r.IntN(120))
		for j := range data {
			data[j] = byte(r.Uint32())
		}
		var failure error
		if err := sched.Run(func() { failure = runProgram(data) }); err != nil {
			t.Fatalf("program %d %v: Run: %v", i, data, err)
		}
		if failure != nil {
			t.Fatalf("program %d %v: %v", i, data, failure)
		}
	}
}

// Commands a worker runs.
type op uint8

const (
	opSDown op = iota
	opSWait
	opSGuard // Guard, held until released
	opGWait
	opLRead  // RLock, held until released
	opLWrite // Lock, held until released
	opCPut
	opCGet
	opKDown  // SemaphoreSet Down
	opKWait  // SemaphoreSet Wait
	opKGuard // SemaphoreSet Guard, held until released
	nCmds
	opRelease
	opNone
)

var opNames = [...]string{"SDown", "SWait", "SGuard", "GWait", "LRead", "LWrite", "CPut", "CGet", "KDown", "KWait", "KGuard"}

const nSlots = 4

var errThrown = errors.New("thrown")

// ---- the real world ----

type world struct {
	s     *cosync.Semaphore
	g     cosync.Signal
	l     cosync.RWLock
	c     *cosync.Chan[int]
	k     *cosync.SemaphoreSet[int]
	log   []string
	next  int // next value a Put sends
	slots [nSlots]*worker
}

type worker struct {
	id  int
	c   *sched.Coro
	cmd op
	key int // key of a SemaphoreSet command
}

func (wd *world) logf(id int, format string, args ...any) {
	wd.log = append(wd.log, fmt.Sprintf("c%d ", id)+fmt.Sprintf(format, args...))
}

func (wd *world) spawn(id int) *worker {
	w := &worker{id: id, cmd: opNone}
	w.c = sched.Async(func() any {
		for {
			for w.cmd == opNone {
				sched.Schedule()
			}
			wd.exec(w)
		}
	})
	return w
}

// hold parks a worker that holds something until main releases it.
func (w *worker) hold() {
	for w.cmd == opNone {
		sched.Schedule()
	}
	if w.cmd != opRelease {
		panic(fmt.Sprintf("holder c%d got command %d", w.id, w.cmd))
	}
	w.cmd = opNone
}

func (wd *world) exec(w *worker) {
	cmd := w.cmd
	w.cmd = opNone
	defer func() {
		if p := recover(); p != nil {
			if p != errThrown {
				panic(p)
			}
			w.cmd = opNone
			wd.logf(w.id, "panic")
		}
	}()
	switch cmd {
	case opSDown:
		wd.s.Down()
	case opSWait:
		wd.s.Wait()
	case opSGuard:
		g := wd.s.Guard()
		defer func() { g.Release(); wd.logf(w.id, "rel") }()
		wd.logf(w.id, "SGuard")
		w.hold()
		return
	case opGWait:
		wd.g.Wait()
	case opLRead, opLWrite:
		if cmd == opLRead {
			wd.l.RLock()
		} else {
			wd.l.Lock()
		}
		defer func() { wd.l.Unlock(); wd.logf(w.id, "rel") }()
		wd.logf(w.id, "%s", opNames[cmd])
		w.hold()
		return
	case opCPut:
		v := wd.next
		wd.next++
		wd.c.Put(v)
		wd.logf(w.id, "CPut %d", v)
		return
	case opCGet:
		v, ok := wd.c.Get()
		wd.logf(w.id, "CGet %d %v", v, ok)
		return
	case opKDown:
		wd.k.Down(w.key)
	case opKWait:
		wd.k.Wait(w.key)
	case opKGuard:
		g := wd.k.Guard(w.key)
		defer func() { g.Release(); wd.logf(w.id, "rel") }()
		wd.logf(w.id, "KGuard %d", w.key)
		w.hold()
		return
	default:
		panic(fmt.Sprintf("c%d: bad command %d", w.id, cmd))
	}
	if cmd == opKDown || cmd == opKWait {
		wd.logf(w.id, "%s %d", opNames[cmd], w.key)
		return
	}
	wd.logf(w.id, "%s", opNames[cmd])
}

// ---- the model ----

type mstate uint8

const (
	mIdle mstate = iota
	mBlocked
	mHolding
	mDead
)

// What a blocked model worker waits in.
type mwait uint8

const (
	wS mwait = iota // the semaphore, in SDown, SWait or SGuard
	wG
	wLR
	wLW
	wSpace // channel Put, waiting for space
	wItems // channel Get, waiting for a value
	wK     // a SemaphoreSet key, in KDown, KWait or KGuard
)

type mworker struct {
	id      int
	st      mstate
	cmd     op // pending command from main
	op      op // command being run
	on      mwait
	val     int // value of a blocked Put
	key     int // SemaphoreSet key
	queued  bool
	woke    bool // woken by a Send (not a Broadcast)
	inReady bool
	throw   bool
}

type msem struct {
	count int
	q     []*mworker
}

type model struct {
	ready     []*mworker // nil stands for main
	s         msem
	items     msem
	space     msem
	k         [2]msem
	kInit     int
	data      []int
	sent      bool
	gq        []*mworker
	writers   int
	readers   int
	wq, rq    []*mworker
	log       []string
	next      int
	slots     [nSlots]*mworker
	mainRead  int
	mainWrite bool
}

func (m *model) logf(id int, format string, args ...any) {
	m.log = append(m.log, fmt.Sprintf("c%d ", id)+fmt.Sprintf(format, args...))
}

func (m *model) readyW(w *mworker) {
	if w.inReady || w.st == mDead {
		return
	}
	w.inReady = true
	m.ready = append(m.ready, w)
}

func remove(q []*mworker, w *mworker) []*mworker {
	i := slices.Index(q, w)
	if i < 0 {
		panic("model: waiter not found")
	}
	return slices.Delete(q, i, i+1)
}

func (m *model) wakeSem(s *msem) {
	for n := s.count; n > 0 && len(s.q) > 0; n-- {
		w := s.q[0]
		s.q = s.q[1:]
		w.queued = false
		m.readyW(w)
	}
}

func (m *model) up(s *msem) { s.count++; m.wakeSem(s) }

func (m *model) send() {
	if len(m.gq) == 0 {
		m.sent = true
		return
	}
	w := m.gq[0]
	m.gq = m.gq[1:]
	w.queued, w.woke = false, true
	m.readyW(w)
}

func (m *model) broadcast() {
	m.sent = false
	for _, w := range m.gq {
		w.queued, w.woke = false, false
		m.readyW(w)
	}
	m.gq = nil
}

func (m *model) wakeLock() {
	if len(m.wq) > 0 {
		w := m.wq[0]
		m.wq = m.wq[1:]
		w.queued = false
		m.readyW(w)
		return
	}
	for _, w := range m.rq {
		w.queued = false
		m.readyW(w)
	}
	m.rq = nil
}

func (m *model) unlock() {
	if m.readers > 0 {
		if m.readers--; m.readers > 0 {
			return
		}
	} else if m.writers > 0 {
		m.writers--
	} else {
		panic("model: unlock of unlocked lock")
	}
	m.wakeLock()
}

func (m *model) semOf(w *mworker) *msem {
	switch w.on {
	case wK:
		return &m.k[w.key]
	case wS:
		return &m.s
	case wSpace:
		return &m.space
	case wItems:
		return &m.items
	}
	return nil
}

func (m *model) queueOf(w *mworker) *[]*mworker {
	switch w.on {
	case wG:
		return &m.gq
	case wLR:
		return &m.rq
	case wLW:
		return &m.wq
	}
	return &m.semOf(w).q
}

func (m *model) block(w *mworker, on mwait) {
	w.st, w.on, w.queued, w.woke = mBlocked, on, true, false
	q := m.queueOf(w)
	*q = append(*q, w)
}

// done finishes w's command w.op, which acquired what it waited for.
func (m *model) done(w *mworker) {
	w.st = mIdle
	switch w.op {
	case opSGuard, opLRead, opLWrite:
		w.st = mHolding
		m.logf(w.id, "%s", opNames[w.op])
	case opKGuard:
		w.st = mHolding
		m.logf(w.id, "KGuard %d", w.key)
	case opKDown, opKWait:
		m.logf(w.id, "%s %d", opNames[w.op], w.key)
	case opCPut:
		m.logf(w.id, "CPut %d", w.val)
	case opCGet:
		m.up(&m.space)
		v, ok := 0, false
		if len(m.data) > 0 {
			v, ok = m.data[0], true
			m.data = m.data[1:]
		}
		m.logf(w.id, "CGet %d %v", v, ok)
	default:
		m.logf(w.id, "%s", opNames[w.op])
	}
}

// start runs a new command on the running worker w.
func (m *model) start(w *mworker) {
	w.op, w.cmd = w.cmd, opNone
	switch w.op {
	case opSDown, opSGuard:
		if m.s.count > 0 {
			m.s.count--
			m.done(w)
		} else {
			m.block(w, wS)
		}
	case opSWait:
		if m.s.count > 0 {
			m.wakeSem(&m.s)
			m.done(w)
		} else {
			m.block(w, wS)
		}
	case opGWait:
		if m.sent {
			m.sent = false
			m.done(w)
		} else {
			m.block(w, wG)
		}
	case opLRead:
		if m.writers == 0 {
			m.readers++
			m.done(w)
		} else {
			m.block(w, wLR)
		}
	case opLWrite:
		if m.writers == 0 && m.readers == 0 {
			m.writers++
			m.done(w)
		} else {
			m.block(w, wLW)
		}
	case opCPut:
		w.val = m.next
		m.next++
		m.data = append(m.data, w.val)
		m.up(&m.items)
		if m.space.count > 0 {
			m.space.count--
			m.done(w)
		} else {
			m.block(w, wSpace)
		}
	case opCGet:
		if m.items.count > 0 {
			m.items.count--
			m.done(w)
		} else {
			m.block(w, wItems)
		}
	case opKDown, opKGuard:
		if k := &m.k[w.key]; k.count > 0 {
			k.count--
			m.done(w)
		} else {
			m.block(w, wK)
		}
	case opKWait:
		if k := &m.k[w.key]; k.count > 0 {
			m.wakeSem(k)
			m.done(w)
		} else {
			m.block(w, wK)
		}
	}
}

// recheck runs a blocked worker that was readied: it takes what it waits
// for if it can, else waits again (at the end of the list if it had been
// taken off it).
func (m *model) recheck(w *mworker) {
	q := m.queueOf(w)
	var ok bool
	switch w.on {
	case wG:
		if !w.queued {
			m.done(w)
		}
		return
	case wLR:
		ok = m.writers == 0
	case wLW:
		ok = m.writers == 0 && m.readers == 0
	default:
		ok = m.semOf(w).count > 0
	}
	if !ok {
		if !w.queued {
			w.queued = true
			*q = append(*q, w)
		}
		return
	}
	if w.queued {
		*q = remove(*q, w)
		w.queued = false
	}
	switch {
	case w.on == wLR:
		m.readers++
	case w.on == wLW:
		m.writers++
	case w.op == opSWait || w.op == opKWait:
		m.wakeSem(m.semOf(w))
	default:
		m.semOf(w).count--
	}
	m.done(w)
}

// unwindBlocked takes a cancelled or panicking waiter off its list, or
// passes on the wake-up it was handed.
func (m *model) unwindBlocked(w *mworker) {
	if w.on == wSpace {
		defer func() { m.space.count-- }() // the Put's value stays, and keeps its room
	}
	q := m.queueOf(w)
	if w.queued {
		*q = remove(*q, w)
		w.queued = false
		return
	}
	switch w.on {
	case wG:
		if w.woke {
			m.send()
		}
	case wLR, wLW:
		if m.writers == 0 && m.readers == 0 {
			m.wakeLock()
		}
	default:
		m.wakeSem(m.semOf(w))
	}
}

func (m *model) release(w *mworker) {
	switch w.op {
	case opSGuard:
		m.up(&m.s)
	case opKGuard:
		m.up(&m.k[w.key])
	default:
		m.unlock()
	}
	m.logf(w.id, "rel")
}

// unwind ends what w is doing as a cancel or a panic does.
func (m *model) unwind(w *mworker) {
	switch w.st {
	case mBlocked:
		m.unwindBlocked(w)
	case mHolding:
		m.release(w)
	}
	w.st, w.cmd, w.throw = mIdle, opNone, false
}

// run runs worker w, just taken off the ready queue, until it parks.
func (m *model) run(w *mworker) {
	switch {
	case w.throw:
		m.unwind(w)
		m.logf(w.id, "panic")
	case w.st == mIdle:
		if w.cmd != opNone {
			m.start(w)
		}
	case w.st == mHolding:
		if w.cmd == opRelease {
			w.cmd = opNone
			m.release(w)
			w.st = mIdle
		}
	case w.st == mBlocked:
		m.recheck(w)
	}
}

// cede runs everything ready before main.
func (m *model) cede() {
	m.ready = append(m.ready, nil)
	for {
		w := m.ready[0]
		m.ready = m.ready[1:]
		if w == nil {
			return
		}
		w.inReady = false
		m.run(w)
	}
}

// keysInUse counts the SemaphoreSet keys that are not idle: off their
// initial count, or with a coroutine waiting on them or woken from them.
func (m *model) keysInUse() int {
	n := 0
	for key := range m.k {
		used := m.k[key].count != m.kInit || len(m.k[key].q) > 0
		for _, w := range m.slots {
			used = used || (w.st == mBlocked && w.on == wK && w.key == key)
		}
		if used {
			n++
		}
	}
	return n
}

func (m *model) cancel(w *mworker) {
	if w.inReady {
		m.ready = remove(m.ready, w)
		w.inReady = false
	}
	m.unwind(w)
	w.st = mDead
}

// ---- the program ----

func runProgram(data []byte) error {
	initial := int(data[0] % 3)
	kInit := int(data[0] / 3 % 3)
	max := 1 + int(data[1]%3)
	data = data[2:]

	wd := &world{s: cosync.NewSemaphore(initial), c: cosync.NewChan[int](max), k: cosync.NewSemaphoreSet[int](kInit)}
	m := &model{kInit: kInit}
	m.k[0].count, m.k[1].count = kInit, kInit
	m.s.count = initial
	m.space.count = max - 1
	nextID := 1
	for i := range nSlots {
		wd.slots[i] = wd.spawn(nextID)
		m.slots[i] = &mworker{id: nextID, cmd: opNone}
		m.readyW(m.slots[i])
		nextID++
	}

	// Conservation, independent of the model.
	semDelta := initial // initial + ups + adjustments
	tally := tally{lastGot: -1, holding: map[string]string{}}
	seen := 0 // events checked
	shutdown := false

	settle := func() {
		for sched.NReady() > 0 {
			sched.Cede()
		}
		for len(m.ready) > 0 {
			m.cede()
		}
	}

	for step := 0; step+1 < len(data); step += 2 {
		code, arg := data[step]%16, data[step+1]
		slot := int(arg % nSlots)
		w, mw := wd.slots[slot], m.slots[slot]
		var desc string
		switch code {
		case 0: // command to a worker
			cmd := op(arg/nSlots) % nCmds
			switch mw.st {
			case mIdle:
				if mw.cmd != opNone {
					continue // already given one, not yet started
				}
			case mHolding:
				if mw.cmd != opNone {
					continue
				}
				cmd = opRelease
			default:
				continue
			}
			key := int(arg>>7) & 1
			desc = fmt.Sprintf("c%d <- %d", mw.id, cmd)
			w.cmd, mw.cmd = cmd, cmd
			if cmd != opRelease {
				w.key, mw.key = key, key
			}
			w.c.Ready()
			m.readyW(mw)
		case 1:
			desc = "S.Up"
			wd.s.Up()
			m.up(&m.s)
			semDelta++
		case 2:
			d := int(arg%5) - 2
			desc = fmt.Sprintf("S.Adjust(%d)", d)
			wd.s.Adjust(d)
			m.s.count += d
			m.wakeSem(&m.s)
			semDelta += d
		case 3:
			desc = "S.TryDown"
			got := wd.s.TryDown()
			want := m.s.count > 0
			if want {
				m.s.count--
			}
			wd.log = append(wd.log, fmt.Sprintf("m try %v", got))
			m.log = append(m.log, fmt.Sprintf("m try %v", want))
		case 4:
			desc = "G.Send"
			wd.g.Send()
			m.send()
		case 5:
			desc = "G.Broadcast"
			wd.g.Broadcast()
			m.broadcast()
		case 6:
			if arg%2 == 0 {
				desc = "L.TryRLock"
				got := wd.l.TryRLock()
				want := m.writers == 0
				if want {
					m.readers++
					m.mainRead++
				}
				wd.log = append(wd.log, fmt.Sprintf("m tryr %v", got))
				m.log = append(m.log, fmt.Sprintf("m tryr %v", want))
			} else {
				desc = "L.TryLock"
				got := wd.l.TryLock()
				want := m.writers == 0 && m.readers == 0
				if want {
					m.writers++
					m.mainWrite = true
				}
				wd.log = append(wd.log, fmt.Sprintf("m tryw %v", got))
				m.log = append(m.log, fmt.Sprintf("m tryw %v", want))
			}
		case 7:
			if m.mainRead == 0 && !m.mainWrite {
				continue
			}
			desc = "L.Unlock"
			if m.mainWrite {
				m.mainWrite = false
			} else {
				m.mainRead--
			}
			wd.l.Unlock()
			m.unlock()
		case 8:
			desc = "Cede"
			sched.Cede()
			m.cede()
		case 9:
			desc = "settle"
			settle()
		case 10:
			desc = fmt.Sprintf("cancel c%d", mw.id)
			w.c.Cancel(nil)
			m.cancel(mw)
			wd.slots[slot] = wd.spawn(nextID)
			m.slots[slot] = &mworker{id: nextID, cmd: opNone}
			m.readyW(m.slots[slot])
			nextID++
		case 11:
			if mw.st != mBlocked && mw.st != mHolding {
				continue
			}
			desc = fmt.Sprintf("throw c%d", mw.id)
			w.c.Throw(errThrown)
			mw.throw = true
			m.readyW(mw)
		case 12:
			desc = fmt.Sprintf("ready c%d", mw.id)
			w.c.Ready()
			m.readyW(mw)
		case 13:
			if shutdown || arg%4 != 0 {
				continue
			}
			shutdown = true
			desc = "C.Shutdown"
			wd.c.Shutdown()
			m.items.count += 1_000_000_000
			m.wakeSem(&m.items)
		case 14:
			key := int(arg & 1)
			desc = fmt.Sprintf("K.Up(%d)", key)
			wd.k.Up(key)
			m.up(&m.k[key])
		case 15:
			key := int(arg & 1)
			desc = fmt.Sprintf("K.TryDown(%d)", key)
			got := wd.k.TryDown(key)
			want := m.k[key].count > 0
			if want {
				m.k[key].count--
			}
			wd.log = append(wd.log, fmt.Sprintf("m ktry %v", got))
			m.log = append(m.log, fmt.Sprintf("m ktry %v", want))
		}

		// Compare with the model. Logs only grow, so only new events
		// need comparing.
		if len(wd.log) != len(m.log) || !slices.Equal(wd.log[seen:], m.log[seen:]) {
			return fmt.Errorf("step %d (%s): event log differs\n got  %s\n want %s",
				step/2, desc, strings.Join(wd.log, "; "), strings.Join(m.log, "; "))
		}
		got := observed{
			wd.s.Count(), wd.s.Waiters(), wd.g.Awaited(), wd.c.Size(), sched.NReady(),
			wd.k.Count(0), wd.k.Waiters(0), wd.k.Count(1), wd.k.Waiters(1), wd.k.Len(),
		}
		want := observed{
			m.s.count, len(m.s.q), len(m.gq) > 0, len(m.data), len(m.ready),
			m.k[0].count, len(m.k[0].q), m.k[1].count, len(m.k[1].q), m.keysInUse(),
		}
		if got != want {
			return fmt.Errorf("step %d (%s): state differs\n got  %+v\n want %+v\n log %s",
				step/2, desc, got, want, strings.Join(wd.log, "; "))
		}

		// Model-free checks.
		for _, e := range wd.log[seen:] {
			if err := tally.add(e); err != nil {
				return fmt.Errorf("step %d (%s): %v", step/2, desc, err)
			}
		}
		seen = len(wd.log)
		if wd.s.Count() != semDelta-tally.taken+tally.released {
			return fmt.Errorf("step %d (%s): semaphore count %d not conserved: %d in, %d taken, %d released",
				step/2, desc, wd.s.Count(), semDelta, tally.taken, tally.released)
		}
		// A Put stores its value before it may wait.
		if tally.gets+wd.c.Size() != wd.next || tally.puts > wd.next {
			return fmt.Errorf("step %d (%s): channel lost or duplicated values: %d put, %d stored by Put, %d got, %d in the channel",
				step/2, desc, tally.puts, wd.next, tally.gets, wd.c.Size())
		}
		if sched.NReady() == 0 && wd.s.Count() > 0 && wd.s.Waiters() > 0 {
			return fmt.Errorf("step %d (%s): lost wake-up: count %d with %d waiters and nothing ready",
				step/2, desc, wd.s.Count(), wd.s.Waiters())
		}
	}
	settle()
	if !slices.Equal(wd.log, m.log) {
		return fmt.Errorf("after settling: event log differs\n got  %s\n want %s",
			strings.Join(wd.log, "; "), strings.Join(m.log, "; "))
	}
	for _, e := range wd.log[seen:] {
		if err := tally.add(e); err != nil {
			return fmt.Errorf("after settling: %v", err)
		}
	}
	return nil
}

// observed is the state compared with the model after every step.
type observed struct {
	sCount, sWaiters int
	gAwaited         bool
	cSize, nready    int
	k0Count, k0Wait  int
	k1Count, k1Wait  int
	keys             int
}

// tally follows the event log without the model: semaphore takes and
// guard releases, channel values in and out.
type tally struct {
	taken, released, puts, gets int
	lastGot                     int
	holding                     map[string]string // what each worker holds
}

func (t *tally) add(e string) error {
	f := strings.Fields(e)
	switch {
	case f[1] == "SDown" || e == "m try true":
		t.taken++
	case f[1] == "SGuard" || f[1] == "LRead" || f[1] == "LWrite" || f[1] == "KGuard":
		if f[1] == "SGuard" {
			t.taken++
		}
		if t.holding[f[0]] != "" {
			return fmt.Errorf("%s acquires while holding %s", e, t.holding[f[0]])
		}
		t.holding[f[0]] = f[1]
	case f[1] == "rel":
		if t.holding[f[0]] == "" {
			return fmt.Errorf("%s releases nothing", f[0])
		}
		if t.holding[f[0]] == "SGuard" {
			t.released++
		}
		delete(t.holding, f[0])
	case f[1] == "CPut":
		t.puts++
	case f[1] == "CGet" && f[3] == "true":
		t.gets++
		var v int
		fmt.Sscan(f[2], &v)
		if v <= t.lastGot {
			return fmt.Errorf("channel value %d after %d", v, t.lastGot)
		}
		t.lastGot = v
	}
	return nil
}
