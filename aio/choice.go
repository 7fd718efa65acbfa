package aio

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// CORO_AIO chooses the backend of each scheduler's loop as it is made:
// "pool", "uring" or "auto" (or unset). A value it does not know stops
// the process at start-up, as state's CORO_ENGINE does, rather than leave
// the choice to chance; one set later panics in the request that makes a
// loop (tests set it per run).
func init() { mustWant() }

// backendWanted is a value of CORO_AIO.
type backendWanted uint8

const (
	wantAuto  backendWanted = iota // "auto" or unset: io_uring where it works, else the pool
	wantPool                       // "pool": the thread pool
	wantUring                      // "uring": io_uring, or a panic saying why not
)

// mustWant returns what CORO_AIO asks for now, panicking if it is not
// a value parseWanted knows.
func mustWant() backendWanted {
	w, err := parseWanted(os.Getenv("CORO_AIO"))
	if err != nil {
		panic(err)
	}
	return w
}

func parseWanted(env string) (backendWanted, error) {
	switch env {
	case "", "auto":
		return wantAuto, nil
	case "pool":
		return wantPool, nil
	case "uring":
		return wantUring, nil
	}
	return 0, fmt.Errorf("aio: CORO_AIO=%q: want auto, pool or uring", env)
}

// newBackend makes the backend a scheduler's loop gets, as CORO_AIO
// says. It fails where the process is out of descriptors (EMFILE,
// ENFILE), a state that passes: io_uring is not given up for it. With
// CORO_AIO=uring, a process where io_uring does not work panics, as
// CORO_ENGINE=turbo stops one where turbo cannot run: the setting is a
// demand, made to find out (a CI job that must test io_uring).
func newBackend() (backend, error) {
	wanted := mustWant()
	if wanted == wantPool {
		return onlyPool("CORO_AIO=pool")
	}
	be, err := newUring()
	switch {
	case err == nil:
		return be, nil
	case errors.Is(err, unix.EMFILE) || errors.Is(err, unix.ENFILE):
		return nil, err
	case wanted == wantUring:
		panic(fmt.Errorf("%w (and CORO_AIO=uring)", err))
	}
	return onlyPool(err.Error())
}

// onlyPool makes a thread pool to be a loop's only backend, chosen for why.
func onlyPool(why string) (backend, error) {
	p, err := newPool(why, nil)
	if err != nil {
		return nil, err // not p: a nil *pool would make a backend that is not nil
	}
	return p, nil
}
