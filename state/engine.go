package state

import (
	"cmp"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
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

var eng = mustChoose(os.Getenv("CORO_ENGINE"), startupGodebug())

// Engine reports the engine in use and why. CORO_ENGINE selects it:
// "portable"; "turbo", which is an error at start-up unless every
// condition turbo needs holds; or "auto" (the default), which picks turbo
// when they all hold and says which do not otherwise. The conditions:
// Linux on amd64 or arm64, Go 1.26, no -race, -msan or -asan, GODEBUG
// with gcshrinkstackoff=1 and adaptivestackstart=0, and hop tables that
// decode as generated.
func Engine() EngineInfo { return eng.info() }

func mustChoose(env, godebug string) engine {
	e, err := chooseEngine(env, godebug)
	if err != nil {
		panic(err)
	}
	_, turboOn = e.(turboEngine)
	if turboOn {
		startTurbo()
	}
	return e
}

func chooseEngine(env, godebug string) (engine, error) {
	switch env {
	case "portable":
		return portableEngine{EngineInfo{"portable", "CORO_ENGINE=portable"}}, nil
	case "", "auto", "turbo":
		missing := turboMissing(godebug)
		if len(missing) == 0 {
			return turboEngine{EngineInfo{"turbo", "every condition holds (CORO_ENGINE=" + cmp.Or(env, "auto") + ")"}}, nil
		}
		if env == "turbo" {
			return nil, fmt.Errorf("state: CORO_ENGINE=turbo, but turbo needs %s", strings.Join(missing, "; "))
		}
		return portableEngine{EngineInfo{"portable", "turbo needs " + strings.Join(missing, "; ")}}, nil
	}
	return nil, fmt.Errorf("state: CORO_ENGINE=%q: want portable, turbo or auto", env)
}

// turboOn is set once at start-up when the turbo engine runs; Transfer and
// Run branch on it.
var turboOn bool

// turboMissing lists the conditions for the turbo engine that this
// process does not meet. The engine's own soundness (turboDefect) is
// checked last, and only when every other condition holds: in a build
// that has the engine, that check decodes machine code.
func turboMissing(godebug string) []string {
	var missing []string
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" && runtime.GOARCH != "arm64" {
		missing = append(missing, "linux on amd64 or arm64, not "+runtime.GOOS+"/"+runtime.GOARCH)
	}
	if !gKnown {
		missing = append(missing, "Go 1.26, not "+runtime.Version())
	}
	if instrumented != "" {
		missing = append(missing, "a build without "+instrumented)
	}
	// The runtime's defaults: stacks shrink, and start at the size the
	// last collection found goroutines to need.
	settings := godebugSettings(godebug, map[string]int32{"gcshrinkstackoff": 0, "adaptivestackstart": 1})
	if settings["gcshrinkstackoff"] <= 0 {
		missing = append(missing, "GODEBUG gcshrinkstackoff=1")
	}
	if settings["adaptivestackstart"] != 0 {
		missing = append(missing, "GODEBUG adaptivestackstart=0")
	}
	if len(missing) == 0 {
		if d := turboDefect(); d != "" {
			missing = append(missing, d)
		}
	}
	return missing
}

// godebugSettings returns the values of the keys of m, which holds their
// defaults, after GODEBUG, parsed exactly as the runtime parses it at
// start-up (runtime1.go, parsegodebug): comma-separated key=value pairs,
// nothing trimmed, the last of a key winning, a value that is no int32
// ignored. A setting the runtime does not apply must not count.
func godebugSettings(godebug string, m map[string]int32) map[string]int32 {
	for _, kv := range strings.Split(godebug, ",") {
		k, v, ok := strings.Cut(kv, "=")
		if _, known := m[k]; !ok || !known {
			continue
		}
		if n, err := strconv.ParseInt(v, 10, 32); err == nil {
			m[k] = int32(n)
		}
	}
	return m
}

// startupGodebug is the GODEBUG the runtime read at start-up: the first in
// the environment the process began with (/proc/self/environ), which an
// os.Setenv in an init function that ran before this package's does not
// change; os.Getenv's where /proc cannot be read.
func startupGodebug() string {
	environ, err := os.ReadFile("/proc/self/environ")
	if err != nil {
		return os.Getenv("GODEBUG")
	}
	for kv := range strings.SplitSeq(string(environ), "\x00") {
		if v, ok := strings.CutPrefix(kv, "GODEBUG="); ok {
			return v
		}
	}
	return ""
}
