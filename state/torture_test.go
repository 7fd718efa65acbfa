package state_test

import (
	"bytes"
	"fmt"
	"iter"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	exectrace "runtime/trace"
	"testing"
	"time"

	"github.com/corogo/coro/internal/churn"
	"github.com/corogo/coro/state"
)

// The GC torture suite: it uses only the package's API, so it runs
// unchanged on every engine. Each context keeps data that nothing but its
// own suspended stack refers to (locals, address-taken locals, defer
// closures, a pending recover), while other goroutines churn the heap with
// GOGC=1 and the host forces collections, sleeps, makes syscalls and spins
// without preemption points. Every context checks its data each time it
// runs; the host checks what each one reported when it ended.

const tortureCtxs, tortureRounds = 200, 30

func TestGCTortureContexts(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(1))
	defer churn.Start()()
	for _, way := range tortureWays {
		t.Run(way.name, func(t *testing.T) { tortureContexts(t, way.pass) })
	}
}

// tortureWays are the ways a context passes control to the next: Transfer,
// and Switch with a pick that does what a scheduler's might at its worst.
var tortureWays = []struct {
	name string
	pass func(self, next *state.State)
}{
	{"Transfer", (*state.State).Transfer},
	{"Switch", switchPicking},
}

// switchPicking passes from self to next with Switch, whose pick makes
// garbage and, in turn, collects (one time in five), spins without
// preemption points, sleeps, or panics: a panic that leaves Switch before
// it switches, and is recovered here, so that self transfers instead.
func switchPicking(self, next *state.State) {
	picks++
	k := picks
	panicked := func() (panicked bool) {
		defer func() {
			if r := recover(); r != nil {
				if r != "pick" {
					panic(r)
				}
				panicked = true
			}
		}()
		state.Switch(func(from *state.State) *state.State {
			garbage = make([]byte, 512)
			switch k % 5 {
			case 0:
				if k%25 == 0 {
					runtime.GC()
				}
			case 1:
				spin(20000)
			case 2:
				time.Sleep(time.Microsecond)
			case 3:
				panic("pick")
			}
			if from != self {
				panic(fmt.Sprintf("pick got %v, want %v", from.Desc(), self.Desc()))
			}
			return next
		})
		return false
	}()
	if panicked {
		self.Transfer(next)
	}
}

// picks counts switchPicking's calls; garbage is where its picks drop
// what they allocate.
var (
	picks   int
	garbage []byte
)

func tortureContexts(t *testing.T, pass func(self, next *state.State)) {
	ended := make([]string, tortureCtxs)
	state.Run(func() {
		main := state.Current()
		ring := make([]*state.State, tortureCtxs)
		next := func(i int) *state.State {
			if i+1 == tortureCtxs {
				return main
			}
			return ring[i+1]
		}
		for i := range ring {
			ring[i] = state.New(func() { tortureBody(t, i, ring[i], next(i), ended, pass) }, state.Desc(fmt.Sprint("ctx", i)))
		}
		for round := range tortureRounds {
			main.Transfer(ring[0])
			if round%10 == 0 {
				runtime.GC()
			}
		}
		// Half are cancelled while suspended, the rest when the host ends:
		// their deferred checks run either way.
		for i := 0; i < tortureCtxs; i += 2 {
			ring[i].Cancel()
		}
	})
	for i, e := range ended {
		if e != "unwound intact" {
			t.Errorf("ctx%d: %s", i, e)
		}
	}
}

// tortureBody runs forever, one step each time it is passed control; it
// passes it on to next with pass.
func tortureBody(t *testing.T, i int, self, next *state.State, ended []string, pass func(self, next *state.State)) {
	local := make([]int, 128) // reachable only from this stack
	for j := range local {
		local[j] = i*1000 + j
	}
	boxed := &struct{ s string }{fmt.Sprint("box", i)} // address-taken, heap
	keep := map[int]string{i: boxed.s}
	defer func() { // the closure holds the only other references
		ended[i] = check(i, local, boxed.s, keep)
		if ended[i] == "" {
			ended[i] = "unwound intact"
		}
	}()
	for step := 0; ; step++ {
		switch step % 6 {
		case 0:
			if i%8 == 0 {
				runtime.GC()
			}
		case 1:
			time.Sleep(time.Microsecond)
		case 2:
			os.Getpid() // a syscall
		case 3:
			spin(20000) // no calls: only async preemption stops it
		case 4:
			func() {
				defer func() { recover() }()
				panic("recovered in place")
			}()
		case 5:
			local = append(local[:0:0], local...) // the old array becomes garbage
		}
		if msg := check(i, local, boxed.s, keep); msg != "" {
			t.Errorf("ctx%d step %d: %s", i, step, msg)
		}
		// A deferred call pending across the switch.
		func() {
			defer func() { keep[-1] = "x" }()
			pass(self, next)
		}()
		delete(keep, -1)
	}
}

