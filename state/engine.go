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

// engine is the boundary between hosts and the code that switches stacks;
// one implementation serves a whole process, chosen at start-up. The host
// calls it for everything except the switch itself: Transfer writes out the
// portable engine's switch because a call there is a frame held across the
// switch, which costs a mispredicted return on every resumption. An engine
// added later puts its switch beside it in Transfer, chosen by the same
// value, and implements this interface for the rest; sched sees none of it.
type engine interface {
	info() EngineInfo
	// stack reports the stack that s runs on: its size in bytes and the
	// runtime goroutine whose traceback shows s's frames. ok is false when
	// s has no stack now (new, finished) or the runtime's layout is unknown.
	stack(s *State) (size int, goid uint64, ok bool)
}

var eng = chooseEngine(os.Getenv("CORO_ENGINE"))

// Engine reports the engine in use. CORO_ENGINE selects it: "portable",
// "turbo", or "auto" (the default). This build has only the portable
// engine, in which every context is a goroutine switched with the
// runtime's coroutine switch.
func Engine() EngineInfo { return eng.info() }

func chooseEngine(env string) engine {
	switch env {
	case "portable":
		return portableEngine{EngineInfo{"portable", "CORO_ENGINE=portable"}}
	case "", "auto":
		return portableEngine{EngineInfo{"portable", "the turbo engine is not part of this build"}}
	case "turbo":
		panic("state: CORO_ENGINE=turbo, but the turbo engine is not part of this build")
	}
	panic(fmt.Sprintf("state: CORO_ENGINE=%q: want portable, turbo or auto", env))
}
