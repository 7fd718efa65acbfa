package aio_test

// Sockets behave as package net's do where a Go program would notice the
// difference. (Found by review: each of these differed.)

import (
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"testing"
	"time"

	"github.com/corogo/coro/aio"
	"github.com/corogo/coro/sched"
)

// A deadline that has passed fails a read or write at once, even with
// data or room there, as with net; before the fix, Write wrote, and on
// the pool Read read.
func TestPastDeadlineFailsAtOnce(t *testing.T) {
	backends(t, func(t *testing.T) {
		runSched(t, func() {
			c := served(t, func(s net.Conn) {
				s.Write([]byte("x"))
				s.Read(make([]byte, 1)) // until c closes
			})
			defer c.Close()
			sched.Sleep(10 * time.Millisecond) // the "x" is there
			must(t, c.SetDeadline(time.Now().Add(-time.Second)))
			if n, err := c.Write([]byte("hello")); n != 0 || !errors.Is(err, os.ErrDeadlineExceeded) {
				t.Errorf("%s: Write = %d, %v; want 0, i/o timeout", aio.Backend(), n, err)
			}
			if n, err := c.Read(make([]byte, 8)); n != 0 || !errors.Is(err, os.ErrDeadlineExceeded) {
				t.Errorf("%s: Read = %d, %v; want 0, i/o timeout", aio.Backend(), n, err)
			}
			must(t, c.SetDeadline(time.Time{}))
			if n, err := c.Read(make([]byte, 8)); n != 1 || err != nil {
				t.Errorf("%s: Read after the deadline was cleared = %d, %v; want the x", aio.Backend(), n, err)
			}
		})
	})
}

// Two coroutines' Writes on one connection do not interleave, as
// net.Conn's do not: the second waits for the first, which waits for room.
func TestWritesDoNotInterleave(t *testing.T) {
	backends(t, func(t *testing.T) {
		ln, err := net.Listen("tcp4", "127.0.0.1:0")
		must(t, err)
		defer ln.Close()
		step, got := make(chan struct{}), make(chan []byte, 1)
		go func() {
			s, err := ln.Accept()
			if err != nil {
				got <- nil
				return
			}
			defer s.Close()
			<-step
			b := make([]byte, 1<<20)
			io.ReadFull(s, b)
			step <- struct{}{}
			rest, _ := io.ReadAll(s)
			got <- append(b, rest...)
		}()
		var backend string
		runSched(t, func() {
			backend = aio.Backend()
			c, err := aio.Dial("tcp4", ln.Addr().String())
			must(t, err)
			big := sched.Async(func() any {
				_, err := c.Write(bytes.Repeat([]byte{'A'}, 8<<20))
				return err
			})
			sched.Sleep(20 * time.Millisecond) // big fills the socket and waits for room
			step <- struct{}{}
			<-step // the peer has made room, and big has not run since
			if _, err := c.Write([]byte("BBBB")); err != nil {
				t.Error(err)
			}
			if v, _ := big.Join(); v != nil {
				t.Error(v)
			}
			must(t, c.Close())
		})
		if b := <-got; bytes.IndexByte(b, 'B') != len(b)-4 {
			t.Errorf("%s: the second Write is at %d of %d bytes, want the last 4", backend, bytes.IndexByte(b, 'B'), len(b))
		}
	})
}

// Errors of name resolution come back as net's, not as EIO: a request's
// result had room for an errno only.
func TestResolveErrorsAsNet(t *testing.T) {
	backends(t, func(t *testing.T) {
		runSched(t, func() {
			_, err := aio.Dial("tcp", "127.0.0.1") // no port
			var ae *net.AddrError
			if !errors.As(err, &ae) {
				t.Errorf("%s: Dial without a port: %v; want a *net.AddrError", aio.Backend(), err)
			}
			_, err = aio.Listen("tcp", "127.0.0.1:no-such-service")
			var dnsErr *net.DNSError
			if !errors.As(err, &dnsErr) && !errors.As(err, &ae) {
				t.Errorf("%s: Listen on an unknown service: %v; want net's error", aio.Backend(), err)
			}
		})
	})
}

// A tcp6 listener takes IPv6 peers only, as net's does (IPV6_V6ONLY), so
// a tcp4 one can share its port; "tcp" on a wildcard takes both.
func TestTCP6IsV6Only(t *testing.T) {
	runSched(t, func() {
		ln6, err := aio.Listen("tcp6", "[::]:0")
		if err != nil {
			t.Skipf("no IPv6 here: %v", err)
		}
		defer ln6.Close()
		_, port, _ := net.SplitHostPort(ln6.Addr().String())
		ln4, err := aio.Listen("tcp4", "127.0.0.1:"+port)
		if err != nil {
			t.Fatalf("tcp4 listener on the port of a tcp6 one: %v", err)
		}
		must(t, ln4.Close())
		both, err := aio.Listen("tcp", ":0")
		must(t, err)
		defer both.Close()
		sched.Async(func() any {
			c, err := both.Accept()
			if err == nil {
				c.Close()
			}
			return nil
		})
		_, port, _ = net.SplitHostPort(both.Addr().String())
		c, err := aio.Dial("tcp4", "127.0.0.1:"+port)
		if err != nil {
			t.Fatalf("IPv4 peer of a tcp listener on every address: %v", err)
		}
		must(t, c.Close())
	})
}

