// Package ilist is an intrusive doubly linked list: elements carry their
// own Links, so adding and removing never allocates, and an element knows
// its place without a search.
//
// Every operation takes the function that finds an element's Links, so
// one element type can be on several lists. Pass a top-level function or
// method expression: the operations are small enough to inline, and the
// call then inlines too, leaving the same code as a hand-written list.
package ilist

// Links are the pointers an element carries for one list.
type Links[T any] struct {
	prev, next *T
}

// List is a FIFO of elements. The zero value is an empty list.
type List[T any] struct {
	head, tail *T
	n          int
}

// Len returns the number of elements.
func (l *List[T]) Len() int { return l.n }

// Front returns the first element, or nil.
func (l *List[T]) Front() *T { return l.head }

// Back returns the last element, or nil.
func (l *List[T]) Back() *T { return l.tail }

// Next returns the element after x, or nil.
func Next[T any](x *T, at func(*T) *Links[T]) *T { return at(x).next }

// Prev returns the element before x, or nil.
func Prev[T any](x *T, at func(*T) *Links[T]) *T { return at(x).prev }

// PushBack appends x, which must not be on the list.
func (l *List[T]) PushBack(x *T, at func(*T) *Links[T]) {
	lx := at(x)
	lx.prev, lx.next = l.tail, nil
	if l.tail == nil {
		l.head = x
	} else {
		at(l.tail).next = x
	}
	l.tail = x
	l.n++
}

// Remove unlinks x, which must be on the list.
func (l *List[T]) Remove(x *T, at func(*T) *Links[T]) {
	lx := at(x)
	if lx.prev == nil {
		l.head = lx.next
	} else {
		at(lx.prev).next = lx.next
	}
	if lx.next == nil {
		l.tail = lx.prev
	} else {
		at(lx.next).prev = lx.prev
	}
	lx.prev, lx.next = nil, nil
	l.n--
}

// PopFront removes and returns the first element, or returns nil. It is
// Remove of the head, written out so that it inlines.
func (l *List[T]) PopFront(at func(*T) *Links[T]) *T {
	x := l.head
	if x == nil {
		return nil
	}
	lx := at(x)
	l.head, lx.next = lx.next, nil
	if l.head == nil {
		l.tail = nil
	} else {
		at(l.head).prev = nil
	}
	l.n--
	return x
}
