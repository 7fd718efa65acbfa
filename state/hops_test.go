//go:build go1.26 && !go1.27 && (amd64 || arm64)

package state

import (
	"bytes"
	"encoding/hex"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// TestHopGenerated checks that the generated files are what hopgen writes
// now, so that neither drifts from the other.
func TestHopGenerated(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command:", err)
	}
	// The generator runs on the host even when this test runs under an
	// emulator for another GOARCH.
	host, err := exec.Command(goTool, "env", "GOHOSTOS", "GOHOSTARCH").Output()
	if err != nil {
		t.Fatalf("go env: %v", err)
	}
	hostOS, hostArch, _ := strings.Cut(strings.TrimSpace(string(host)), "\n")
	dir := t.TempDir()
	gen := exec.Command(goTool, "run", "./internal/hopgen", "-out", dir)
	gen.Env = append(os.Environ(), "GOOS="+hostOS, "GOARCH="+hostArch)
	if out, err := gen.CombinedOutput(); err != nil {
		t.Fatalf("go run ./internal/hopgen: %v\n%s", err, out)
	}
	files, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("hopgen wrote nothing")
	}
	for _, f := range files {
		want, err := os.ReadFile(filepath.Join(dir, f.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if got, err := os.ReadFile(f.Name()); err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s is not what hopgen writes now (err %v): run go generate", f.Name(), err)
		}
	}
}

func TestHopLocate(t *testing.T) {
	if err := hopTables(); err != nil {
		t.Fatal(err)
	}
	for _, tab := range []hopTable{hopFine, hopCoarse} {
		if *tab.insnLen == 0 || *tab.insnLen > hopMaxInsnLen {
			t.Errorf("table %s: instruction length %d", tab.name, *tab.insnLen)
		}
		t.Logf("table %s: %d entries in %d functions, %d-byte instructions", tab.name, tab.n, len(tab.entry), *tab.insnLen)
	}
}

// TestHopEntries checks sampled entries of every function: the PC the
// table's hop function (hopFinePC, hopCoarsePC) gives is in the function
// the runtime names as the table's, and the SP growth of the instructions
// from the function's entry up to that PC, which is what the assembler
// records in pcsp for it, is the delta asked for.
func TestHopEntries(t *testing.T) {
	if err := hopTables(); err != nil {
		t.Fatal(err)
	}
	var fine [hopFineFuncs]uintptr
	var coarse [hopCoarseFuncs]uintptr
	hopFuncs(&fine, &coarse)
	prefix := reflect.TypeFor[hopTable]().PkgPath() + ".hop"
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct {
		tab   hopTable
		funcs []uintptr
		pc    func(delta uintptr) uintptr
	}{{hopFine, fine[:], hopFinePC}, {hopCoarse, coarse[:], hopCoarsePC}} {
		tab := tc.tab
		var sample []uintptr
		for j := range uintptr(len(tc.funcs)) {
			sample = append(sample, j*tab.f, min(j*tab.f+tab.f, tab.n)-1)
		}
		for range 64 {
			sample = append(sample, uintptr(rng.Uint64N(uint64(tab.n))))
		}
		for _, i := range sample {
			delta := tab.o + i*tab.s
			pc := tc.pc(delta)
			j := i / tab.f
			fn := tc.funcs[j]
			f := runtime.FuncForPC(pc)
			if name := prefix + tab.name + strconv.Itoa(int(j)); f == nil || f.Name() != name || f.Entry() != fn {
				t.Fatalf("table %s entry %d: PC %#x is in %v, want %s at %#x", tab.name, i, pc, f, name, fn)
			}
			if got := hopGrowth(t, fn, pc); got != int64(delta) {
				t.Fatalf("table %s entry %d: SP grows by %d from %#x to PC %#x, want %d", tab.name, i, got, fn, pc, delta)
			}
		}
	}
}

// hopGrowth adds up the SP growth of the instructions from fn to pc.
func hopGrowth(t *testing.T, fn, pc uintptr) int64 {
	var sum int64
	at := fn
	for at < pc {
		n, grow, err := hopDecode(hopCode(at, min(hopMaxInsnLen, pc-at)))
		if err != nil {
			t.Fatalf("decoding at %#x: %v", at, err)
		}
		sum += grow
		at += n
	}
	if at != pc {
		t.Fatalf("PC %#x is inside the instruction at %#x", pc, at-1)
	}
	return sum
}

// TestHopDecode checks the decoder on the encodings the assembler gives
// the instructions that hop functions change SP with, and on some that
// look alike but leave SP alone.
func TestHopDecode(t *testing.T) {
	cases := map[string][]struct {
		hex  string
		grow int64
	}{
		"amd64": {
			{"4883ec08", 8},           // SUBQ $8, SP
			{"4881ec00000100", 65536}, // SUBQ $0x10000, SP
			{"4883c410", -16},         // ADDQ $16, SP
			{"493b6610", 0},           // CMPQ SP, 16(R14)
			{"644c8b3425f8ffffff", 0}, // MOVQ FS:-8, R14
			{"4883ed08", 0},           // SUBQ $8, BP
			{"e8c8ffffff", 0},         // CALL
		},
		"arm64": {
			{"ff4300d1", 16},    // SUB $16, RSP
			{"ff4340d1", 65536}, // SUB $(16<<12), RSP
			{"ff430091", -16},   // ADD $16, RSP
			{"fe0f1ff8", 16},    // MOVD.W R30, -16(RSP)
			{"fd831ff8", 0},     // MOVD R29, -8(RSP)
			{"fd2300d1", 0},     // SUB $8, RSP, R29
			{"ff6330eb", 0},     // CMP R16, RSP
			{"f6ffff97", 0},     // CALL
		},
	}[runtime.GOARCH]
	for _, c := range cases {
		code, err := hex.DecodeString(c.hex)
		if err != nil {
			t.Fatal(err)
		}
		n, grow, err := hopDecode(code)
		if err != nil || n != uintptr(len(code)) || grow != c.grow {
			t.Errorf("hopDecode(%s) = %d, %d, %v; want %d, %d", c.hex, n, grow, err, len(code), c.grow)
		}
	}
}

// TestHopFindRunRejects checks that the search fails, rather than finds
// something, when the function does not have the run asked for.
func TestHopFindRunRejects(t *testing.T) {
	var fine [hopFineFuncs]uintptr
	var coarse [hopCoarseFuncs]uintptr
	hopFuncs(&fine, &coarse)
	for _, tc := range []struct {
		what              string
		base, step, count uintptr
	}{
		{"a base the function does not reach", hopFineO + hopFineS, hopFineS, hopFineF},
		{"a step the function does not take", hopFineO, 2 * hopFineS, hopFineF},
		{"more entries than the function has", hopFineO, hopFineS, hopFineF + 1},
	} {
		if _, _, err := hopFindRun(fine[0], tc.base, tc.step, tc.count); err == nil {
			t.Errorf("%s: found a run", tc.what)
		} else {
			t.Logf("%s: %v", tc.what, err)
		}
	}
}

func BenchmarkHopLocate(b *testing.B) {
	for b.Loop() {
		if err := hopLocate(); err != nil {
			b.Fatal(err)
		}
	}
}
