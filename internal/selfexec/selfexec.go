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
	"syscall"
)

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
	out, err := cmd(self, args...).CombinedOutput()
	if errors.Is(err, syscall.ENOEXEC) {
		qemu, ok := map[string]string{"arm64": "qemu-aarch64", "amd64": "qemu-x86_64"}[runtime.GOARCH]
		if !ok {
			return out, fmt.Errorf("selfexec: cannot run a %s binary here: %w", runtime.GOARCH, err)
		}
		out, err = cmd(qemu, append([]string{self}, args...)...).CombinedOutput()
	}
	return out, err
}
