package state

import "fmt"

// PanicError is the value Run panics with when a panic escapes a context
// other than the main one. Perl's Coro::State ends the program in that
// case; here the host ends and the panic reaches Run's caller intact.
type PanicError struct {
	Value any    // the value passed to panic
	Desc  string // the description of the context that panicked
	Stack []byte // the context's stack when it panicked
}

func (e *PanicError) Error() string {
	return fmt.Sprintf("state: panic in context %q: %v\n\n%s", e.Desc, e.Value, e.Stack)
}

// Unwrap returns the panic value if it is an error, so errors.Is and
// errors.As see through a PanicError.
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}
