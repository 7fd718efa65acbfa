//go:build go1.26 && !go1.27 && linux && (amd64 || arm64)

package state

import (
	"sync"

	"golang.org/x/sys/unix"
)

// A host that ends leaves its arena, every slot free and its pages back
// with the kernel, for the next host to start on. Setting an arena up
// costs a memfd, a 32 GiB reservation and nine mappings in it (the memfd
// three times, the chain's rungs and its end); under qemu-user each
// reservation also costs the emulator about 200 MiB of bookkeeping that
// it never returns, so a process that starts hosts one after another
// would grow without bound there.
var idleArenas struct {
	sync.Mutex
	list []*arena
}

// maxIdleArenas bounds the arenas kept for later hosts: each holds a file
// descriptor and address space, no memory.
const maxIdleArenas = 16

// takeArena returns an idle arena, or a new one with its rungs laid.
func takeArena() (*arena, error) {
	idleArenas.Lock()
	if n := len(idleArenas.list); n > 0 {
		a := idleArenas.list[n-1]
		idleArenas.list = idleArenas.list[:n-1]
		idleArenas.Unlock()
		return a, nil
	}
	idleArenas.Unlock()
	a, err := newArena()
	if err != nil {
		return nil, err
	}
	a.layRungs()
	return a, nil
}

// putArena takes the arena of a host that has ended, no slot in use. Its
// stack and sentinel pages go back to the kernel (a punched hole frees
// memfd pages as MADV_REMOVE does a slot's), its slots are forgotten, and
// it waits for the next host, unless enough wait already.
func putArena(a *arena) {
	var err error
	if a.fresh > 0 { // a zero length is EINVAL, and an arena no host used has no pages
		// The stacks handed out, and every sentinel: a hole over holes costs nothing.
		err = unix.Fallocate(a.fd, unix.FALLOC_FL_PUNCH_HOLE|unix.FALLOC_FL_KEEP_SIZE, 0, int64(a.fresh)*chunk)
		if err == nil {
			err = unix.Fallocate(a.fd, unix.FALLOC_FL_PUNCH_HOLE|unix.FALLOC_FL_KEEP_SIZE, regionSize, sentinelBytes)
		}
	}
	if err == nil {
		err = a.clearSlots()
	}
	if err != nil {
		// Keeping the pages of an arena nobody uses would be a leak, and
		// one whose old slots stay would have less room.
		a.release()
		return
	}
	idleArenas.Lock()
	defer idleArenas.Unlock()
	if len(idleArenas.list) < maxIdleArenas {
		idleArenas.list = append(idleArenas.list, a)
		return
	}
	a.release()
}

// idleArenaBytes is the memory the idle arenas hold. putArena keeps only
// arenas whose pages it freed, so it is none unless pages leak back in;
// it is counted so that such a leak shows (OffHeapStacks).
func idleArenaBytes() uint64 {
	idleArenas.Lock()
	defer idleArenas.Unlock()
	var n uint64
	for _, a := range idleArenas.list {
		n += a.bytes()
	}
	return n
}

// bytes is the memory a's memfd holds: the pages the kernel allocated on
// first touch.
func (a *arena) bytes() uint64 {
	var st unix.Stat_t
	if unix.Fstat(a.fd, &st) != nil {
		return 0
	}
	return uint64(st.Blocks) * 512
}
