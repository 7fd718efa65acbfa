//go:build go1.26 && !go1.27 && linux && (amd64 || arm64)

package state

import (
	"fmt"
	"math/bits"
	"unsafe"

	"golang.org/x/sys/unix"
)

// An arena is the memory of one turbo host: the stacks of its contexts and
// the words that chain their suspended frames together for the garbage
// collector (see chain.go for why the layout is what it is).
//
// One memfd of regionSize bytes holds every stack. It is mapped three
// times, 4 GiB apart: the real mapping, where contexts run, and two
// read-only aliases. The GC reads a stack object at g.stack.lo + a 32-bit
// offset, so it reaches objects of the running context and of contexts
// above it through the lower alias, and the frame chain visits contexts
// below the running one through the upper alias: both see the same pages.
//
//	lo alias   [base-4G, base-4G+R)   read-only
//	real       [base,    base+R)      stacks, each led by a guard page
//	rungs      chunks between base+R and base+4G (see rung)
//	hi alias   [base+4G, base+4G+R)   read-only
//	end        the chunk at base+4G+R, holding the chain's last word
//	sentinels  the defer sentinels, from the next chunk (see chain.go)
//
// The sentinels come after the stacks in the memfd; only the real mapping
// and the aliases show the stacks.
type arena struct {
	reserve uintptr // start of the whole reservation (= base - 4 GiB)
	base    uintptr // the real mapping
	fd      int

	// rungs are the chunks the chain climbs through from the real mapping
	// to the hi alias; consecutive rungs are at most one coarse hop apart.
	rungs     []uintptr
	end       uintptr // the word holding chainEnd's PC; g.stktopsp is end+8 (amd64), end+relaySpan (arm64)
	sentinels uintptr // each slot's defer sentinel, by index

	// A slot is one or more whole chunks (StackSize), named by the index
	// of its first chunk. member has a bit per chunk that starts a live
	// slot, in address order, which is the order the chain visits them in.
	member [(regionChunks + 63) / 64]uint64
	// lowest and highest bound the members, so that scans stop early.
	lowest, highest int
	fresh           int       // chunks below this have been handed out at least once
	free            [][]*tctx // free[k]: the records of freed slots of k chunks, last freed first
	owners          []*tctx   // the context on each slot, by index

	// saved goroutine state while the host runs on the arena, restored by
	// leaveArena. Written by assembly.
	origSP, origBP, origLo, origHi, origTop uintptr
}

const (
	chunk        = 1 << chunkShift // slot granularity and the coarse hop step
	chunkShift   = 16
	pageSize     = 4 << 10
	regionSize   = 1<<30 - chunk // one coarse hop must span it; see coarseHop
	regionChunks = regionSize / chunk
	// sentinelBytes holds a defer sentinel per chunk, after the stacks in
	// the memfd.
	sentinelBytes = (regionChunks*deferSize + pageSize - 1) &^ (pageSize - 1)
	aliasGap      = 1 << 32 // aliases differ by 2^32: stack offsets are 32-bit
	// Each arena lives in an aligned window of its own, reserved whole so
	// that nothing else is mapped there: a stack address then names its
	// host by its top bits (turboHost).
	windowShift = 34
	windowSize  = 1 << windowShift

	// Inside a slot [lo, hi):
	relayOff = pageSize // the relay word sits just above the guard page
)

func newArena() (*arena, error) {
	fd, err := unix.MemfdCreate("coro-stacks", unix.MFD_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("state: memfd_create: %w", err)
	}
	a := &arena{fd: fd, lowest: 1} // lowest > highest: no members
	if err := a.mapAll(); err != nil {
		unix.Close(fd)
		return nil, err
	}
	return a, nil
}

