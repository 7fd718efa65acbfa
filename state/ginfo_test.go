package state

import (
	"debug/dwarf"
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// TestGOffsets checks the runtime.g offsets in ginfo_go126.go against the
// DWARF of a program built by the same toolchain for the architecture this
// test runs on (go test strips DWARF from test binaries).
func TestGOffsets(t *testing.T) {
	if !gKnown {
		t.Fatalf("runtime.g layout unknown for %s: add ginfo for it", runtime.Version())
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "main.go")
	if err := os.WriteFile(src, []byte("package main\n\nfunc main() {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	exe := filepath.Join(dir, "prog")
	gobin := filepath.Join(runtime.GOROOT(), "bin", "go")
	build := exec.Command(gobin, "build", "-o", exe, src)
	build.Env = append(os.Environ(), "GOOS="+runtime.GOOS, "GOARCH="+runtime.GOARCH, "CGO_ENABLED=0", "GOFLAGS=")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	f, err := elf.Open(exe)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d, err := f.DWARF()
	if err != nil {
		t.Fatalf("test binary has no DWARF: %v", err)
	}
	g := structFields(t, d, "runtime.g")
	stk := structFields(t, d, "runtime.stack")
	m := structFields(t, d, "runtime.m")
	df := structFields(t, d, "runtime._defer")
	for _, c := range []struct {
		name      string
		got, want int64
	}{
		{"g.stack.lo", g["stack"] + stk["lo"], gStackLo},
		{"g.stack.hi", g["stack"] + stk["hi"], gStackHi},
		{"g.stackguard0", g["stackguard0"], gGuard0},
		{"g._panic", g["_panic"], gPanic},
		{"g._defer", g["_defer"], gDefer},
		{"g.stktopsp", g["stktopsp"], gTopSP},
		{"g.goid", g["goid"], gGoid},
		{"g.m", g["m"], gM},
		{"g.labels", g["labels"], gLabels},
		{"g.lockedm", g["lockedm"], gLockedM},
		{"m.lockedExt", m["lockedExt"], mLockExt},
		{"_defer.heap", df["heap"], 0},
		{"_defer.rangefunc", df["rangefunc"], 1},
		{"_defer.sp", df["sp"], deferSP},
		{"_defer.pc", df["pc"], deferSP + 8},
		{"_defer.fn", df["fn"], deferSP + 16},
		{"_defer.link", df["link"], deferLink},
		{"_defer.head", df["head"], deferSize - 8},
		{"m.lockedInt", m["lockedInt"], mLockInt},
	} {
		if c.got != c.want {
			t.Errorf("%s is at %d in DWARF, ginfo_go126.go says %d", c.name, c.got, c.want)
		}
	}
}

func structFields(t *testing.T, d *dwarf.Data, name string) map[string]int64 {
	t.Helper()
	r := d.Reader()
	for {
		e, err := r.Next()
		if err != nil || e == nil {
			t.Fatalf("struct %s not in DWARF (%v)", name, err)
		}
		if e.Tag != dwarf.TagStructType || e.Val(dwarf.AttrName) != name {
			continue
		}
		fields := make(map[string]int64)
		for {
			c, err := r.Next()
			if err != nil || c == nil || c.Tag == 0 {
				return fields
			}
			if n, ok := c.Val(dwarf.AttrName).(string); ok {
				if off, ok := c.Val(dwarf.AttrDataMemberLoc).(int64); ok {
					fields[n] = off
				}
			}
		}
	}
}
