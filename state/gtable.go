package state

import (
	"sync"
	"sync/atomic"
)

// gtable maps goroutines (getg) to hosts. Lookups take no lock: a
// goroutine only ever looks up its own entry, which only it writes, so it
// finds its latest value in whichever table it loads. Writers serialise on
// mu and publish a grown table whole; an old table is never written again.
type gtable struct {
	mu  sync.Mutex
	cur atomic.Pointer[gslots] // never nil: see newGtable
}

func newGtable() *gtable {
	gt := new(gtable)
	gt.cur.Store(newGslots(64))
	return gt
}

// gslots is an open-addressed table with linear probing. A deleted entry
// keeps its key with a nil host, so probe chains stay intact and the same
// goroutine reuses it; growing drops such entries.
type gslots struct {
	keys  []atomic.Uintptr
	hosts []atomic.Pointer[host]
	used  int // keys set, deleted entries included
}

func newGslots(size int) *gslots {
	return &gslots{keys: make([]atomic.Uintptr, size), hosts: make([]atomic.Pointer[host], size)}
}

// home is where g's probe chain starts. g is a heap address aligned to at
// least 8; Fibonacci hashing spreads the useful bits.
func (t *gslots) home(g uintptr) uintptr {
	return (g * 0x9E3779B97F4A7C15 >> 20) & uintptr(len(t.keys)-1)
}

// load returns g's host, or nil. The first probe usually decides, and
// that path is small enough to inline.
func (gt *gtable) load(g uintptr) *host {
	t := gt.cur.Load()
	i := t.home(g)
	if t.keys[i].Load() == g {
		return t.hosts[i].Load()
	}
	return t.loadProbing(g)
}

func (t *gslots) loadProbing(g uintptr) *host {
	if i, found := t.find(g); found {
		return t.hosts[i].Load()
	}
	return nil
}

// store sets g's host; a nil host deletes the entry.
func (gt *gtable) store(g uintptr, h *host) {
	gt.mu.Lock()
	defer gt.mu.Unlock()
	for {
		t := gt.cur.Load()
		i, found := t.find(g)
		switch {
		case found:
			t.hosts[i].Store(h)
		case h == nil:
		case 2*(t.used+1) > len(t.keys):
			gt.grow(t)
			continue
		default:
			t.hosts[i].Store(h)
			t.keys[i].Store(g) // after the host: the key makes the entry visible
			t.used++
		}
		return
	}
}

// find returns g's entry, or the empty entry that ends its probe chain.
func (t *gslots) find(g uintptr) (i uintptr, found bool) {
	mask := uintptr(len(t.keys) - 1)
	for i = t.home(g); ; i = (i + 1) & mask {
		switch t.keys[i].Load() {
		case g:
			return i, true
		case 0:
			return i, false
		}
	}
}

// grow publishes a copy of t without deleted entries, twice as large when
// more than a quarter of it is live.
func (gt *gtable) grow(t *gslots) {
	live := 0
	for i := range t.hosts {
		if t.hosts[i].Load() != nil {
			live++
		}
	}
	size := len(t.keys)
	if 4*live > size {
		size *= 2
	}
	n := newGslots(size)
	for i := range t.keys {
		h := t.hosts[i].Load()
		if h == nil {
			continue
		}
		g := t.keys[i].Load()
		j, _ := n.find(g)
		n.hosts[j].Store(h)
		n.keys[j].Store(g)
		n.used++
	}
	gt.cur.Store(n)
}
