// Package selfexec runs the current executable again, for measurements
// and start-up checks that need a fresh process. It works under
// go test -exec qemu-aarch64 too: a binary the kernel cannot run itself is
// run again through the qemu user emulator for its architecture.
package selfexec

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"sync/atomic"
	"syscall"
)

// emulated is set once the kernel has refused to run this executable
// (ENOEXEC); every later run goes straight to the emulator. Under qemu-user
// a refused exec leaves the emulator's forked child to exit, and that exit
// can hang when the parent's threads were busy at the fork (a TCP echo
// server running, in coro bench's echo rows): the parent then waits for it
// forever. So the refusal is met once per process, not once per run.
var emulated atomic.Bool

// Output runs this executable with args and env added to the environment
// (the last value of a key wins) and returns its standard output and
// standard error, combined.
func Output(env []string, args ...string) ([]byte, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("selfexec: %w", err)
	}
	cmd := func(name string, args ...string) *exec.Cmd {
		c := exec.Command(name, args...)
		c.Env = append(os.Environ(), env...)
		return c
	}
	if !emulated.Load() {
		out, err := cmd(self, args...).CombinedOutput()
		if !errors.Is(err, syscall.ENOEXEC) {
			return out, err
		}
		emulated.Store(true)
	}
	qemu, ok := map[string]string{"arm64": "qemu-aarch64", "amd64": "qemu-x86_64"}[runtime.GOARCH]
	if !ok {
		return nil, fmt.Errorf("selfexec: cannot run a %s binary here: %w", runtime.GOARCH, syscall.ENOEXEC)
	}
	return cmd(qemu, append([]string{self}, args...)...).CombinedOutput()
}
