package sched

import "sync/atomic"

var specificCount atomic.Int64

// Specific is a coroutine-local variable (Coro::Specific): every
// coroutine, main included, sees its own value, the zero value until it
// sets one.
type Specific[T any] struct {
	index int
}

// NewSpecific returns a new coroutine-local variable.
func NewSpecific[T any]() *Specific[T] {
	return &Specific[T]{index: int(specificCount.Add(1) - 1)}
}

// Get returns the running coroutine's value.
func (sp *Specific[T]) Get() T {
	c := current()
	if sp.index < len(c.specific) {
		if v, ok := c.specific[sp.index].(T); ok {
			return v
		}
	}
	var zero T
	return zero
}

// Set sets the running coroutine's value.
func (sp *Specific[T]) Set(v T) {
	c := current()
	if sp.index >= len(c.specific) {
		c.specific = append(c.specific, make([]any, sp.index+1-len(c.specific))...)
	}
	c.specific[sp.index] = v
}
