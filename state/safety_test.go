package state_test

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"

	"github.com/corogo/coro/internal/churn"
	"github.com/corogo/coro/internal/selfexec"
	"github.com/corogo/coro/internal/turbotest"
	"github.com/corogo/coro/state"
)

// More of the safety bar, on every engine: data that only the runtime's
// own records on a suspended stack keep alive, many contexts at once, and
// what is left when a host ends.

// TestManyLiveContexts suspends 10,000 contexts, each holding a heap
// object only its stack refers to, collects repeatedly, and resumes each.
func TestManyLiveContexts(t *testing.T) {
	const n = 10_000
	defer debug.SetGCPercent(debug.SetGCPercent(1))
	defer churn.Start()()
	bad := 0
	state.Run(func() {
		main := state.Current()
		ctxs := make([]*state.State, n)
		for i := range ctxs {
			ctxs[i] = state.New(func() {
				own := &[4]int{i, i + 1, i + 2, i + 3}
				ctxs[i].Transfer(main)
				if *own != [4]int{i, i + 1, i + 2, i + 3} {
					bad++
				}
			})
			main.Transfer(ctxs[i])
		}
		for range 3 {
			runtime.GC()
		}
		for _, c := range ctxs {
			main.Transfer(c)
		}
	})
	if bad != 0 {
		t.Errorf("%d of %d contexts lost their data", bad, n)
	}
}

// TestRuntimeRecordsOnSuspendedStacks suspends contexts inside the
// runtime's bookkeeping: a deferred call pending in a loop (a heap defer
// record), a function with more defers than the compiler open-codes (stack
// defer records), and a deferred call that runs during a panic and
// switches away before it recovers. Their closures hold the only
// references to their data.
func TestRuntimeRecordsOnSuspendedStacks(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(1))
	defer churn.Start()()
	var got []string
	state.Run(func() {
		main := state.Current()
		var loop, many, panicking *state.State
		loop = state.New(func() {
			for i := range 3 {
				box := &struct{ s string }{fmt.Sprint("loop", i)}
				defer func() { got = append(got, box.s) }() // in a loop: a heap record
			}
			loop.Transfer(main)
		})
		many = state.New(func() { manyDefers(&got, func() { many.Transfer(main) }) })
		panicking = state.New(func() {
			defer func() {
				box := &struct{ s string }{"recovered"}
				panicking.Transfer(main) // suspended with the panic in flight
				if r := recover(); r != nil {
					got = append(got, box.s+" "+fmt.Sprint(r))
				}
			}()
			panic(fmt.Sprint("pan", "ic"))
		})
		for _, c := range []*state.State{loop, many, panicking} {
			main.Transfer(c)
		}
		for range 3 {
			runtime.GC()
		}
		for _, c := range []*state.State{loop, many, panicking} {
			main.Transfer(c)
		}
	})
	want := "loop2 loop1 loop0 d9 d8 d7 d6 d5 d4 d3 d2 d1 d0 recovered panic"
	if g := strings.Join(got, " "); g != want {
		t.Errorf("got  %s\nwant %s", g, want)
	}
}

// manyDefers has more deferred calls than the compiler open-codes (8), so
// their records are on the stack.
func manyDefers(got *[]string, suspend func()) {
	b := make([]*string, 10)
	for i := range b {
		s := fmt.Sprint("d", i)
		b[i] = &s
	}
	defer func() { *got = append(*got, *b[0]) }()
	defer func() { *got = append(*got, *b[1]) }()
	defer func() { *got = append(*got, *b[2]) }()
	defer func() { *got = append(*got, *b[3]) }()
	defer func() { *got = append(*got, *b[4]) }()
	defer func() { *got = append(*got, *b[5]) }()
	defer func() { *got = append(*got, *b[6]) }()
	defer func() { *got = append(*got, *b[7]) }()
	defer func() { *got = append(*got, *b[8]) }()
	defer func() { *got = append(*got, *b[9]) }()
	suspend()
}