func check(i int, local []int, box string, keep map[int]string) string {
	for j, v := range local {
		if v != i*1000+j {
			return fmt.Sprintf("local[%d] = %d", j, v)
		}
	}
	if want := fmt.Sprint("box", i); box != want || keep[i] != want {
		return fmt.Sprintf("box %q, map %q", box, keep[i])
	}
	return ""
}

//go:noinline
func spin(n int) int {
	x := 0
	for k := 0; k < n; k++ {
		x += k * k
	}
	return x
}

// The CPU profiler's signals and the execution tracer see every switch;
// neither may crash or hang, and the contexts' data stays intact.
func TestSwitchingUnderProfilerAndTracer(t *testing.T) {
	for _, way := range tortureWays {
		t.Run(way.name, func(t *testing.T) { switchingUnderProfilerAndTracer(t, way.pass) })
	}
}

func switchingUnderProfilerAndTracer(t *testing.T, pass func(self, next *state.State)) {
	var prof, tr bytes.Buffer
	if err := pprof.StartCPUProfile(&prof); err != nil {
		t.Fatal(err)
	}
	if err := exectrace.Start(&tr); err != nil {
		pprof.StopCPUProfile()
		t.Fatal(err)
	}
	ended := make([]string, 50)
	state.Run(func() {
		main := state.Current()
		ring := make([]*state.State, len(ended))
		next := func(i int) *state.State {
			if i+1 == len(ring) {
				return main
			}
			return ring[i+1]
		}
		for i := range ring {
			ring[i] = state.New(func() { tortureBody(t, i, ring[i], next(i), ended, pass) })
		}
		deadline := time.Now().Add(300 * time.Millisecond)
		for time.Now().Before(deadline) {
			main.Transfer(ring[0])
		}
	})
	exectrace.Stop()
	pprof.StopCPUProfile()
	for i, e := range ended {
		if e != "unwound intact" {
			t.Errorf("ctx%d: %s", i, e)
		}
	}
	if prof.Len() == 0 || tr.Len() == 0 {
		t.Errorf("profile %d bytes, trace %d bytes", prof.Len(), tr.Len())
	}
}

// Contexts that use iter.Pull: the host goroutine, on whichever stack
// the context runs, parks in the runtime's coroutine switch while the
// iterator runs, and contexts switch while their iterators wait. Each
// iterator keeps data only its own goroutine's stack refers to, each
// context data only its stack does, through collections and churn.
func TestGCTortureIterPull(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(1))
	defer churn.Start()()
	const n, rounds = 20, 30
	bad := make([]string, n)
	state.Run(func() {
		main := state.Current()
		ring := make([]*state.State, n)
		for i := range ring {
			ring[i] = state.New(func() {
				next, stop := iter.Pull(func(yield func([]int) bool) {
					mine := make([]int, 64) // only this iterator's stack holds it
					for r := 0; ; r++ {
						for j := range mine {
							mine[j] = i*1000 + r
						}
						if !yield(append([]int(nil), mine...)) {
							return
						}
						if r%3 == i%3 {
							runtime.GC() // with the host parked in a context's switch
						}
					}
				})
				defer stop()
				kept := make([]int, 32) // only this context's stack holds it
				for j := range kept {
					kept[j] = i
				}
				for r := range rounds {
					got, ok := next()
					if !ok || len(got) != 64 || got[0] != i*1000+r || got[63] != i*1000+r {
						bad[i] = fmt.Sprintf("round %d: iterator gave %v (ok %v)", r, got[:min(len(got), 2)], ok)
						return
					}
					for _, v := range kept {
						if v != i {
							bad[i] = fmt.Sprintf("round %d: kept holds %d", r, v)
							return
						}
					}
					if i+1 < n {
						ring[i].Transfer(ring[i+1]) // leave the iterator suspended
					} else {
						ring[i].Transfer(main)
					}
				}
			})
		}
		for range rounds {
			main.Transfer(ring[0])
			runtime.GC()
		}
	})
	for i, b := range bad {
		if b != "" {
			t.Errorf("ctx%d: %s", i, b)
		}
	}
}
