package examples_test

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// bin holds the examples, built once by TestMain.
var bin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "coro-examples-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	build := exec.Command("go", "build", "-o", dir+string(filepath.Separator),
		"./hello", "./cede", "./printit", "./wakeme", "./semaphore", "./channel", "./finger", "./echo")
	// Build for the machine, not for GOARCH: under GOARCH=arm64 go test
	// -exec qemu-aarch64 this test runs emulated, but what it starts is
	// not. The examples' code is the same on every architecture; the
	// packages they use are tested under qemu themselves.
	build.Env = append(os.Environ(), "GOOS=", "GOARCH=")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building the examples:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	bin = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// runExample runs an example and returns its output (stdout and stderr in
// the order written) and exit code.
func runExample(t *testing.T, name string, args ...string) (string, int) {
	t.Helper()
	out, err := exec.Command(filepath.Join(bin, name), args...).CombinedOutput()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return string(out), 0
	case errors.As(err, &exit):
		return string(out), exit.ExitCode()
	}
	t.Fatalf("running %s: %v", name, err)
	return "", 0
}

// perlOut returns what the Perl Coro case NAME printed.
func perlOut(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "sched", "testdata", "perl", name+".out"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func check(t *testing.T, got string, code int, want string, wantCode int) {
	t.Helper()
	if got != want || code != wantCode {
		t.Errorf("got exit %d and output:\n%s\nwant exit %d and output:\n%s", code, got, wantCode, want)
	}
}

// The first three print exactly what their Perl Coro cases print.

func TestHello(t *testing.T) {
	got, code := runExample(t, "hello")
	check(t, got, code, perlOut(t, "hello"), 0)
}

func TestCede(t *testing.T) {
	got, code := runExample(t, "cede")
	check(t, got, code, perlOut(t, "cede"), 0)
}

func TestPrintit(t *testing.T) {
	got, code := runExample(t, "printit")
	check(t, got, code, perlOut(t, "printit"), 0)
}

func TestWakemeWoken(t *testing.T) {
	got, code := runExample(t, "wakeme", "-wake=true")
	check(t, got, code, `main: schedule
sleeper: blocking forever
async runs, waking main
main: woken
`, 0)
}

// rssColumn matches the RSS column of a ps row: goroutine stack bytes,
// which may differ between Go versions and platforms.
var rssColumn = regexp.MustCompile(`(?m)^( *\d+ [NUR-][TC-]) (.{4})`)

func TestWakemeDeadlock(t *testing.T) {
	got, code := runExample(t, "wakeme", "-wake=false")
	got = rssColumn.ReplaceAllString(got, "$1  RSS")
	check(t, got, code, `main: schedule
sleeper: blocking forever
async runs, not waking main
FATAL: deadlock detected.
                 PID SC  RSS USES Description              Where
                   1 -C  RSS    0 [main::]                 [main.go:50]
                   2 -C  RSS    1 sleeper coro             [main.go:37]
`, 1)

	// Up to the ps header this is also what Perl Coro prints for the same
	// program (testdata/perl/deadlock.pl); the rows are compared with
	// Perl's in the sched package's TestPerlDeadlock.
	perl := perlOut(t, "deadlock")
	head := perl[:strings.Index(perl, "Where\n")+len("Where\n")]
	if !strings.HasPrefix(got, head) {
		t.Errorf("output does not start with Perl's:\n%s", head)
	}
}

func TestEchoDemo(t *testing.T) {
	got, code := runExample(t, "echo", "-demo")
	want := ""
	for i := range 3 {
		for j := range 2 {
			want += fmt.Sprintf("echoed: client %d says %d\n", i, j)
		}
	}
	check(t, got, code, want, 0)
}

// The three answers may interleave, as in the tutorial; each client's own
// lines come in order.
func TestFinger(t *testing.T) {
	got, code := runExample(t, "finger")
	want := map[string][]string{
		"abc":     {"Login: abc", "Plan: none", "done"},
		"sebbo":   {"Login: sebbo", "Plan: world domination", "(slowly)", "done"},
		"trouble": {"Login: trouble", "Plan: be found", "done"},
	}
	per := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSuffix(got, "\n"), "\n") {
		who, text, _ := strings.Cut(line, ": ")
		per[strings.TrimSuffix(who, "@localhost")] = append(per[strings.TrimSuffix(who, "@localhost")], text)
	}
	if code != 0 || fmt.Sprint(per) != fmt.Sprint(want) {
		t.Errorf("exit %d, output:\n%s", code, got)
	}
}
