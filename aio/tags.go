package aio

// tagTable holds the requests in flight in the ring, and so their memory,
// until their completions, under tags the kernel hands back as the CQEs'
// user data. A tag is a slot index with the slot's generation above it, so
// a tag outlives its request harmlessly: a cancel aimed at a request that
// has just completed cannot hit the slot's next request. Slots are reused
// last-freed first, and the table never shrinks: it is as large as the
// most requests ever in flight at once.
type tagTable struct {
	slots []tagSlot
	free  []uint32 // indexes of the empty slots
}

type tagSlot struct {
	r   *request
	gen uint32 // counts the slot's uses, in 31 bits: tags stay below wakeTag
}

// add puts r in a slot and returns its tag.
func (t *tagTable) add(r *request) uint64 {
	var i uint32
	if n := len(t.free); n > 0 {
		i = t.free[n-1]
		t.free = t.free[:n-1]
	} else {
		i = uint32(len(t.slots))
		t.slots = append(t.slots, tagSlot{})
	}
	s := &t.slots[i]
	s.gen = (s.gen + 1) & (1<<31 - 1)
	s.r = r
	return uint64(s.gen)<<32 | uint64(i)
}

// take empties the slot of tag, which the kernel has just completed, and
// returns its request.
func (t *tagTable) take(tag uint64) *request {
	i := uint32(tag)
	s := &t.slots[i]
	r := s.r
	s.r = nil
	t.free = append(t.free, i)
	return r
}