// Closing a listener on an abstract unix address removes no file, as
// net's does not: the name is not a path.
func TestAbstractListenerUnlinksNothing(t *testing.T) {
	t.Chdir(t.TempDir())
	name := "@coro-test-abstract"
	must(t, os.WriteFile(name, []byte("keep"), 0o644))
	runSched(t, func() {
		ln, err := aio.Listen("unix", name)
		must(t, err)
		must(t, ln.Close())
	})
	if _, err := os.Stat(name); err != nil {
		t.Errorf("closing the listener on %s removed ./%s: %v", name, name, err)
	}
}

// UDP: an empty Write sends an empty datagram; WriteTo takes a
// *net.UDPAddr, and on a connection made by Dial fails, as with net.
func TestUDPAsNet(t *testing.T) {
	backends(t, func(t *testing.T) {
		peer, err := net.ListenPacket("udp4", "127.0.0.1:0")
		must(t, err)
		defer peer.Close()
		runSched(t, func() {
			u, err := aio.Dial("udp4", peer.LocalAddr().String())
			must(t, err)
			defer u.Close()
			if n, err := u.Write(nil); n != 0 || err != nil {
				t.Errorf("%s: empty Write = %d, %v", aio.Backend(), n, err)
			}
			peer.SetReadDeadline(time.Now().Add(5 * time.Second))
			if n, _, err := peer.ReadFrom(make([]byte, 8)); n != 0 || err != nil {
				t.Errorf("%s: the peer read %d, %v; want an empty datagram", aio.Backend(), n, err)
			}
			if _, err := u.(net.PacketConn).WriteTo([]byte("x"), peer.LocalAddr()); !errors.Is(err, net.ErrWriteToConnected) {
				t.Errorf("%s: WriteTo on a dialed connection: %v; want ErrWriteToConnected", aio.Backend(), err)
			}
			pc, err := aio.ListenPacket("udp4", "127.0.0.1:0")
			must(t, err)
			defer pc.Close()
			if _, err := pc.WriteTo([]byte("x"), nil); err == nil {
				t.Errorf("%s: WriteTo a nil address succeeded", aio.Backend())
			}
			if n, err := pc.WriteTo([]byte("hi"), peer.LocalAddr()); n != 2 || err != nil {
				t.Errorf("%s: WriteTo = %d, %v", aio.Backend(), n, err)
			}
			b := make([]byte, 8)
			if n, from, err := peer.ReadFrom(b); string(b[:n]) != "hi" || err != nil || from.String() != pc.LocalAddr().String() {
				t.Errorf("%s: the peer read %q from %v, %v; want hi from %v", aio.Backend(), b[:n], from, err, pc.LocalAddr())
			}
		})
	})
}

// Deadlines of a closed connection and a negative DialTimeout fail as
// they do with net.
func TestClosedAndNegativeTimeoutsAsNet(t *testing.T) {
	runSched(t, func() {
		c := served(t, func(s net.Conn) {})
		must(t, c.Close())
		if err := c.SetDeadline(time.Now()); !errors.Is(err, net.ErrClosed) {
			t.Errorf("SetDeadline after Close: %v; want net.ErrClosed", err)
		}
		ln, err := aio.Listen("tcp", "127.0.0.1:0")
		must(t, err)
		defer ln.Close()
		if _, err := aio.DialTimeout("tcp", ln.Addr().String(), -time.Second); !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Errorf("DialTimeout with a negative timeout: %v; want a timeout", err)
		}
	})
}

// WriteTo a *net.UDPAddr without an IP sends, as net's does (to the
// unspecified address: this host).
func TestUDPWriteToNoIP(t *testing.T) {
	rcv, err := net.ListenPacket("udp4", "127.0.0.1:0")
	must(t, err)
	defer rcv.Close()
	to := &net.UDPAddr{Port: rcv.LocalAddr().(*net.UDPAddr).Port}
	backends(t, func(t *testing.T) {
		runSched(t, func() {
			pc, err := aio.ListenPacket("udp4", "127.0.0.1:0")
			must(t, err)
			defer pc.Close()
			if _, err := pc.WriteTo([]byte("x"), to); err != nil {
				t.Errorf("%s: WriteTo(%v) = %v, as net's: nil", aio.Backend(), to, err)
			}
		})
	})
}
