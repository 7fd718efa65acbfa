package aio_test

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/corogo/coro/aio"
	"github.com/corogo/coro/sched"
)

// runEndings are mains that end Run in every way there is (return, a
// panic, Terminate, a deadlock in main or in the final cancels) with
// sockets, files and the io_uring helper pool in use, and deferred I/O
// left for the host's end. (From review helper 26.)
func runEndings(t *testing.T) map[string]func() {
	dir := t.TempDir()
	sockets := func() {
		ln, err := aio.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			panic(err)
		}
		sched.Async(func() any {
			defer ln.Close()
			c, err := ln.Accept()
			if err != nil {
				return nil
			}
			defer c.Close()
			var b [8]byte
			c.Read(b[:]) // waits for ever
			return nil
		})
		c, err := aio.Dial("tcp", ln.Addr().String())
		if err != nil {
			panic(err)
		}
		sched.Async(func() any {
			defer c.Close()
			var b [8]byte
			c.Read(b[:])
			return nil
		})
		sched.Cede()
		sched.Cede()
	}
	return map[string]func(){
		"return": func() {
			sockets()
		},
		"panic": func() {
			sockets()
			panic("boom")
		},
		"terminate": func() {
			sockets()
			sched.Terminate(nil)
		},
		"deadlock": func() {
			sockets()
			// deadlock in the final cancels: a deferred call waits for ever
			sched.Async(func() any { defer sched.Schedule(); sched.Schedule(); return nil })
			f, err := aio.Create(filepath.Join(dir, "f"))
			if err != nil {
				panic(err)
			}
			sched.Async(func() any { defer f.Close(); sched.Schedule(); return nil })
			sched.Cede()
		},
		"deadlockmain": func() {
			f, err := aio.Create(filepath.Join(dir, "g"))
			if err != nil {
				panic(err)
			}
			sched.Async(func() any { defer f.Close(); sched.Schedule(); return nil })
			sched.Cede()
			c := sched.Async(func() any { sched.Schedule(); return nil })
			sched.Cede()
			aio.Nop()
			c.Join()
		},
		"helperpool": func() {
			// io_uring plus the helper pool (Readlink goes to a worker)
			os.Symlink("x", filepath.Join(dir, "l"))
			aio.Readlink(filepath.Join(dir, "l"))
			sched.Async(func() any { defer aio.Readlink(filepath.Join(dir, "l")); sched.Schedule(); return nil })
			sched.Cede()
			panic("boom")
		},
		"deferredio_in_hostend": func() {
			// cancel during the host's end: deferred aio after deadlock
			sched.Async(func() any {
				defer func() { aio.Nop(); sched.Sleep(time.Millisecond); aio.Nop() }()
				defer sched.Schedule()
				sched.Schedule()
				return nil
			})
			sched.Cede()
		},
	}
}

// Twenty Runs of each ending leave no descriptor or goroutine behind,
// and none hangs.
func TestRunEndingsLeakNothing(t *testing.T) {
	backends(t, func(t *testing.T) {
		for name, main := range runEndings(t) {
			t.Run(name, func(t *testing.T) {
				one := func() (err error, p any) {
					defer func() { p = recover() }()
					done := make(chan struct{})
					go func() {
						select {
						case <-done:
						case <-time.After(10 * time.Second):
							buf := make([]byte, 1<<20)
							n := runtime.Stack(buf, true)
							panic("Run hangs\n" + string(buf[:n]))
						}
					}()
					defer close(done)
					return sched.Run(main), nil
				}
				err, p := one()
				t.Logf("Run: err=%.60v panic=%.60v", err, p)
				runtime.GC()
				fds, g := openFDs(t), runtime.NumGoroutine()
				for range 20 {
					one()
				}
				deadline := time.Now().Add(2 * time.Second)
				for runtime.NumGoroutine() > g && time.Now().Before(deadline) {
					time.Sleep(5 * time.Millisecond)
				}
				if n, g2 := openFDs(t), runtime.NumGoroutine(); n > fds || g2 > g {
					t.Errorf("after 20 Runs: %d fds (%d before), %d goroutines (%d before)", n, fds, g2, g)
				}
			})
		}
	})
}

// A scheduler with an Idle hook still runs its loop: after each call of
// the hook that returns true, the loop delivers what arrived, without
// waiting. (Found in review: requests completed only once the hook
// returned false.)
func TestIdleHookLetsRequestsComplete(t *testing.T) {
	backends(t, func(t *testing.T) {
		const calls = 5000 // the hook waits a millisecond a call: 5 s at most, a hang guard
		idles := 0
		s := sched.New(sched.Idle(func() bool {
			idles++
			time.Sleep(time.Millisecond) // "waits until something may have become ready"
			return idles < calls
		}))
		atNop := -1
		err := s.Run(func() {
			must(t, aio.Nop())
			atNop = idles
		})
		if err != nil {
			t.Fatal(err)
		}
		if atNop < 0 || atNop >= calls {
			t.Errorf("an aio.Nop completed after %d calls of the Idle hook, once it returned false", atNop)
		}
	})
}
