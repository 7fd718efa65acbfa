//go:build !(go1.26 && !go1.27 && linux && (amd64 || arm64))

package state

import "unsafe"

// This build has no turbo engine and turboOn is never set: the stubs that
// panic are never reached, the others say there is nothing to do.

func turboDefect() string { return "a build that contains it (linux on amd64 or arm64, Go 1.26)" }

type turbo struct{}

type tctx struct{}

type turboEngine struct{ why EngineInfo }

func (e turboEngine) info() EngineInfo { return e.why }

func (turboEngine) stack(*State) (int, uint64, bool) { return 0, 0, false }

func runTurbo(*host) { panic("state: no turbo engine in this build") }

func (*turbo) newContext(*State, *tctx) error { panic("state: no turbo engine in this build") }

func swap(_, _ *tctx, _, _ unsafe.Pointer) { panic("state: no turbo engine in this build") }

func turboTracebacks([]*State) []string { panic("state: no turbo engine in this build") }

func trimChain(stack []byte) []byte { return stack }

func arenaBytes() uint64 { return 0 }

func turboHost() *host { return nil }

func turboExit(_, _ *State) { panic("state: no turbo engine in this build") }
