// Package cgotest calls C from contexts, for the engines' tests; with cgo
// disabled (cross-compiled test runs) it is empty.
package cgotest
