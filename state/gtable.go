package state

import (
	"sync"
	"sync/atomic"
)

// gtable maps a goroutine (getg) to the context it runs on the portable
// engine: a context's goroutine to that context, a host goroutine to its
// main context. (A turbo host goroutine runs every context of its host on
// an arena, whose address names the host: see turboHost.) Lookups take no lock:
// a goroutine only ever looks up its own entry, which only it writes, so
// it finds its latest value in whichever table it loads. Writers
// serialise on mu and publish a grown table whole; an old table is never
// written again.
type gtable struct {
	// near caches entries in front of the table, one slot per home: a
	// Switch looks up the running context each time, and finds it here
	// with one load when the table is a package variable. A slot belongs
	// to the goroutine whose key it holds, which alone writes or frees it
	// (store), so a goroutine that finds its own key there finds its
	// latest context; a slot with key 0 is free for the next goroutine
	// that stores. The table keeps every entry, cached or not.
	near [nearSlots]gentry
	mu   sync.Mutex
	cur  atomic.Pointer[gslots] // nil until the first store
}

const nearSlots = 4096 // 64 KiB

// gslots is an open-addressed table with linear probing. A deleted entry
// keeps its key with a nil context, so probe chains stay intact and the same
// goroutine reuses it; growing drops such entries.
type gslots struct {
	entries []gentry // len is a power of two
	used    int      // keys set, deleted entries included
}

// gentry is one goroutine's entry; key and context share a cache line, so
// a lookup that hits at home touches one line of the table. Both are
// atomic: a lookup probes keys other goroutines are setting, and the
// runtime reuses a g for a new goroutine, which then reads a context the
// ended one wrote, with no synchronisation the memory model can see.
type gentry struct {
	key atomic.Uintptr
	ctx atomic.Pointer[State]
}

func newGslots(size int) *gslots {
	return &gslots{entries: make([]gentry, size)}
}

// home is where g's probe chain starts. g is a heap address aligned to at
// least 8; Fibonacci hashing spreads the useful bits.
func (t *gslots) home(g uintptr) uintptr { return spread(g) & uintptr(len(t.entries)-1) }

func spread(g uintptr) uintptr { return g * 0x9E3779B97F4A7C15 >> 20 }

// nearSlot is g's slot in near.
func (gt *gtable) nearSlot(g uintptr) *gentry { return &gt.near[spread(g)&(nearSlots-1)] }

// cached returns g's context if near holds g's entry. It inlines, for
// Switch, which finds the running context of nearly every goroutine here.
func (gt *gtable) cached(g uintptr) (*State, bool) {
	if e := gt.nearSlot(g); e.key.Load() == g {
		return e.ctx.Load(), true
	}
	return nil, false
}

// load returns g's context, or nil.
func (gt *gtable) load(g uintptr) *State {
	if s, ok := gt.cached(g); ok {
		return s
	}
	if t := gt.cur.Load(); t != nil {
		if e, found := t.find(g); found {
			return e.ctx.Load()
		}
	}
	return nil
}

// store sets g's context; nil deletes the entry. Only g itself stores
// for g: near relies on it.
func (gt *gtable) store(g uintptr, s *State) {
	gt.mu.Lock()
	defer gt.mu.Unlock()
	switch e := gt.nearSlot(g); e.key.Load() {
	case g:
		if s == nil {
			e.key.Store(0) // free: only g looks for g, and g is here
		}
		e.ctx.Store(s)
	case 0:
		if s != nil {
			e.ctx.Store(s)
			e.key.Store(g) // after the context, as in the table
		}
	}
	if gt.cur.Load() == nil {
		gt.cur.Store(newGslots(64))
	}
	for {
		t := gt.cur.Load()
		e, found := t.find(g)
		switch {
		case found:
			e.ctx.Store(s)
		case s == nil:
		case 2*(t.used+1) > len(t.entries):
			gt.grow(t)
			continue
		default:
			e.ctx.Store(s)
			e.key.Store(g) // after the context: the key makes the entry visible
			t.used++
		}
		return
	}
}

// find returns g's entry, or the empty entry that ends its probe chain.
func (t *gslots) find(g uintptr) (e *gentry, found bool) {
	mask := uintptr(len(t.entries) - 1)
	for i := t.home(g); ; i = (i + 1) & mask {
		e = &t.entries[i]
		switch e.key.Load() {
		case g:
			return e, true
		case 0:
			return e, false
		}
	}
}

// grow publishes a copy of t without deleted entries, twice as large when
// more than a quarter of it is live.
func (gt *gtable) grow(t *gslots) {
	live := 0
	for i := range t.entries {
		if t.entries[i].ctx.Load() != nil {
			live++
		}
	}
	size := len(t.entries)
	if 4*live > size {
		size *= 2
	}
	n := newGslots(size)
	for i := range t.entries {
		s := t.entries[i].ctx.Load()
		if s == nil {
			continue
		}
		g := t.entries[i].key.Load()
		e, _ := n.find(g)
		e.ctx.Store(s)
		e.key.Store(g)
		n.used++
	}
	gt.cur.Store(n)
}
