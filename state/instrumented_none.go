//go:build !race && !msan && !asan

package state

const instrumented = ""
