package sched

import (
	"testing"

	"github.com/corogo/coro/internal/inltest"
)

// TestSwitchInlines: Cede, Schedule and CedeNotSelf must inline into
// their callers, or every switch through them returns through one more
// frame; see state.Switch. Every blocking operation switches through
// Schedule.
func TestSwitchInlines(t *testing.T) {
	inltest.Check(t, ".", "Cede", "Schedule", "CedeNotSelf")
}
