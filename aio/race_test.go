//go:build race

package aio_test

func init() { raceDetector = true }
