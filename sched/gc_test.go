package sched_test

import "runtime/debug"

// setGCPercent sets GOGC for a test and returns the function restoring it.
func setGCPercent(p int) func() {
	old := debug.SetGCPercent(p)
	return func() { debug.SetGCPercent(old) }
}
