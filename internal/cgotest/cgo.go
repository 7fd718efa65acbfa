//go:build cgo

package cgotest

/*
#include <string.h>
#include <unistd.h>

// deep uses some C stack, which runs on the system stack, not the context's.
static int deep(int n) {
	char buf[4096];
	memset(buf, n, sizeof buf);
	if (n == 0) return getpid() > 0;
	return deep(n - 1) + buf[n % sizeof buf] - n;
}
*/
import "C"

// Deep recurses n levels in C with 4 KiB of C stack each and returns 1.
func Deep(n int) int { return int(C.deep(C.int(n))) }
