package aio_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/corogo/coro/aio"
	"github.com/corogo/coro/sched"
)

// echo serves one connection: every line comes back upper-cased.
func echo(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		if _, err := io.WriteString(c, strings.ToUpper(line)); err != nil {
			return
		}
	}
}

func serve(t *testing.T, ln net.Listener, conns int) {
	sched.Async(func() any {
		defer ln.Close()
		for range conns {
			c, err := ln.Accept()
			if err != nil {
				t.Error(err)
				return nil
			}
			sched.Async(func() any { echo(c); return nil })
		}
		return nil
	})
}

// served returns a loopback TCP connection whose other end a coroutine
// hands to serve, closing it when serve returns.
func served(t *testing.T, serve func(c net.Conn)) net.Conn {
	ln, err := aio.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	sched.Async(func() any {
		defer ln.Close()
		c, err := ln.Accept()
		if err != nil {
			t.Error(err)
			return nil
		}
		defer c.Close()
		serve(c)
		return nil
	})
	c, err := aio.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestTCPEchoBetweenCoroutines(t *testing.T) {
	backends(t, func(t *testing.T) {
		runSched(t, func() {
			ln, err := aio.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			const clients, lines = 50, 20
			serve(t, ln, clients)
			var done []*sched.Coro
			for i := range clients {
				done = append(done, sched.Async(func() any {
					c, err := aio.Dial("tcp", ln.Addr().String())
					if err != nil {
						return err
					}
					defer c.Close()
					r := bufio.NewReader(c)
					for j := range lines {
						fmt.Fprintf(c, "client %d line %d\n", i, j)
						got, err := r.ReadString('\n')
						if want := fmt.Sprintf("CLIENT %d LINE %d\n", i, j); err != nil || got != want {
							return fmt.Errorf("got %q, %v; want %q", got, err, want)
						}
					}
					return nil
				}))
			}
			for _, c := range done {
				if v, _ := c.Join(); v != nil {
					t.Error(v)
				}
			}
		})
	})
}

// A socket read or wait runs in one of the loop's spare requests, and a
// deadline in one of the scheduler's spare timers, so a request and its
// echo over TCP allocate nothing once warm, with deadlines or without, on
// io_uring and on the thread pool alike: the 1,000-connection echo server
// makes no garbage per request.
func TestEchoAllocs(t *testing.T) {
	backends(t, func(t *testing.T) {
		runSched(t, func() {
			c := served(t, func(c net.Conn) { io.Copy(c, c) })
			defer c.Close()
			msg, got := []byte("0123456789abcdef0123456789abcde\n"), make([]byte, 32)
			for _, deadline := range []time.Time{{}, time.Now().Add(time.Hour)} {
				with := map[bool]string{true: "without a deadline", false: "with a deadline"}[deadline.IsZero()]
				if err := c.SetDeadline(deadline); err != nil {
					t.Fatal(err)
				}
				allocs := testing.AllocsPerRun(200, func() {
					if _, err := c.Write(msg); err != nil {
						t.Fatal(err)
					}
					if _, err := io.ReadFull(c, got); err != nil || !bytes.Equal(got, msg) {
						t.Fatalf("read %q, %v; want %q", got, err, msg)
					}
				})
				if allocs != 0 {
					t.Errorf("a request and its echo on %s %s made %v allocations, want 0", aio.Backend(), with, allocs)
				}
			}
		})
	})
}

// Listeners with ReusePort, one per scheduler, share an address, and the
// kernel gives each some of the connections.
func TestReusePortSharesAnAddress(t *testing.T) {
	backends(t, func(t *testing.T) {
		const schedulers, clients = 2, 64
		var (
			wg       sync.WaitGroup
			accepted [schedulers]int // each written by its scheduler, read after wg.Wait
		)
		scheds := make([]*sched.Scheduler, schedulers)
		lns := make([]net.Listener, schedulers)
		addr := "127.0.0.1:0" // the first listener's port, once it has one
		for k := range schedulers {
			scheds[k] = sched.New()
			listening := make(chan net.Listener)
			wg.Go(func() {
				err := scheds[k].Run(func() {
					lc := aio.ListenConfig{ReusePort: true}
					ln, err := lc.Listen("tcp4", addr)
					if err != nil {
						t.Error(err)
						close(listening)
						return
					}
					listening <- ln
					err = aio.Serve(ln, func(c net.Conn) {
						accepted[k]++
						echo(c)
					})
					if err != nil {
						t.Error(err)
					}
				})
				if err != nil {
					t.Error(err)
				}
			})
			ln, ok := <-listening
			if !ok {
				t.FailNow()
			}
			lns[k], addr = ln, ln.Addr().String()
		}
		// Without ReusePort the address is taken.
		runSched(t, func() {
			if ln, err := aio.Listen("tcp4", addr); !errors.Is(err, syscall.EADDRINUSE) {
				t.Errorf("Listen without ReusePort: %v, %v; want EADDRINUSE", ln, err)
			}
		})
		for i := range clients {
			c, err := net.Dial("tcp4", addr)
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(c, "client %d\n", i)
			got, err := bufio.NewReader(c).ReadString('\n')
			if want := fmt.Sprintf("CLIENT %d\n", i); err != nil || got != want {
				t.Errorf("got %q, %v; want %q", got, err, want)
			}
			c.Close()
		}
		for k, s := range scheds {
			s.Post(func() { lns[k].Close() }) // aio calls belong in the listener's scheduler
		}
		wg.Wait()
		if accepted[0]+accepted[1] != clients || accepted[0] == 0 || accepted[1] == 0 {
			t.Errorf("the schedulers accepted %v of %d connections; want all, spread over both", accepted, clients)
		}
	})
}

func TestReusePortIsNotForUnixSockets(t *testing.T) {
	runSched(t, func() {
		lc := aio.ListenConfig{ReusePort: true}
		path := filepath.Join(t.TempDir(), "sock")
		if ln, err := lc.Listen("unix", path); !errors.Is(err, aio.ErrReusePortUnix) {
			t.Errorf("Listen(unix) with ReusePort: %v, %v; want ErrReusePortUnix", ln, err)
		}
		if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("the refused listener left %s behind: %v", path, err)
		}
	})
}

