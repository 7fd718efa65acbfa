//go:build linux

package uring

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"golang.org/x/sys/unix"
)

// ErrUnsupported is matched (errors.Is) by every error meaning "io_uring
// cannot be used here": the system call does not exist (ENOSYS: kernel built
// without io_uring, or an emulator such as qemu-user), it is forbidden
// (EPERM: seccomp, an LSM, or the kernel.io_uring_disabled sysctl), or the
// kernel lacks a feature this package requires (RequiredFeatures). The error
// text says which, and the underlying errno, if any, is wrapped too.
var ErrUnsupported = errors.New("io_uring unsupported")

// ioUringDisabledPath is the sysctl that restricts io_uring_setup(2) since
// Linux 6.6: 0 allows it, 1 allows it only to CAP_SYS_ADMIN and members of
// kernel.io_uring_group, 2 refuses it to everyone.
const ioUringDisabledPath = "/proc/sys/kernel/io_uring_disabled"

// unsupported returns an error for op matching ErrUnsupported and, when err
// is not nil, err.
func unsupported(op, reason string, err error) error {
	if err == nil {
		return fmt.Errorf("uring: %s: %w: %s", op, ErrUnsupported, reason)
	}
	return fmt.Errorf("uring: %s: %w: %s: %w", op, ErrUnsupported, reason, err)
}

// wrapErrno wraps the errno of a failed io_uring system call named op,
// classifying ENOSYS (and, for io_uring_setup, EPERM) as ErrUnsupported.
func wrapErrno(op string, err error) error {
	switch {
	case errors.Is(err, unix.ENOSYS):
		return unsupported(op, "the kernel (or emulator) has no io_uring system calls", err)
	case op == "setup" && errors.Is(err, unix.EPERM):
		return unsupported(op, permReason(), err)
	}
	return fmt.Errorf("uring: %s: %w", op, err)
}

// permReason explains an EPERM from io_uring_setup(2).
func permReason() string {
	b, err := os.ReadFile(ioUringDisabledPath)
	if err != nil {
		return "io_uring_setup is forbidden (seccomp or LSM policy?)"
	}
	switch v := strings.TrimSpace(string(b)); v {
	case "1":
		return "kernel.io_uring_disabled=1 restricts io_uring to privileged users and kernel.io_uring_group"
	case "2":
		return "kernel.io_uring_disabled=2 disables io_uring"
	default:
		return "io_uring_setup is forbidden (seccomp or LSM policy?), kernel.io_uring_disabled=" + v
	}
}
