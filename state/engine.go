package state

import (
	"fmt"
	"os"
)

// EngineInfo says which engine runs contexts in this process and why.
type EngineInfo struct {
	Name   string // "portable" or "turbo"
	Reason string // why this engine was chosen
}

func (e EngineInfo) String() string { return e.Name + " (" + e.Reason + ")" }

// engine is fixed at start-up: every host of a process uses the same one.
var engine = chooseEngine(os.Getenv("CORO_ENGINE"))

// Engine reports the engine in use. CORO_ENGINE selects it: "portable",
// "turbo", or "auto" (the default). This build has only the portable
// engine, in which every context is a goroutine switched with the
// runtime's coroutine switch.
func Engine() EngineInfo { return engine }

func chooseEngine(env string) EngineInfo {
	switch env {
	case "portable":
		return EngineInfo{"portable", "CORO_ENGINE=portable"}
	case "", "auto":
		return EngineInfo{"portable", "the turbo engine is not part of this build"}
	case "turbo":
		panic("state: CORO_ENGINE=turbo, but the turbo engine is not part of this build")
	}
	panic(fmt.Sprintf("state: CORO_ENGINE=%q: want portable, turbo or auto", env))
}
