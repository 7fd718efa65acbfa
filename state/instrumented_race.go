//go:build race

package state

// instrumented names the build instrumentation the turbo engine cannot
// run under: its stacks are invisible to the race detector's shadow memory.
const instrumented = "-race"
