package aio

import (
	"errors"
	"io"
	"net"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/corogo/coro/sched"
)

// Dialed and accepted TCP connections get package net's defaults:
// TCP_NODELAY (without it a write-write-read exchange waits ~40 ms for
// the delayed ACK), and keep-alive after 15 s; the setters change them.
// A unix connection has no TCP options. CloseRead ends reads.
func TestTCPHasNetDefaults(t *testing.T) {
	opt := func(c net.Conn, level, o int) int {
		v, err := unix.GetsockoptInt(c.(*conn).fd, level, o)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	err := sched.Run(func() {
		ln, err := Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		accepted := sched.Async(func() any {
			c, err := ln.Accept()
			if err != nil {
				return err
			}
			return c
		})
		d, err := Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		v, _ := accepted.Join()
		a, ok := v.(net.Conn)
		if !ok {
			t.Fatal(v)
		}
		defer a.Close()
		for name, c := range map[string]net.Conn{"dialed": d, "accepted": a} {
			if nd, ka, idle, intvl, cnt := opt(c, unix.IPPROTO_TCP, unix.TCP_NODELAY), opt(c, unix.SOL_SOCKET, unix.SO_KEEPALIVE),
				opt(c, unix.IPPROTO_TCP, unix.TCP_KEEPIDLE), opt(c, unix.IPPROTO_TCP, unix.TCP_KEEPINTVL), opt(c, unix.IPPROTO_TCP, unix.TCP_KEEPCNT); nd != 1 || ka != 1 || idle != 15 || intvl != 15 || cnt != 9 {
				t.Errorf("%s: nodelay %d, keepalive %d, idle %d s, interval %d s, count %d; want net's 1, 1, 15, 15, 9", name, nd, ka, idle, intvl, cnt)
			}
		}
		c := d.(*conn)
		if err := errors.Join(c.SetNoDelay(false), c.SetKeepAlive(false), c.SetKeepAlivePeriod(1500*time.Millisecond)); err != nil {
			t.Fatal(err)
		}
		if nd, ka, idle := opt(d, unix.IPPROTO_TCP, unix.TCP_NODELAY), opt(d, unix.SOL_SOCKET, unix.SO_KEEPALIVE), opt(d, unix.IPPROTO_TCP, unix.TCP_KEEPIDLE); nd != 0 || ka != 0 || idle != 2 {
			t.Errorf("after the setters: nodelay %d, keepalive %d, idle %d s; want 0, 0, 2", nd, ka, idle)
		}
		if err := c.CloseRead(); err != nil {
			t.Fatal(err)
		}
		if n, err := d.Read(make([]byte, 1)); n != 0 || err != io.EOF {
			t.Errorf("Read after CloseRead = %d, %v; want io.EOF", n, err)
		}

		uln, err := Listen("unix", "")
		if err != nil {
			t.Fatal(err)
		}
		defer uln.Close()
		sched.Async(func() any {
			if c, err := uln.Accept(); err == nil {
				c.Close()
			}
			return nil
		})
		u, err := Dial("unix", uln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer u.Close()
		if err := u.(*conn).SetNoDelay(true); !errors.Is(err, unix.EOPNOTSUPP) {
			t.Errorf("SetNoDelay on a unix connection: %v; want EOPNOTSUPP", err)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
}

// SetKeepAlivePeriod sets what net.TCPConn's does: the idle time only,
// 15 s for 0, nothing for a negative period. (Found by review.)
func TestSetKeepAlivePeriodAsNet(t *testing.T) {
	idle := func(fd int) (int, int) {
		i, _ := unix.GetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_KEEPIDLE)
		v, _ := unix.GetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_KEEPINTVL)
		return i, v
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	periods := []time.Duration{0, -1, 30 * time.Second}
	want := map[time.Duration][2]int{}
	for _, d := range periods {
		nc, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		nc.(*net.TCPConn).SetKeepAlivePeriod(d)
		rc, _ := nc.(*net.TCPConn).SyscallConn()
		rc.Control(func(fd uintptr) { i, v := idle(int(fd)); want[d] = [2]int{i, v} })
		nc.Close()
	}
	err = sched.Run(func() {
		for _, d := range periods {
			c, err := Dial("tcp", ln.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			c.(*conn).SetKeepAlivePeriod(d)
			if i, v := idle(c.(*conn).fd); [2]int{i, v} != want[d] {
				t.Errorf("SetKeepAlivePeriod(%v): idle %d s, interval %d s; net's %v", d, i, v, want[d])
			}
			c.Close()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
}
