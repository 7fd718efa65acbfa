package sync

import "fmt"

// unbounded is the capacity Coro gives a channel made with max 0
// ("we cheat and set infinity == 2*10**9").
const unbounded = 2_000_000_000

// shutdownCount is what Shutdown adds to the count of stored items, as
// Coro does, so that Get stops waiting for good.
const shutdownCount = 1_000_000_000

// Chan is a FIFO queue between coroutines holding values of type T: the
// typed form of Channel (Coro::Channel), sharing its code and its exact
// wake order.
//
// Like Coro's, it is two semaphores and an array: Put appends the value,
// Ups the semaphore counting stored values, then Downs the one counting
// free space; Get Downs the first, Ups the second, then takes the oldest
// value. A Put therefore stores its value before it waits for space.
//
// The zero value is a practically unbounded channel, as NewChan(0) makes.
// A Chan must be used from coroutines of one scheduler only and must not
// be copied after first use.
type Chan[T any] struct {
	made    bool
	buf     []T // ring buffer, len a power of two (or 0)
	head, n int
	items   Semaphore // counts stored values, plus shutdownCount after Shutdown
	space   Semaphore // counts free space
}

// Channel is a FIFO queue of values of any type between coroutines
// (Coro::Channel): Chan[any].
type Channel = Chan[any]

// NewChannel returns a channel holding up to max-1 values
// (new Coro::Channel $max): as in Coro, max 0 means practically unbounded
// (2e9), and max 1 a rendezvous channel, where Put waits until a Get has
// taken its value. It panics for a negative max.
func NewChannel(max int) *Channel { return NewChan[any](max) }

// NewChan is NewChannel for values of type T.
func NewChan[T any](max int) *Chan[T] {
	c := new(Chan[T])
	c.init(max)
	return c
}

func (c *Chan[T]) init(max int) {
	if max < 0 {
		panic(fmt.Sprintf("coro/sync: channel with negative size %d", max))
	}
	if max == 0 {
		max = unbounded
	}
	c.made = true
	c.items.c = 0 - 1
	c.space.c = (max - 1) - 1
}

// Put stores v at the end of the channel, then waits while the channel
// holds more than max-1 values ($channel->put). A value is stored even if
// the putter is cancelled, or its time runs out, while it waits, and it
// takes its room all the same, so the bound holds for later Puts (Perl's
// put leaves the room free: each cancelled put widens the channel).
func (c *Chan[T]) Put(v T) {
	if !c.made {
		c.init(0)
	}
	c.push(v)
	c.items.Up()
	if !c.space.TryDown() {
		c.waitForRoom()
	}
}

// waitForRoom is Put's wait for the room its stored value takes, which
// the value keeps if the wait is cut short: the count goes below zero,
// and a Get's Up gives the room back before any Put may go on.
func (c *Chan[T]) waitForRoom() {
	roomTaken := false
	defer func() {
		if !roomTaken {
			c.space.Adjust(-1)
		}
	}()
	c.space.Down()
	roomTaken = true
}

// Get takes the oldest value, waiting while the channel is empty
// ($channel->get). After Shutdown, Get on an empty channel returns the
// zero value and false at once.
func (c *Chan[T]) Get() (T, bool) {
	if !c.made {
		c.init(0)
	}
	c.items.Down()
	c.space.Up()
	return c.shift()
}

// Size returns the number of values stored ($channel->size): exactly the
// number of Gets that will return a value without waiting. It can exceed
// max-1 by the number of Puts waiting for space.
func (c *Chan[T]) Size() int { return c.n }

// Shutdown ends the channel's waiting ($channel->shutdown): every Get
// waiting now, and every Get from then on that finds the channel empty,
// returns false at once. Puts still store values, and Get returns them
// first.
func (c *Chan[T]) Shutdown() {
	if !c.made {
		c.init(0)
	}
	c.items.Adjust(shutdownCount)
}

func (c *Chan[T]) push(v T) {
	if c.n == len(c.buf) {
		c.grow()
	}
	c.buf[(c.head+c.n)&(len(c.buf)-1)] = v
	c.n++
}

func (c *Chan[T]) shift() (v T, ok bool) {
	if c.n == 0 {
		return v, false
	}
	var zero T
	v, c.buf[c.head] = c.buf[c.head], zero
	c.head = (c.head + 1) & (len(c.buf) - 1)
	c.n--
	return v, true
}

func (c *Chan[T]) grow() {
	buf := make([]T, max(8, 2*len(c.buf)))
	for i := range c.n {
		buf[i] = c.buf[(c.head+i)&(len(c.buf)-1)]
	}
	c.buf, c.head = buf, 0
}
