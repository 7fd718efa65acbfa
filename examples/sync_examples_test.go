package examples_test

import "testing"

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
	for _, ex := range syncExamples {
		t.Run(ex.dir, func(t *testing.T) {
			out, code := runExample(t, ex.dir)
			check(t, out, code, ex.want, 0)
		})
	}
}
