package aio_test

import (
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/corogo/coro/aio"
	"github.com/corogo/coro/sched"
)

// takeDescriptors takes every descriptor the process may still open,
// under a limit lowered for the test, and returns what gives them back.
func takeDescriptors(t *testing.T) (release func()) {
	t.Helper()
	var old syscall.Rlimit
	must(t, syscall.Getrlimit(syscall.RLIMIT_NOFILE, &old))
	lim := old
	lim.Cur = 512
	must(t, syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim))
	var fds []int
	for {
		fd, err := unix.Dup(0)
		if err != nil {
			break
		}
		fds = append(fds, fd)
	}
	return func() {
		for _, fd := range fds {
			unix.Close(fd)
		}
		syscall.Setrlimit(syscall.RLIMIT_NOFILE, &old)
	}
}

// Out of descriptors, a scheduler's first request cannot make its event
// loop, nor a request io_uring has no opcode for the helper pool: the
// request fails with EMFILE, as the calls of package os that need a
// descriptor do, and the next request, once descriptors are back, makes
// what is missing, io_uring not given up for it. (Found in review: both
// panicked out of Run.)
func TestOutOfDescriptors(t *testing.T) {
	backends(t, func(t *testing.T) {
		var want string // the backend a scheduler gets with descriptors to spare
		runSched(t, func() { want, _, _ = strings.Cut(aio.Backend(), " ") })
		dir := t.TempDir()
		link := filepath.Join(dir, "link")
		must(t, os.Symlink("target", link))
		runSched(t, func() {
			release := takeDescriptors(t)
			_, err := aio.Stat(dir)
			release()
			if err != nil && !errors.Is(err, unix.EMFILE) {
				t.Errorf("%s: first request out of descriptors = %v, want EMFILE or none", aio.Backend(), err)
			}
			if _, err := aio.Stat(dir); err != nil {
				t.Errorf("%s: the next request = %v", aio.Backend(), err)
			}
			if !strings.HasPrefix(aio.Backend(), want) {
				t.Errorf("the backend after descriptors ran out once: %s, want %s", aio.Backend(), want)
			}
			release = takeDescriptors(t)
			_, err = aio.Readlink(link) // on a pool worker: io_uring's loop makes its helper pool
			release()
			if err != nil && !errors.Is(err, unix.EMFILE) {
				t.Errorf("%s: Readlink out of descriptors = %v, want EMFILE or none", aio.Backend(), err)
			}
			if got, err := aio.Readlink(link); got != "target" || err != nil {
				t.Errorf("%s: Readlink once descriptors are back = %q, %v", aio.Backend(), got, err)
			}
		})
	})
}

// Serve outlasts an Accept that fails for want of descriptors: it pauses
// and accepts again, and the connection waiting meanwhile is served once
// descriptors are back. (Found in review: Serve returned EMFILE, and the
// server was gone.)
func TestServeOutlastsRunningOutOfDescriptors(t *testing.T) {
	backends(t, func(t *testing.T) {
		runSched(t, func() {
			ln, err := aio.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			client, err := net.Dial("tcp", ln.Addr().String()) // in the backlog at once: loopback
			if err != nil {
				t.Fatal(err)
			}
			defer client.Close()
			got := make(chan string, 1)
			go func() {
				b, _ := io.ReadAll(client)
				got <- string(b)
			}()
			release := sync.OnceFunc(takeDescriptors(t))
			defer release() // if Serve returns before the coroutine below gives them back
			sched.Async(func() any {
				sched.Sleep(50 * time.Millisecond) // Accept has failed by then: Serve pauses
				release()
				return nil
			})
			err = aio.Serve(ln, func(c net.Conn) {
				io.WriteString(c, "served")
				ln.Close()
			})
			if err != nil {
				t.Fatalf("%s: Serve = %v, want nil once the listener is closed", aio.Backend(), err)
			}
			if s := <-got; s != "served" {
				t.Errorf("%s: the client waiting while descriptors ran out got %q, want served", aio.Backend(), s)
			}
		})
	})
}
