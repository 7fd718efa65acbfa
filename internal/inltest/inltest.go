// Package inltest checks that functions whose speed depends on being
// inlined still are, the way the runtime's TestIntendedInlining does: by
// asking the compiler.
package inltest

import (
	"os/exec"
	"regexp"
	"slices"
	"testing"
)

// canInline matches the compiler's -m report of an inlinable function.
var canInline = regexp.MustCompile(`(?m): can inline (\S+)`)

// Check fails t unless the compiler reports every one of funcs, named as
// -m names them ("Cede", "(*State).Transfer"), as inlinable in the package
// at dir, for the GOOS and GOARCH the test runs with.
func Check(t *testing.T, dir string, funcs ...string) {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("no go command to ask the compiler: %v", err)
	}
	cmd := exec.Command(goTool, "build", "-gcflags=-m", ".")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go build -gcflags=-m: %v\n%s", err, out)
	}
	var inlinable []string
	for _, m := range canInline.FindAllSubmatch(out, -1) {
		inlinable = append(inlinable, string(m[1]))
	}
	for _, f := range funcs {
		if !slices.Contains(inlinable, f) {
			t.Errorf("%s no longer inlines; run go build -gcflags=-m=2 in %s for its cost", f, dir)
		}
	}
}
