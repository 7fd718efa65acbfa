package examples_test

import (
	"os/exec"
	"path/filepath"
	"testing"
)

// The sync examples are the Coro::Intro programs; their output is what
// the Intro shows (and what Perl Coro prints, see
// sync/testdata/perl/intro_*.out).
var syncExamples = []struct {
	dir, want string
}{
	{"semaphore", "trying to lock semaphore\nunlocking semaphore\nwe got it!\n"},
	{"channel", "1 ** 2 = 1\n2 ** 2 = 4\n5 ** 2 = 25\n10 ** 2 = 100\n77 ** 2 = 5929\n"},
}

func TestSyncExamples(t *testing.T) {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("go command not found: %v", err)
	}
	for _, ex := range syncExamples {
		t.Run(ex.dir, func(t *testing.T) {
			bin := filepath.Join(t.TempDir(), ex.dir)
			build := exec.Command(goCmd, "build", "-o", bin, "./"+ex.dir)
			if out, err := build.CombinedOutput(); err != nil {
				t.Fatalf("go build ./%s: %v\n%s", ex.dir, err, out)
			}
			cmd := exec.Command(bin)
			var stderr []byte
			out, err := cmd.Output()
			if ee, ok := err.(*exec.ExitError); ok {
				stderr = ee.Stderr
			}
			if err != nil {
				t.Fatalf("%s: %v\n%s", ex.dir, err, stderr)
			}
			if string(out) != ex.want {
				t.Errorf("%s printed:\n%s\nwant:\n%s", ex.dir, out, ex.want)
			}
		})
	}
}
