//go:build msan

package state

const instrumented = "-msan"