// TestHostEndReturnsMemory: when a host ends, its contexts' stacks go back
// to the system (on the portable engine there are none outside the Go
// runtime, so this checks zero too).
func TestHostEndReturnsMemory(t *testing.T) {
	if n := state.OffHeapStacks(); n != 0 {
		t.Fatalf("%d bytes of stacks held before any host runs", n)
	}
	var during uint64
	state.Run(func() {
		main := state.Current()
		for range 100 {
			var s *state.State
			s = state.New(func() {
				var buf [8 << 10]byte // touch some stack
				buf[0] = 1
				s.Transfer(main)
				_ = buf[0]
			})
			main.Transfer(s)
		}
		during = state.OffHeapStacks()
	})
	if n := state.OffHeapStacks(); n != 0 {
		t.Errorf("%d bytes of stacks held after the host ended (%d while it ran)", n, during)
	}
	if state.Engine().Name == "turbo" && during == 0 {
		t.Errorf("turbo host reported no stack memory while it ran")
	}
}

// TestFailNowInContext runs a test that calls t.FailNow inside a context
// (runtime.Goexit) in a subprocess: that test fails, the context ends,
// and the host goes on.
func TestFailNowInContext(t *testing.T) {
	if os.Getenv("CORO_FAILNOW_CHILD") != "" {
		t.Skip("run by TestFailNowInContext only")
	}
	out, err := selfexec.Output([]string{"CORO_FAILNOW_CHILD=1"}, "-test.run=^TestFailNowChild$", "-test.v")
	s := string(out)
	if err == nil || !strings.Contains(s, "--- FAIL: TestFailNowChild") || !strings.Contains(s, "host went on; context status done") {
		t.Fatalf("child (%v):\n%s", err, s)
	}
}

func TestFailNowChild(t *testing.T) {
	if os.Getenv("CORO_FAILNOW_CHILD") == "" {
		t.Skip("the failing half of TestFailNowInContext")
	}
	state.Run(func() {
		main := state.Current()
		c := state.New(func() {
			defer fmt.Println("context's defer ran")
			t.FailNow()
		})
		main.Transfer(c)
		fmt.Println("host went on; context status", c.Status())
	})
}

// TestStackOverflowNamesContext overflows a context's stack in a child
// process on the turbo engine, with the default size and with StackSize:
// the process must end with status 2 and a message naming the context and
// its stack size, not a bare SIGSEGV.
func TestStackOverflowNamesContext(t *testing.T) {
	if os.Getenv("CORO_OVERFLOW_CHILD") != "" {
		t.Skip("run by TestStackOverflowNamesContext only")
	}
	for _, kib := range []int{0, 256} {
		out, missing, err := turbotest.Output([]string{fmt.Sprintf("CORO_OVERFLOW_CHILD=%d", kib)}, "-test.run=^TestStackOverflowChild$")
		if missing != "" {
			t.Skipf("the turbo engine cannot run here: it needs %s", missing)
		}
		s := string(out)
		want := fmt.Sprintf(`coro: stack overflow in context "deep recursion": its stack is %d KiB, of which 4 KiB guard page`, max(kib, 64))
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 || !strings.Contains(s, want) {
			t.Errorf("child ended with %v, output:\n%s\nwant exit status 2 and %q", err, s, want)
		}
	}
}

func TestStackOverflowChild(t *testing.T) {
	kib, err := strconv.Atoi(os.Getenv("CORO_OVERFLOW_CHILD"))
	if err != nil {
		t.Skip("the overflowing half of TestStackOverflowNamesContext")
	}
	opts := []state.Option{state.Desc("deep recursion")}
	if kib > 0 {
		opts = append(opts, state.StackSize(kib<<10))
	}
	state.Run(func() {
		main := state.Current()
		main.Transfer(state.New(func() { fmt.Println(recurse(1 << 20)) }, opts...))
	})
}

//go:noinline
func recurse(n int) int {
	var buf [64]byte
	buf[n%64] = byte(n)
	if n == 0 {
		return 0
	}
	return recurse(n-1) + int(buf[3])
}

// TestFaultInContextPanics: faults that are not stack overflows still
// become the runtime's panics, recoverable in the context.
func TestFaultInContextPanics(t *testing.T) {
	var got string
	state.Run(func() {
		main := state.Current()
		main.Transfer(state.New(func() {
			defer func() { got = fmt.Sprint(recover()) }()
			var p *[8]int
			p[3] = 1
		}))
	})
	if !strings.Contains(got, "nil pointer dereference") {
		t.Errorf("recovered %q, want a nil pointer dereference", got)
	}
}
