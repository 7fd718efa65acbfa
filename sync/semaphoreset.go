package sync

// SemaphoreSet is a set of semaphores named by keys (Coro::SemaphoreSet).
// A key's semaphore is made, with the set's initial count, the first time
// the key is used, and dropped again once it is idle: back at the initial
// count, with nobody waiting on it or about to take it after a wake-up.
// Each key's semaphore behaves exactly like a Semaphore.
//
// The zero value is an empty set whose semaphores start at count 1, like
// Coro's `new Coro::SemaphoreSet` without an argument. It must be used
// from coroutines of one scheduler only and must not be copied after
// first use.
type SemaphoreSet[K comparable] struct {
	c      int // initial count minus one, so that the zero value has 1
	sems   map[K]*setSem
	free   *setSem // recycled semaphores
	guards guardPool
}

// setSem is one key's semaphore.
type setSem struct {
	Semaphore
	refs int     // coroutines inside a slow Down or Wait on it
	next *setSem // free list
}

// NewSemaphoreSet returns an empty set whose semaphores start at count
// (new Coro::SemaphoreSet $count).
func NewSemaphoreSet[K comparable](count int) *SemaphoreSet[K] {
	return &SemaphoreSet[K]{c: count - 1}
}

// sem returns key's semaphore, making it if needed.
func (ss *SemaphoreSet[K]) sem(key K) *setSem {
	if s := ss.sems[key]; s != nil {
		return s
	}
	if ss.sems == nil {
		ss.sems = make(map[K]*setSem)
	}
	s := ss.free
	if s == nil {
		s = new(setSem)
	} else {
		ss.free, s.next = s.next, nil
	}
	s.c = ss.c
	ss.sems[key] = s
	return s
}

// drop forgets key's semaphore s if it is idle.
func (ss *SemaphoreSet[K]) drop(key K, s *setSem) {
	if s.refs == 0 && s.q.len() == 0 && s.c == ss.c {
		delete(ss.sems, key)
		s.next = ss.free
		ss.free = s
	}
}

// Down is Semaphore.Down on key's semaphore ($set->down($key)).
func (ss *SemaphoreSet[K]) Down(key K) {
	s := ss.sem(key)
	if s.c >= 0 {
		s.c--
		ss.drop(key, s) // after Ups above the initial count
		return
	}
	ss.block(key, s, true)
}

// Wait is Semaphore.Wait on key's semaphore ($set->wait($key)). Unlike
// Coro's, it waits for a key that has no semaphore if the set's initial
// count is zero or less (Perl 6.57 returns at once then).
func (ss *SemaphoreSet[K]) Wait(key K) {
	s := ss.sems[key]
	if s == nil {
		if ss.c >= 0 {
			return
		}
		s = ss.sem(key)
	}
	if s.c >= 0 {
		s.wakeUp()
		return
	}
	ss.block(key, s, false)
}

func (ss *SemaphoreSet[K]) block(key K, s *setSem, acquire bool) {
	s.refs++
	defer ss.unref(key, s)
	s.block(acquire)
}

func (ss *SemaphoreSet[K]) unref(key K, s *setSem) {
	s.refs--
	ss.drop(key, s)
}

// Up is Semaphore.Up on key's semaphore ($set->up($key)).
func (ss *SemaphoreSet[K]) Up(key K) {
	s := ss.sem(key)
	s.Up()
	ss.drop(key, s)
}

// TryDown is Semaphore.TryDown on key's semaphore ($set->try($key)).
func (ss *SemaphoreSet[K]) TryDown(key K) bool {
	s := ss.sems[key]
	if s == nil {
		if ss.c < 0 {
			return false
		}
		s = ss.sem(key)
	}
	ok := s.TryDown()
	ss.drop(key, s)
	return ok
}

// Count returns the count of key's semaphore ($set->count($key)): the
// initial count for a key that has none.
func (ss *SemaphoreSet[K]) Count(key K) int {
	if s := ss.sems[key]; s != nil {
		return s.Count()
	}
	return ss.c + 1
}

// Waiters returns the number of coroutines waiting on key's semaphore
// ($set->waiters($key)).
func (ss *SemaphoreSet[K]) Waiters(key K) int {
	if s := ss.sems[key]; s != nil {
		return s.q.len()
	}
	return 0
}

// Len returns the number of keys that have a semaphore, that is, that are
// not idle.
func (ss *SemaphoreSet[K]) Len() int { return len(ss.sems) }

// Guard calls Down(key) and returns a guard whose Release calls Up(key)
// ($set->guard($key)).
func (ss *SemaphoreSet[K]) Guard(key K) SetGuard[K] {
	ss.Down(key)
	g := ss.guards.get()
	return SetGuard[K]{ss: ss, key: key, slot: g, gen: g.gen}
}

// SetGuard is a Down of one key of a SemaphoreSet that Release undoes
// (Coro::SemaphoreSet::guard). Only one Release is allowed among its
// copies.
type SetGuard[K comparable] struct {
	ss   *SemaphoreSet[K]
	key  K
	slot *guardSlot
	gen  uint64
}

// Release calls Up for the guard's key. It panics if the guard was
// already released or is the zero SetGuard.
func (g SetGuard[K]) Release() {
	if g.ss == nil {
		panic("coro/sync: Release of a zero SetGuard")
	}
	g.ss.guards.release(g.slot, g.gen, "SetGuard")
	g.ss.Up(g.key)
}