func (a *arena) mapAll() error {
	if err := unix.Ftruncate(a.fd, regionSize+sentinelBytes); err != nil {
		return fmt.Errorf("state: size stack memfd: %w", err)
	}
	res, err := mmap(0, 2*windowSize, unix.PROT_NONE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS|unix.MAP_NORESERVE, -1, 0)
	if err != nil {
		return fmt.Errorf("state: reserve %d bytes for stacks: %w", 2*windowSize, err)
	}
	win := (res + windowSize - 1) &^ (windowSize - 1)
	munmap(res, win-res)
	munmap(win+windowSize, res+windowSize-win)
	a.reserve, a.base = win, win+aliasGap
	maps := []struct {
		at   uintptr
		prot int
	}{{a.base - aliasGap, unix.PROT_READ}, {a.base, unix.PROT_READ | unix.PROT_WRITE}, {a.base + aliasGap, unix.PROT_READ}}
	for _, m := range maps {
		if _, err := mmap(m.at, regionSize, m.prot, unix.MAP_SHARED|unix.MAP_FIXED, a.fd, 0); err != nil {
			a.unmap()
			return fmt.Errorf("state: map stacks at %#x: %w", m.at, err)
		}
	}
	// Rungs: the first just above the real mapping, the last just below the
	// hi alias, none more than a coarse hop from the next.
	first, last := a.base+regionSize, a.base+aliasGap-chunk
	for q := first; q < last; q += regionSize {
		a.rungs = append(a.rungs, q)
	}
	a.rungs = append(a.rungs, last)
	a.end = a.base + aliasGap + regionSize + relayOff
	for _, q := range append(append([]uintptr(nil), a.rungs...), a.end-relayOff) {
		if _, err := mmap(q, chunk, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS|unix.MAP_FIXED, -1, 0); err != nil {
			a.unmap()
			return fmt.Errorf("state: map chain rung at %#x: %w", q, err)
		}
	}
	a.sentinels = a.end - relayOff + chunk
	if _, err := mmap(a.sentinels, sentinelBytes, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED|unix.MAP_FIXED, a.fd, regionSize); err != nil {
		a.unmap()
		return fmt.Errorf("state: map defer sentinels at %#x: %w", a.sentinels, err)
	}
	return nil
}

func (a *arena) unmap() { munmap(a.reserve, windowSize) }

func munmap(at, size uintptr) {
	if size > 0 {
		unix.Syscall(unix.SYS_MUNMAP, at, size, 0)
	}
}

// release returns all of the arena's memory; no context may run on it.
func (a *arena) release() {
	a.unmap()
	unix.Close(a.fd)
}

func mmap(at, size uintptr, prot, flags, fd int, off int64) (uintptr, error) {
	p, _, e := unix.Syscall6(unix.SYS_MMAP, at, size, uintptr(prot), uintptr(flags), uintptr(fd), uintptr(off))
	if e != 0 {
		return 0, e
	}
	return p, nil
}

// allocSlot returns the record of a free slot of k chunks, its guard
// page in place: a freed slot's own, which keeps the fields that describe
// the slot, so that a context's creation allocates no record of its own;
// or a new one. A slot keeps its size while its host runs: only its first
// chunk has a guard page, so its chunks are never handed out as slots of
// another size until clearSlots.
func (a *arena) allocSlot(k int) (*tctx, error) {
	if k < len(a.free) {
		if n := len(a.free[k]); n > 0 {
			t := a.free[k][n-1]
			a.free[k][n-1] = nil
			a.free[k] = a.free[k][:n-1]
			return t, nil
		}
	}
	if a.fresh+k > regionChunks {
		return nil, fmt.Errorf("%w of %d KiB in this host: all %d MiB of its stack space is in slots, none of them free at that size", ErrNoStackRoom, k*chunk>>10, regionSize>>20)
	}
	i := a.fresh
	lo := a.slotLo(i)
	if err := unix.Mprotect(unsafe.Slice((*byte)(ptr(lo)), pageSize), unix.PROT_NONE); err != nil {
		return nil, fmt.Errorf("state: guard page at %#x: %w", lo, err)
	}
	a.fresh += k
	for len(a.owners) <= i {
		a.owners = append(a.owners, nil)
	}
	return &tctx{relay: lo + relayOff, gLo: lo - aliasGap, top: lo + uintptr(k)*chunk, sentinel: a.sentinels + uintptr(i)*deferSize, slot: i, overflow: overflowAfter(k)}, nil
}

