//go:build asan

package state

const instrumented = "-asan"
