package aio_test

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/corogo/coro/aio"
	"github.com/corogo/coro/internal/selfexec"
	"github.com/corogo/coro/sched"
)

// refuseSyscall makes system call nr fail with errno in every thread of
// the process from now on, as a container's seccomp profile may.
func refuseSyscall(nr, errno uint32) error {
	arch, ok := map[string]uint32{"amd64": unix.AUDIT_ARCH_X86_64, "arm64": unix.AUDIT_ARCH_AARCH64}[runtime.GOARCH]
	if !ok {
		return fmt.Errorf("no seccomp architecture for %s", runtime.GOARCH)
	}
	const (
		ldW  = unix.BPF_LD | unix.BPF_W | unix.BPF_ABS
		jeqK = unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K
		retK = unix.BPF_RET | unix.BPF_K
	)
	prog := []unix.SockFilter{
		{Code: ldW, K: 4}, // seccomp_data.arch
		{Code: jeqK, Jt: 0, Jf: 3, K: arch},
		{Code: ldW, K: 0}, // seccomp_data.nr
		{Code: jeqK, Jt: 0, Jf: 1, K: nr},
		{Code: retK, K: unix.SECCOMP_RET_ERRNO | errno},
		{Code: retK, K: unix.SECCOMP_RET_ALLOW},
	}
	fprog := unix.SockFprog{Len: uint16(len(prog)), Filter: &prog[0]}
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return err
	}
	if _, _, e := unix.Syscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, unix.SECCOMP_FILTER_FLAG_TSYNC, uintptr(unsafe.Pointer(&fprog))); e != 0 {
		return e
	}
	return nil
}

// TestRefusedChild is TestRefusedIOUring's child, run with
// CORO_TEST_REFUSE=nr:errno.
func TestRefusedChild(t *testing.T) {
	nrErrno := os.Getenv("CORO_TEST_REFUSE")
	if nrErrno == "" {
		t.Skip("TestRefusedIOUring's child")
	}
	nr, errno, _ := strings.Cut(nrErrno, ":")
	n, _ := strconv.Atoi(nr)
	e, _ := strconv.Atoi(errno)
	if err := refuseSyscall(uint32(n), uint32(e)); err != nil {
		fmt.Println("NO SECCOMP:", err)
		return
	}
	name := filepath.Join(t.TempDir(), "f")
	err := sched.Run(func() {
		fmt.Println("BACKEND:", aio.Backend())
		f, err := aio.Create(name)
		must(t, err)
		_, err = f.Write([]byte("hello"))
		must(t, err)
		must(t, f.Close())
		b, err := aio.Load(name)
		sched.Sleep(time.Millisecond) // a wait in the loop
		fmt.Printf("READ: %q %v\n", b, err)
	})
	fmt.Println("RUN:", err)
}

// Where a seccomp profile refuses one of io_uring's system calls, with
// EPERM or ENOSYS, the thread pool serves, saying why. (Found in review:
// with io_uring_enter alone refused, the first wait panicked.)
func TestRefusedIOUring(t *testing.T) {
	t.Setenv("CORO_AIO", "")
	var backend string
	runSched(t, func() { backend = aio.Backend() })
	if !strings.HasPrefix(backend, "io_uring") {
		// Nothing to refuse (qemu-user has no io_uring, and an exec of the
		// test there may hang: internal/selfexec).
		t.Skipf("no io_uring here: %s", backend)
	}
	for _, c := range []struct {
		call      string
		nr, errno int
	}{
		{"setup", unix.SYS_IO_URING_SETUP, int(unix.EPERM)},
		{"setup", unix.SYS_IO_URING_SETUP, int(unix.ENOSYS)},
		{"register", unix.SYS_IO_URING_REGISTER, int(unix.EPERM)},
		{"enter", unix.SYS_IO_URING_ENTER, int(unix.EPERM)},
		{"enter", unix.SYS_IO_URING_ENTER, int(unix.ENOSYS)},
	} {
		t.Run(c.call+"-"+unix.ErrnoName(unix.Errno(c.errno)), func(t *testing.T) {
			out, err := selfexec.Output([]string{fmt.Sprintf("CORO_TEST_REFUSE=%d:%d", c.nr, c.errno), "CORO_AIO="},
				"-test.run=^TestRefusedChild$", "-test.v", "-test.count=1")
			s := string(out)
			if strings.Contains(s, "NO SECCOMP:") {
				t.Skipf("seccomp filters cannot be set here: %s", s)
			}
			if err != nil || !strings.Contains(s, "BACKEND: thread pool") || !strings.Contains(s, `READ: "hello" <nil>`) || !strings.Contains(s, "RUN: <nil>") {
				t.Errorf("with io_uring_%s refused (%v), the thread pool does not serve:\n%s", c.call, err, s)
			}
		})
	}
}
