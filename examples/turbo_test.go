package examples_test

import (
	"testing"

	"github.com/corogo/coro/internal/turbotest"
)

// TestTurbo runs this package's tests again on the turbo engine.
func TestTurbo(t *testing.T) { turbotest.Rerun(t, "") }
