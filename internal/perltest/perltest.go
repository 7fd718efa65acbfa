// Package perltest compares a Go program with the Perl Coro script it
// mirrors. Every case has a script testdata/perl/NAME.pl and the output
// Perl Coro 6.57 printed for it, NAME.out, checked in beside it. The Go
// side must print exactly NAME.out; when Perl with Coro is installed the
// script is run too and must still print NAME.out, so the golden file
// cannot drift from the reference. Under CI (CI set) a missing Perl Coro is
// a failure, not a skip.
package perltest

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// Option adjusts a comparison.
type Option func(*config)

type config struct {
	normalize func(string) string
}

// Normalize rewrites both outputs before they are compared, for output
// that varies from run to run (addresses, timings).
func Normalize(f func(string) string) Option { return func(c *config) { c.normalize = f } }

var perlCoro = sync.OnceValue(func() error {
	return exec.Command("perl", "-MCoro", "-e", "1").Run()
})

// Compare checks that goProgram prints testdata/perl/NAME.out and, where
// Perl Coro is installed, that NAME.pl prints it too.
func Compare(t *testing.T, name string, goProgram func(out *bytes.Buffer), opts ...Option) {
	t.Helper()
	var cfg config
	for _, o := range opts {
		o(&cfg)
	}
	norm := func(s string) string {
		if cfg.normalize != nil {
			return cfg.normalize(s)
		}
		return s
	}
	script := filepath.Join("testdata", "perl", name+".pl")
	golden, err := os.ReadFile(filepath.Join("testdata", "perl", name+".out"))
	if err != nil {
		t.Fatal(err)
	}
	want := norm(string(golden))

	var out bytes.Buffer
	goProgram(&out)
	if got := norm(out.String()); got != want {
		t.Errorf("Go output differs from Perl Coro's (%s):\n%s", script, diff(want, got))
	}

	if err := perlCoro(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("Perl Coro is not installed under CI (apt-get install libcoro-perl): %v", err)
		}
		t.Logf("Perl Coro not installed; compared with the checked-in %s.out only", name)
		return
	}
	perlOut, _ := exec.Command("perl", script).CombinedOutput() // some cases die on purpose
	if got := norm(string(perlOut)); got != want {
		t.Errorf("perl %s no longer prints %s.out:\n%s", script, name, diff(want, got))
	}
}

// diff shows the two outputs line by line, marking the lines that differ.
func diff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for i := 0; i < max(len(w), len(g)); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		mark := "  "
		if wl != gl {
			mark = "! "
		}
		b.WriteString(mark + "perl: " + wl + "\n" + mark + "go:   " + gl + "\n")
	}
	return b.String()
}
