package sched

import (
	"testing"

	"github.com/corogo/coro/internal/inltest"
)

// TestSwitchInlines: Cede and Schedule must inline into their callers, or
// every switch through them returns through one more frame; see
// state.Switch.
func TestSwitchInlines(t *testing.T) {
	inltest.Check(t, ".", "Cede", "Schedule")
}
