//go:build !(go1.26 && !go1.27 && linux && (amd64 || arm64))

package state

import "unsafe"

// This build has no turbo engine and turboOn is never set: the stubs that
// panic are never reached, the others say there is nothing to do.

// turboDefect is not reached either: a build without the engine is on
// another platform or Go version, which turboMissing reports first.
func turboDefect() string { return "" }

type turbo struct{}

type tctx struct{}

type turboEngine struct{ why EngineInfo }

func (e turboEngine) info() EngineInfo { return e.why }

func (turboEngine) stack(*State) (int, uint64, bool) { return 0, 0, false }

func runTurbo(*host) { panic("state: no turbo engine in this build") }

func (*turbo) newContext(*State, *tctx) error { panic("state: no turbo engine in this build") }

func (*turbo) switcher(_, _ *tctx) func() bool { panic("state: no turbo engine in this build") }

func (*turbo) turner(_, _ *State) func() bool { panic("state: no turbo engine in this build") }

func startTurbo() { panic("state: no turbo engine in this build") }

func switchLabels(unsafe.Pointer, *tctx, *tctx) { panic("state: no turbo engine in this build") }

func turboTracebacks([]*State) []string { panic("state: no turbo engine in this build") }

func trimChain(stack []byte) []byte { return stack }

func arenaBytes() uint64 { return 0 }

func turboHost() *host { return nil }

func turboExit(_, _ *State) { panic("state: no turbo engine in this build") }
