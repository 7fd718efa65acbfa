package state

import (
	"testing"

	"github.com/corogo/coro/internal/inltest"
)

// TestSwitchInlines: Transfer and Switch must inline into their callers,
// or every switch returns through one more frame; see transfer.go.
func TestSwitchInlines(t *testing.T) {
	inltest.Check(t, ".", "(*State).Transfer", "Switch")
}
