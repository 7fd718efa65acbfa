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

// servedPeer is served with a server that hands over its end of the
// connection and keeps it open for a second: it returns both ends.
func servedPeer(t *testing.T) (c, peer net.Conn) {
	ends := make(chan net.Conn, 1)
	c = served(t, func(s net.Conn) { ends <- s; sched.Sleep(time.Second) })
	for peer == nil {
		select {
		case peer = <-ends:
		default:
			sched.Sleep(time.Millisecond)
		}
	}
	return c, peer
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

// A socket belongs to the scheduler whose coroutines first waited on it:
// another scheduler's Close, deadline or wait panics with a message
// instead of leaving the owner's loop with a stale record of the number
// (the next socket to get it waited for ever), and the owner goes on
// using it. A socket nobody has waited on yet may move. (Found by review.)
func TestSocketOfAnotherScheduler(t *testing.T) {
	backends(t, func(t *testing.T) {
		type result struct{ close, deadline, read, write, writeTo string }
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
				r.write = catch(func() { c.Write([]byte("x")) })
				r.writeTo = catch(func() { c.(net.PacketConn).WriteTo([]byte("x"), c.RemoteAddr()) }) // fails on TCP, after the check
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
			// A Read of the owner's waits meanwhile, holding the reads'
			// turn: the other scheduler's Read must not queue for it.
			// (Found in review: it did, and slept.)
			c.SetReadDeadline(time.Time{})
			reading := sched.Async(func() any { _, err := c.Read(make([]byte, 1)); return err })
			sched.Cede()
			handoff <- c
			r := <-done
			for op, msg := range map[string]string{"Close": r.close, "SetReadDeadline": r.deadline, "Read": r.read, "Write": r.write, "WriteTo": r.writeTo} {
				if !strings.Contains(msg, "belongs to another scheduler") {
					t.Errorf("%s from another scheduler: %s, want a panic saying the socket belongs to another", op, msg)
				}
			}
			must(t, c.Close())
			if _, err := reading.Join(); err != nil {
				t.Errorf("the owner's Read: %v", err)
			}
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

// linkLocal returns an IPv6 link-local address of this host with its
// zone, as "[fe80::...%eth0]", or skips the test.
func linkLocal(t *testing.T) string {
	ifs, _ := net.Interfaces()
	for _, ifi := range ifs {
		addrs, _ := ifi.Addrs()
		for _, a := range addrs {
			if ipn, ok := a.(*net.IPNet); ok && ipn.IP.To4() == nil && ipn.IP.IsLinkLocalUnicast() {
				return "[" + ipn.IP.String() + "%" + ifi.Name + "]"
			}
		}
	}
	t.Skip("no IPv6 link-local address")
	return ""
}

// An IPv6 address with a zone (a link-local one, which needs it) works
// as with package net: Listen binds it, Dial connects to it, and the
// addresses the connection reports keep the zone. (Found in review: the
// zone was dropped, and Listen and Dial failed with EINVAL.)
func TestIPv6Zone(t *testing.T) {
	host := linkLocal(t)
	nl, err := net.Listen("tcp6", host+":0") // package net, for reference
	if err != nil {
		t.Skip(err)
	}
	defer nl.Close()
	go func() {
		for {
			c, err := nl.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	_, port, _ := net.SplitHostPort(nl.Addr().String())
	addr := host + ":" + port
	nc, err := net.Dial("tcp6", addr) // package net, for reference
	must(t, err)
	want := nc.RemoteAddr().String()
	nc.Close()
	backends(t, func(t *testing.T) {
		runSched(t, func() {
			if ln, err := aio.Listen("tcp6", host+":0"); err != nil {
				t.Errorf("%s: Listen(%q): %v", aio.Backend(), host+":0", err)
			} else {
				ln.Close()
			}
			c, err := aio.DialTimeout("tcp6", addr, time.Second)
			if err != nil {
				t.Errorf("%s: Dial(%q): %v (net.Dial connects)", aio.Backend(), addr, err)
				return
			}
			defer c.Close()
			if got := c.RemoteAddr().String(); got != want {
				t.Errorf("%s: RemoteAddr %s, want %s (net's)", aio.Backend(), got, want)
			}
			if la, ok := c.LocalAddr().(*net.TCPAddr); !ok || la.Zone == "" {
				t.Errorf("%s: LocalAddr %v: want the zone, as the kernel gives its index", aio.Backend(), c.LocalAddr())
			}
		})
	})
}

// UDP sockets may send to a broadcast address, as package net's may
// (net sets SO_BROADCAST on every UDP socket): Dial to one connects, and
// WriteTo one sends. (Found in review: EACCES.)
func TestUDPBroadcast(t *testing.T) {
	const bcast = "255.255.255.255:9"  // discard
	nc, err := net.Dial("udp4", bcast) // package net, for reference
	if err != nil {
		t.Skip("net.Dial:", err)
	}
	nc.Close()
	backends(t, func(t *testing.T) {
		runSched(t, func() {
			if c, err := aio.Dial("udp4", bcast); err != nil {
				t.Errorf("%s: Dial(%q): %v (net.Dial connects)", aio.Backend(), bcast, err)
			} else {
				c.Close()
			}
			pc, err := aio.ListenPacket("udp4", "0.0.0.0:0")
			must(t, err)
			defer pc.Close()
			if _, err := pc.WriteTo([]byte("x"), &net.UDPAddr{IP: net.IPv4bcast, Port: 9}); err != nil {
				t.Errorf("%s: WriteTo broadcast: %v", aio.Backend(), err)
			}
		})
	})
}

// Close of a socket another coroutine waits on (an Accept, a Read) closes
// it, as package net's Close does: the port is free to listen on again and
// refuses connections, and the peer of a connection reads EOF, without the
// scheduler having to wait first. (Found in review: on io_uring the
// cancelled request held the socket open until the scheduler next idled.)
func TestCloseWithAWaiterClosesAtOnce(t *testing.T) {
	backends(t, func(t *testing.T) {
		runSched(t, func() {
			ln, err := aio.Listen("tcp4", "127.0.0.1:0")
			must(t, err)
			sched.Async(func() any { ln.Accept(); return nil })
			sched.Sleep(5 * time.Millisecond) // the Accept waits
			must(t, ln.Close())
			if nl, err := net.Listen("tcp4", ln.Addr().String()); err != nil {
				t.Errorf("%s: Listen on the address of the closed listener: %v", aio.Backend(), err)
			} else {
				nl.Close()
			}
		})
	})
	backends(t, func(t *testing.T) {
		nl, err := net.Listen("tcp4", "127.0.0.1:0")
		must(t, err)
		defer nl.Close()
		got := make(chan error, 1)
		go func() {
			s, err := nl.Accept()
			if err == nil {
				defer s.Close()
				s.SetReadDeadline(time.Now().Add(time.Second))
				_, err = s.Read(make([]byte, 1))
			}
			got <- err
		}()
		runSched(t, func() {
			c, err := aio.Dial("tcp4", nl.Addr().String())
			must(t, err)
			sched.Async(func() any { c.Read(make([]byte, 1)); return nil })
			sched.Sleep(5 * time.Millisecond) // the Read waits
			must(t, c.Close())
			// The coroutine goes on without letting the scheduler wait
			// (here it waits for the peer on a channel).
			if err := <-got; err != io.EOF {
				t.Errorf("%s: the peer's Read after Close: %v, want EOF", aio.Backend(), err)
			}
		})
	})
}

// startRead starts a coroutine that reads up to 16 bytes from c, in the
// Read that around makes (under a deadline, say); the function returned
// joins it and returns what the Read did.
func startRead(c net.Conn, around func(read func())) func() (int, error) {
	var n int
	var err error
	reader := sched.Async(func() any {
		around(func() { n, err = c.Read(make([]byte, 16)) })
		return nil
	})
	return func() (int, error) {
		reader.Join()
		return n, err
	}
}

// A Read whose time runs out just as the ring reads its data (the
// scheduler busy meanwhile, so the timer and the completion are seen
// together), at its deadline or the end of an enclosing WithTimeout,
// returns the data, or leaves it for the next Read, as it does on the
// pool, where the bytes stay in the socket: a TCP stream never loses
// bytes in the middle. (Found by review: at the deadline, Read timed out
// and the bytes were gone; under WithTimeout, likewise.)
func TestReadCutShortKeepsItsData(t *testing.T) {
	cuts := []struct {
		name   string
		around func(c net.Conn, read func())
	}{
		{"deadline", func(c net.Conn, read func()) {
			c.SetReadDeadline(time.Now().Add(30 * time.Millisecond))
			read()
		}},
		{"WithTimeout", func(_ net.Conn, read func()) { sched.WithTimeout(30*time.Millisecond, read) }},
	}
	backends(t, func(t *testing.T) {
		for _, cut := range cuts {
			runSched(t, func() {
				c, p := servedPeer(t)
				defer c.Close()
				read := startRead(c, func(read func()) { cut.around(c, read) })
				sched.Sleep(5 * time.Millisecond) // the read waits in the kernel
				if _, err := p.Write([]byte("DATA")); err != nil {
					t.Fatal(err)
				}
				time.Sleep(50 * time.Millisecond) // the scheduler busy: the time runs out
				n, readErr := read()
				if n == 4 && readErr == nil {
					return
				}
				c.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
				if m, err := c.Read(make([]byte, 16)); m != 4 || err != nil {
					t.Errorf("%s, %s: Read = %d, %v; the next Read = %d, %v: want the 4 bytes from one of them", aio.Backend(), cut.name, n, readErr, m, err)
				}
			})
		}
	})
}

// Reads of a socket take turns, as package net's do: whichever of two
// Reads is cut short with the data the ring read for it, the other
// returns the data, where it would otherwise wait on in the kernel and,
// the peer gone, return io.EOF before it. (On the pool, whose reads wait
// for readiness, the data stays in the socket.) (Found in review.)
func TestSocketReadCutShortHandsItsDataToTheNextRead(t *testing.T) {
	backends(t, func(t *testing.T) {
		for _, cut := range []int{0, 1} {
			runSched(t, func() {
				c, p := servedPeer(t)
				defer c.Close()
				cutOneOfTwoReads(t, c, cut, func() {
					if _, err := p.Write([]byte("data")); err != nil {
						t.Fatal(err)
					}
				}, func() { p.Close() })
			})
		}
	})
}

// A read deadline moved later while a Read waits, before the old one has
// passed, no longer applies: package net never times that Read out at the
// old deadline. Here the scheduler is busy (a coroutine computes) across
// the old deadline after the move. (Found in review: the old deadline's
// timer ended the Read.)
func TestDeadlineMovedOnWhileReadWaits(t *testing.T) {
	backends(t, func(t *testing.T) {
		runSched(t, func() {
			c, p := servedPeer(t)
			defer c.Close()
			read := startRead(c, func(read func()) {
				c.SetReadDeadline(time.Now().Add(40 * time.Millisecond))
				read()
			})
			sched.Sleep(5 * time.Millisecond) // the reader waits, its deadline 35 ms away
			must(t, c.SetReadDeadline(time.Now().Add(time.Hour)))
			time.Sleep(60 * time.Millisecond) // computing: the old deadline passes
			p.Write([]byte("DATA"))
			var n int
			var readErr error
			if err := sched.WithTimeout(time.Second, func() { n, readErr = read() }); err != nil {
				t.Fatal("the reader still waits 1 s after the data came")
			}
			if n != 4 || readErr != nil {
				t.Errorf("%s: Read = %d, %v; its deadline was moved an hour on before the old one passed", aio.Backend(), n, readErr)
			}
		})
	})
}

// A Read of nothing returns 0, nil at once, as package net's does, with
// no data there, a deadline passed, or a datagram waiting, which it
// leaves for the next Read.
func TestReadOfNothing(t *testing.T) {
	backends(t, func(t *testing.T) {
		runSched(t, func() {
			c := served(t, func(net.Conn) { sched.Sleep(time.Second) })
			defer c.Close()
			var n int
			var err error
			if terr := sched.WithTimeout(100*time.Millisecond, func() { n, err = c.Read(nil) }); terr != nil || n != 0 || err != nil {
				t.Errorf("%s: TCP Read(nil) with no data = %d, %v (timed out: %v); want 0, nil at once", aio.Backend(), n, err, terr != nil)
			}
			c.SetReadDeadline(time.Now().Add(-time.Second))
			if n, err := c.Read(nil); n != 0 || err != nil {
				t.Errorf("%s: TCP Read(nil) past its deadline = %d, %v; want 0, nil", aio.Backend(), n, err)
			}
			pc, err := aio.ListenPacket("udp4", "127.0.0.1:0")
			must(t, err)
			defer pc.Close()
			u, err := aio.Dial("udp4", pc.LocalAddr().String())
			must(t, err)
			defer u.Close()
			if _, err := pc.WriteTo([]byte("datagram"), u.LocalAddr()); err != nil {
				t.Fatal(err)
			}
			sched.Sleep(5 * time.Millisecond) // the datagram arrives
			if n, err := u.Read(nil); n != 0 || err != nil {
				t.Errorf("%s: UDP Read(nil) = %d, %v; want 0, nil", aio.Backend(), n, err)
			}
			u.SetReadDeadline(time.Now().Add(time.Second))
			if n, err := u.Read(make([]byte, 16)); n != 8 || err != nil {
				t.Errorf("%s: UDP Read after Read(nil) = %d, %v; want the 8-byte datagram", aio.Backend(), n, err)
			}
		})
	})
}

// ListenPacket takes only datagram networks, as package net's does.
func TestListenPacketOfAStream(t *testing.T) {
	runSched(t, func() {
		for _, network := range []string{"tcp", "tcp4"} {
			_, want := net.ListenPacket(network, "127.0.0.1:0")
			if pc, err := aio.ListenPacket(network, "127.0.0.1:0"); err == nil || want == nil {
				t.Errorf("ListenPacket(%q) = %v, %v; package net: %v", network, pc, err, want)
				if pc != nil {
					pc.Close()
				}
			}
		}
	})
}

// Dial's errors read as package net's: a Dial to "" is a missing
// address, and a refused connect is a *os.SyscallError named "connect"
// in the *net.OpError. (Found in review.)
func TestDialErrorsAsNet(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	refused := ln.Addr().String()
	ln.Close() // nothing listens there now
	for _, address := range []string{"", refused} {
		_, want := net.Dial("tcp", address)
		backends(t, func(t *testing.T) {
			runSched(t, func() {
				_, err := aio.Dial("tcp", address)
				var se *os.SyscallError
				if err == nil || want == nil || err.Error() != want.Error() || errors.As(want, &se) != errors.As(err, &se) {
					t.Errorf("%s: Dial(%q) = %v; package net: %v", aio.Backend(), address, err, want)
				}
			})
		})
	}
}

// A listener at an unspecified address, 0.0.0.0 among them, takes both
// IPv4 and IPv6 peers unless its network ends in 4 or 6, as package
// net's does, and says so in its address. (Found in review.)
func TestListenAtEveryAddressTakesBothFamilies(t *testing.T) {
	for _, tc := range []struct{ network, address, peer string }{
		{"tcp", "0.0.0.0:0", "[::1]"},
		{"tcp", ":0", "127.0.0.1"},
		{"tcp4", ":0", "127.0.0.1"},
		{"udp", "0.0.0.0:0", "[::1]"},
	} {
		var want string // the listener's address as package net gives it
		if tc.network == "udp" {
			pc, err := net.ListenPacket(tc.network, tc.address)
			if err != nil {
				t.Skip(err)
			}
			want = pc.LocalAddr().String()
			pc.Close()
		} else {
			ln, err := net.Listen(tc.network, tc.address)
			if err != nil {
				t.Skip(err)
			}
			want = ln.Addr().String()
			ln.Close()
		}
		wantHost, _, _ := net.SplitHostPort(want)
		t.Run(tc.network+" "+tc.address, func(t *testing.T) {
			backends(t, func(t *testing.T) {
				runSched(t, func() {
					var addr net.Addr
					if tc.network == "udp" {
						pc, err := aio.ListenPacket(tc.network, tc.address)
						must(t, err)
						defer pc.Close()
						addr = pc.LocalAddr()
					} else {
						ln, err := aio.Listen(tc.network, tc.address)
						must(t, err)
						defer ln.Close()
						addr = ln.Addr()
					}
					host, port, _ := net.SplitHostPort(addr.String())
					if host != wantHost {
						t.Errorf("%s: %s %q listens at %v; package net's at %s", aio.Backend(), tc.network, tc.address, addr, want)
					}
					c, err := net.Dial(tc.network[:3], tc.peer+":"+port) // the peer's own goroutine is not needed: connect completes in the backlog
					if err != nil {
						t.Errorf("%s: %s %q: a peer at %s cannot reach it: %v", aio.Backend(), tc.network, tc.address, tc.peer, err)
						return
					}
					c.Close()
				})
			})
		})
	}
}

// A datagram that a Read cut short took (its time ran out as the ring
// read it) is the next datagram a ReadFrom returns, with its sender, as
// it would be had it stayed in the socket: on a connected socket the
// peer; an unconnected one reads by polling, so no read is cut short with
// a datagram whose sender it did not learn. (Found in review: ReadFrom
// returned the next datagram, and a later Read the kept one.)
func TestReadFromAfterReadCutShort(t *testing.T) {
	backends(t, func(t *testing.T) {
		for _, connected := range []bool{true, false} {
			runSched(t, func() {
				rc, err := aio.ListenPacket("udp4", "127.0.0.1:0")
				must(t, err)
				defer rc.Close()
				sender, err := aio.ListenPacket("udp4", "127.0.0.1:0")
				must(t, err)
				defer sender.Close()
				c := rc.(net.Conn)
				if connected {
					d, err := aio.Dial("udp4", sender.LocalAddr().String())
					must(t, err)
					defer d.Close()
					c = d
				}
				read := startRead(c, func(read func()) { sched.WithTimeout(30*time.Millisecond, read) })
				sched.Sleep(5 * time.Millisecond) // the read waits in the kernel
				for _, d := range []string{"first", "second"} {
					if _, err := sender.WriteTo([]byte(d), c.LocalAddr()); err != nil {
						t.Fatal(err)
					}
				}
				time.Sleep(50 * time.Millisecond) // the scheduler busy: the time runs out
				n, readErr := read()
				want := []string{"first", "second"}
				if n > 0 {
					want = want[1:] // the Read returned "first"
				}
				pc := c.(net.PacketConn)
				pc.SetReadDeadline(time.Now().Add(time.Second))
				for _, w := range want {
					b := make([]byte, 16)
					m, from, err := pc.ReadFrom(b)
					if string(b[:m]) != w || err != nil || from == nil || from.String() != sender.LocalAddr().String() {
						t.Errorf("%s, connected %v: Read = %d, %v; ReadFrom = %q from %v, %v; want %q from %v", aio.Backend(), connected, n, readErr, b[:m], from, err, w, sender.LocalAddr())
					}
				}
			})
		}
	})
}