// A coroutine server answers a client of the standard net package running
// on an ordinary goroutine.
func TestInteropWithNetPackage(t *testing.T) {
	backends(t, func(t *testing.T) {
		addr := make(chan string, 1)
		result := make(chan error, 1)
		s := sched.New()
		release := s.Hold() // the client goroutine is the scheduler's outside work
		go func() {
			defer release()
			c, err := net.Dial("tcp", <-addr)
			if err != nil {
				result <- err
				return
			}
			defer c.Close()
			fmt.Fprintln(c, "hello from a goroutine")
			line, err := bufio.NewReader(c).ReadString('\n')
			if err == nil && line != "HELLO FROM A GOROUTINE\n" {
				err = fmt.Errorf("got %q", line)
			}
			result <- err
		}()
		err := s.Run(func() {
			ln, err := aio.Listen("tcp4", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			addr <- ln.Addr().String()
			c, err := ln.Accept()
			if err != nil {
				t.Fatal(err)
			}
			ln.Close()
			echo(c)
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := <-result; err != nil {
			t.Fatal(err)
		}
	})
}

// TestLargeTransfers: writes of sizes around 64 KiB, the most a socket
// read or write makes raw, and far above it arrive whole and in order,
// read back with buffers of both kinds of size.
func TestLargeTransfers(t *testing.T) {
	backends(t, func(t *testing.T) {
		const raw = 64 << 10
		sizes := []int{1, raw - 1, raw, raw + 1, 4 << 20, 3}
		total := 0
		for _, n := range sizes {
			total += n
		}
		data := make([]byte, total)
		rand.NewChaCha8([32]byte{1}).Read(data)
		got := make([]byte, 0, total)
		err := sched.New().Run(func() {
			ln, err := aio.Listen("tcp4", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer ln.Close()
			sched.Async(func() any { // the far end: echo everything back
				c, err := ln.Accept()
				if err != nil {
					t.Error(err)
					return nil
				}
				defer c.Close()
				if _, err := io.Copy(c, c); err != nil {
					t.Error(err)
				}
				return nil
			})
			c, err := aio.Dial("tcp4", ln.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			writer := sched.Async(func() any {
				rest := data
				for _, n := range sizes {
					if k, err := c.Write(rest[:n]); k != n || err != nil {
						return fmt.Errorf("write of %d bytes: wrote %d, %v", n, k, err)
					}
					rest = rest[n:]
				}
				return c.(interface{ CloseWrite() error }).CloseWrite()
			})
			for i := 0; ; i++ {
				buf := make([]byte, []int{7, raw + 5, 2 << 20}[i%3])
				k, err := c.Read(buf)
				got = append(got, buf[:k]...)
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("read after %d bytes: %v", len(got), err)
				}
			}
			if v, err := writer.Join(); v != nil || err != nil {
				t.Fatalf("writer: %v, %v", v, err)
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, data) {
			t.Fatalf("%d bytes came back; they differ from the %d written", len(got), total)
		}
	})
}

func TestUnixAndUDP(t *testing.T) {
	backends(t, func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "sock")
		runSched(t, func() {
			ln, err := aio.Listen("unix", path)
			if err != nil {
				t.Fatal(err)
			}
			serve(t, ln, 1)
			c, err := aio.Dial("unix", path)
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintln(c, "over unix")
			if line, err := bufio.NewReader(c).ReadString('\n'); err != nil || line != "OVER UNIX\n" {
				t.Errorf("unix: %q, %v", line, err)
			}
			c.Close()

			pc, err := aio.ListenPacket("udp4", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer pc.Close()
			sched.Async(func() any {
				buf := make([]byte, 64)
				n, from, err := pc.ReadFrom(buf)
				if err == nil {
					pc.WriteTo([]byte(strings.ToUpper(string(buf[:n]))), from)
				}
				return nil
			})
			u, err := aio.Dial("udp4", pc.LocalAddr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer u.Close()
			u.Write([]byte("datagram"))
			buf := make([]byte, 64)
			if n, err := u.Read(buf); err != nil || string(buf[:n]) != "DATAGRAM" {
				t.Errorf("udp: %q, %v", buf[:n], err)
			}
		})
	})
}

func TestDeadlinesAndErrors(t *testing.T) {
	backends(t, func(t *testing.T) {
		runSched(t, func() {
			// The server says nothing, long past the deadline, then hangs up.
			c := served(t, func(net.Conn) { sched.Sleep(500 * time.Millisecond) })
			defer c.Close()
			c.SetReadDeadline(time.Now().Add(5 * time.Millisecond))
			_, err := c.Read(make([]byte, 1))
			var ne net.Error
			if !errors.As(err, &ne) || !ne.Timeout() || !errors.Is(err, os.ErrDeadlineExceeded) {
				t.Errorf("Read past the deadline: %v", err)
			}
			c.SetReadDeadline(time.Time{})
			if _, err := c.Read(make([]byte, 1)); err != io.EOF {
				t.Errorf("Read after the peer closed: %v", err)
			}

			free, _ := aio.Listen("tcp", "127.0.0.1:0")
			addr := free.Addr().String()
			free.Close()
			if _, err := aio.Dial("tcp", addr); err == nil || !strings.Contains(err.Error(), "refused") {
				t.Errorf("Dial to a closed port: %v", err)
			}
			if _, err := aio.Dial("sctp", addr); err == nil {
				t.Error("Dial on an unknown network succeeded")
			}
		})
	})
}

// A coroutine cancelled in Read leaves nothing waiting in the loop.
func TestCancelInRead(t *testing.T) {
	backends(t, func(t *testing.T) {
		runSched(t, func() {
			c := served(t, func(net.Conn) { sched.Sleep(20 * time.Millisecond) })
			reader := sched.Async(func() any { c.Read(make([]byte, 1)); return "read returned" })
			sched.Cede()
			reader.Cancel("cancelled")
			if v, _ := reader.Join(); v != "cancelled" {
				t.Errorf("reader ended with %v", v)
			}
			c.Close()
		})
	})
}

// Close unblocks an Accept and a Read waiting in other coroutines, which
// return net.ErrClosed, as with package net.
func TestCloseUnblocksWaiters(t *testing.T) {
	backends(t, func(t *testing.T) {
		runSched(t, func() {
			ln, err := aio.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			acceptErr := make(chan error, 1)
			accepted := false
			sched.Async(func() any {
				c, err := ln.Accept()
				if err == nil {
					accepted = true
					sched.Sleep(time.Hour) // keeps the server side open
					c.Close()
				}
				return nil
			})
			c, err := aio.Dial("tcp", ln.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			for !accepted { // else the second Accept below could take this connection
				sched.Sleep(time.Millisecond)
			}
			readErr := make(chan error, 1)
			sched.Async(func() any { _, err := c.Read(make([]byte, 1)); readErr <- err; return nil })
			sched.Async(func() any { _, err := ln.Accept(); acceptErr <- err; return nil })
			sched.Sleep(5 * time.Millisecond) // both are waiting now
			c.Close()
			ln.Close()
			for _, ch := range []chan error{readErr, acceptErr} {
				if err := sched.WithTimeout(time.Second, func() {
					for len(ch) == 0 {
						sched.Sleep(time.Millisecond)
					}
				}); err != nil {
					t.Fatal("a waiter was not woken by Close")
				}
				if err := <-ch; !errors.Is(err, net.ErrClosed) {
					t.Errorf("waiter got %v, want net.ErrClosed", err)
				}
			}
		})
	})
}

// A read deadline set in the past from another coroutine ends a Read that
// is waiting, with a timeout error, as with package net.
func TestPastDeadlineInterruptsRead(t *testing.T) {
	backends(t, func(t *testing.T) {
		runSched(t, func() {
			c := served(t, func(net.Conn) { sched.Sleep(time.Second) })
			defer c.Close()
			var readErr error
			reader := sched.Async(func() any { _, readErr = c.Read(make([]byte, 1)); return nil })
			sched.Sleep(5 * time.Millisecond) // the reader waits
			c.SetReadDeadline(time.Now())
			if err := sched.WithTimeout(500*time.Millisecond, func() { reader.Join() }); err != nil {
				t.Fatal("the waiting Read did not end")
			}
			var ne net.Error
			if !errors.As(readErr, &ne) || !ne.Timeout() {
				t.Errorf("Read ended with %v, want a timeout", readErr)
			}
		})
	})
}

// A socket Read with a deadline, thrown at once its deadline has passed:
// the timeout's throw comes while the unwinding waits for the kernel. It
// must not end that wait, or WithTimeout would return, and the request
// still in flight be recycled and answer the coroutine's next request.
// (Found by review.)
func TestThrowInFlightOutlivesADeadline(t *testing.T) {
	onEmptyPipe(t, func(t *testing.T, f *aio.File, w *os.File) {
		c := served(t, func(net.Conn) { sched.Sleep(time.Second) })
		defer c.Close()
		stop := errors.New("stop")
		var thrown any
		reader := sched.Async(func() any {
			func() {
				defer func() { thrown = recover() }()
				c.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
				c.Read(make([]byte, 8))
			}()
			buf := make([]byte, 8)
			n, err := f.Read(buf) // the pipe gets "LATE" in 50 ms
			return fmt.Sprintf("%q, %v", buf[:n], err)
		})
		sched.Cede()                       // the read is submitted, or queued to be
		time.Sleep(300 * time.Millisecond) // the deadline passes; its timer has not fired
		lateWrite(w, 50*time.Millisecond)
		reader.Throw(stop)
		if v, _ := reader.Join(); v != `"LATE", <nil>` || thrown != stop {
			t.Errorf("the socket Read ended with %v; the pipe Read after it returned %v, want \"LATE\", <nil>", thrown, v)
		}
	})
}

// Close of a connection whose Read another coroutine has just queued: on
// io_uring the read's entry is still in the submission queue, naming the
// descriptor by number, which is free once Close returns. A socket made
// before the loop submits gets the number, and its data must not go to the
// stale read. (Found by review: it did.)
func TestCloseBeforeSubmitLeavesReusedNumberAlone(t *testing.T) {
	backends(t, func(t *testing.T) {
		runSched(t, func() {
			c := served(t, func(net.Conn) { sched.Sleep(100 * time.Millisecond) })
			sched.Async(func() any { c.Read(make([]byte, 64)); return nil })
			sched.Cede() // the reader's read is queued
			c.Close()
			fds := socketPair(t) // takes the lowest free numbers: the closed one
			syscall.Write(fds[1], []byte("SECRET"))
			sched.Sleep(20 * time.Millisecond) // the loop submits what is queued
			buf := make([]byte, 64)
			n, err := syscall.Read(fds[0], buf)
			if got := buf[:max(n, 0)]; string(got) != "SECRET" {
				t.Errorf("the new socket (descriptor %d) read %q, %v: its data went to the closed connection's read", fds[0], got, err)
			}
		})
	})
}

// CloseWrite after Close fails with net.ErrClosed, as in package net, and
// leaves alone the socket that has taken the descriptor's number. (Found
// by review: it shut down the new socket.)
func TestCloseWriteAfterClose(t *testing.T) {
	backends(t, func(t *testing.T) {
		runSched(t, func() {
			c := served(t, func(net.Conn) { sched.Sleep(50 * time.Millisecond) })
			c.Close()
			fds := socketPair(t) // takes the lowest free numbers: the closed one
			if err := c.(interface{ CloseWrite() error }).CloseWrite(); !errors.Is(err, net.ErrClosed) {
				t.Errorf("CloseWrite after Close: %v, want net.ErrClosed", err)
			}
			buf := make([]byte, 8)
			for i, fd := range fds {
				if n, err := syscall.Read(fds[1-i], buf); n == 0 && err == nil {
					t.Errorf("socket %d, which took a number after Close, was shut down", fd)
				}
			}
		})
	})
}

// A Dial cut short while it connects (here by WithTimeout's throw) closes
// its socket. (Found by review: the descriptor leaked.)
func TestDialCutShortClosesItsSocket(t *testing.T) {
	backends(t, func(t *testing.T) {
		// A listener with backlog 0 that never accepts: once its queue is
		// full, further SYNs are dropped and connect waits.
		lfd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer syscall.Close(lfd)
		if err := syscall.Bind(lfd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
			t.Fatal(err)
		}
		syscall.Listen(lfd, 0)
		sa, _ := syscall.Getsockname(lfd)
		addr := (&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: sa.(*syscall.SockaddrInet4).Port}).String()
		runSched(t, func() {
			var held []net.Conn
			defer func() {
				for _, c := range held {
					c.Close()
				}
			}()
			for { // fill the queue
				c, err := aio.DialTimeout("tcp", addr, 100*time.Millisecond)
				if err != nil {
					break
				}
				if held = append(held, c); len(held) > 20 {
					t.Fatal("connect never waits here")
				}
			}
			before := openFDs(t)
			if err := sched.WithTimeout(100*time.Millisecond, func() { aio.Dial("tcp", addr) }); err == nil {
				t.Fatal("the Dial connected")
			}
			if after := openFDs(t); after != before {
				t.Errorf("%d descriptors open before the Dial, %d after it was cut short", before, after)
			}
		})
	})
}

// A read deadline set while a Read waits applies to that Read, as in
// package net. (Found by review: only a deadline already passed did.)
func TestDeadlineSetWhileReadWaits(t *testing.T) {
	backends(t, func(t *testing.T) {
		runSched(t, func() {
			c := served(t, func(net.Conn) { sched.Sleep(2 * time.Second) })
			defer c.Close()
			var readErr error
			reader := sched.Async(func() any { _, readErr = c.Read(make([]byte, 1)); return nil })
			sched.Sleep(5 * time.Millisecond) // the reader waits, with no deadline
			c.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
			if err := sched.WithTimeout(time.Second, func() { reader.Join() }); err != nil {
				t.Fatal("the waiting Read was still waiting 1 s later; its new deadline was 20 ms")
			}
			if !errors.Is(readErr, os.ErrDeadlineExceeded) {
				t.Errorf("Read ended with %v, want os.ErrDeadlineExceeded", readErr)
			}
		})
	})
}

// socketPair makes a connected pair of unix sockets outside the scheduler,
// closed when the test ends.
func socketPair(t *testing.T) [2]int {
	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_NONBLOCK, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		syscall.Close(fds[0])
		syscall.Close(fds[1])
	})
	return [2]int(fds)
}

// A Read whose deadline passes just as the ring reads its data (the
// scheduler busy meanwhile, so the timer and the completion are seen
// together) returns the data: it is out of the socket, and package net
// never drops what it has read. (Found by review: Read timed out and the
// bytes were gone.)
func TestReadDeadlineKeepsDataTheRingRead(t *testing.T) {
	backends(t, func(t *testing.T) {
		runSched(t, func() {
			peer := make(chan net.Conn, 1)
			c := served(t, func(s net.Conn) { peer <- s; sched.Sleep(time.Second) })
			defer c.Close()
			var p net.Conn
			for p == nil {
				select {
				case p = <-peer:
				default:
					sched.Sleep(time.Millisecond)
				}
			}
			var n int
			var readErr error
			reader := sched.Async(func() any {
				c.SetReadDeadline(time.Now().Add(30 * time.Millisecond))
				n, readErr = c.Read(make([]byte, 16))
				return nil
			})
			sched.Sleep(5 * time.Millisecond) // the read waits in the kernel
			if _, err := p.Write([]byte("DATA")); err != nil {
				t.Fatal(err)
			}
			time.Sleep(50 * time.Millisecond) // the scheduler busy: the deadline passes
			reader.Join()
			if n == 4 && readErr == nil {
				return
			}
			c.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
			if m, err := c.Read(make([]byte, 16)); m != 4 || err != nil {
				t.Errorf("%s: Read = %d, %v; the next Read = %d, %v: want the 4 bytes from one of them", aio.Backend(), n, readErr, m, err)
			}
		})
	})
}

// A socket belongs to the scheduler whose coroutines first waited on it:
// another scheduler's Close, deadline or wait panics with a message
// instead of leaving the owner's loop with a stale record of the number
// (the next socket to get it waited for ever), and the owner goes on
// using it. A socket nobody has waited on yet may move. (Found by review.)
func TestSocketOfAnotherScheduler(t *testing.T) {
	backends(t, func(t *testing.T) {
		type result struct{ close, deadline, read string }
		handoff, done := make(chan net.Conn), make(chan result)
		go func() {
			c := <-handoff
			var r result
			catch := func(f func()) (msg string) {
				defer func() { msg = fmt.Sprint(recover()) }()
				f()
				return
			}
			err := sched.Run(func() {
				r.close = catch(func() { c.Close() })
				r.deadline = catch(func() { c.SetReadDeadline(time.Now().Add(time.Second)) })
				r.read = catch(func() { c.Read(make([]byte, 1)) })
			})
			if err != nil {
				t.Error(err)
			}
			done <- r
		}()
		runSched(t, func() {
			c := served(t, func(s net.Conn) { s.Read(make([]byte, 1)) })
			c.SetReadDeadline(time.Now().Add(time.Millisecond))
			if _, err := c.Read(make([]byte, 1)); !errors.Is(err, os.ErrDeadlineExceeded) {
				t.Fatalf("Read with a passing deadline: %v", err)
			}
			handoff <- c
			r := <-done
			for op, msg := range map[string]string{"Close": r.close, "SetReadDeadline": r.deadline, "Read": r.read} {
				if !strings.Contains(msg, "belongs to another scheduler") {
					t.Errorf("%s from another scheduler: %s, want a panic saying the socket belongs to another", op, msg)
				}
			}
			c.SetReadDeadline(time.Time{})
			must(t, c.Close())
		})
		// A fresh listener, not waited on yet, is accepted on by another
		// scheduler, whose it then is.
		var ln net.Listener
		runSched(t, func() {
			var err error
			ln, err = aio.Listen("tcp", "127.0.0.1:0")
			must(t, err)
		})
		runSched(t, func() {
			sched.Async(func() any {
				c, err := aio.Dial("tcp", ln.Addr().String())
				must(t, err)
				return c.Close()
			})
			c, err := ln.Accept()
			must(t, err)
			must(t, c.Close())
			must(t, ln.Close())
		})
	})
}

// A socket whose scheduler has ended may be closed by another. (Found by
// review: Close panicked, and the descriptor stayed open for good.)
func TestSocketClosedAfterItsSchedulerEnded(t *testing.T) {
	backends(t, func(t *testing.T) {
		var c net.Conn
		runSched(t, func() {
			c = served(t, func(s net.Conn) { s.Read(make([]byte, 1)) })
			c.SetReadDeadline(time.Now().Add(time.Millisecond))
			c.Read(make([]byte, 1)) // waits: the socket is this scheduler's
		})
		runSched(t, func() {
			defer func() {
				if v := recover(); v != nil {
					t.Errorf("%s: Close after the socket's scheduler ended: %v", aio.Backend(), v)
				}
			}()
			must(t, c.Close())
		})
	})
}