// freeSlot puts slot t, on which no context runs any more, back in the
// pool. Past a small hot set of each size its pages go back to the
// kernel: for memfd pages MADV_DONTNEED would only unmap them, MADV_REMOVE
// frees them.
func (a *arena) freeSlot(t *tctx) {
	a.owners[t.slot] = nil
	k := int(t.size() / chunk)
	for len(a.free) <= k {
		a.free = append(a.free, nil)
	}
	if len(a.free[k]) >= hotSlots {
		lo := a.slotLo(t.slot) + pageSize
		unix.Madvise(unsafe.Slice((*byte)(ptr(lo)), t.top-lo), unix.MADV_REMOVE)
	}
	a.free[k] = append(a.free[k], t)
}

const hotSlots = 64

// clearSlots forgets the slots of an arena whose host has ended, in use
// or free, and lifts their guard pages, so that the next host lays out
// its own: it would otherwise inherit the sizes of the slots the last one
// used, and less room than a fresh arena has.
func (a *arena) clearSlots() error {
	if a.fresh > 0 {
		if err := unix.Mprotect(unsafe.Slice((*byte)(ptr(a.base)), a.fresh*chunk), unix.PROT_READ|unix.PROT_WRITE); err != nil {
			return fmt.Errorf("state: lift guard pages at %#x: %w", a.base, err)
		}
	}
	clear(a.owners) // the host's records, main's and the last ended context's among them
	a.fresh, a.free, a.owners = 0, nil, a.owners[:0]
	return nil
}

func (a *arena) slotLo(i int) uintptr { return a.base + uintptr(i)*chunk }

func (a *arena) setMember(i int, on bool) {
	if on {
		if a.lowest > a.highest { // none yet
			a.lowest, a.highest = i, i
		}
		a.lowest, a.highest = min(a.lowest, i), max(a.highest, i)
		a.member[i/64] |= 1 << (i % 64)
		return
	}
	a.member[i/64] &^= 1 << (i % 64)
	if i == a.lowest {
		if j := a.scanUp(i+1, a.highest+1); j >= 0 {
			a.lowest = j
		} else {
			a.lowest, a.highest = 1, 0 // none left
		}
	} else if i == a.highest {
		a.highest = a.scanDown(a.lowest, i)
	}
}

// nextMember is the first live slot after i in address order, wrapping
// around; -1 if there is none but i.
func (a *arena) nextMember(i int) int {
	if j := a.scanUp(i+1, regionChunks); j >= 0 {
		return j
	}
	return a.scanUp(0, i)
}

// prevMember is the last live slot before i in address order, wrapping
// around; -1 if there is none but i.
func (a *arena) prevMember(i int) int {
	if j := a.scanDown(0, i); j >= 0 {
		return j
	}
	return a.scanDown(i+1, regionChunks)
}

// scanUp returns the lowest member in [from, to), or -1.
func (a *arena) scanUp(from, to int) int {
	from, to = max(from, a.lowest), min(to, a.highest+1)
	for from < to {
		w := a.member[from/64] >> (from % 64)
		if w != 0 {
			if j := from + bits.TrailingZeros64(w); j < to {
				return j
			}
			return -1
		}
		from = (from/64 + 1) * 64
	}
	return -1
}

// scanDown returns the highest member in [from, to), or -1.
func (a *arena) scanDown(from, to int) int {
	from, to = max(from, a.lowest), min(to, a.highest+1)
	for to > from {
		last := to - 1
		w := a.member[last/64] << (63 - last%64)
		if w != 0 {
			if j := last - bits.LeadingZeros64(w); j >= from {
				return j
			}
			return -1
		}
		to = last / 64 * 64
	}
	return -1
}
