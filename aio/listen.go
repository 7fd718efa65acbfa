package aio

import (
	"errors"
	"net"
	"os"
	"time"

	"golang.org/x/sys/unix"

	"github.com/corogo/coro/sched"
)

// Listen announces on a local address (Coro::Socket with Listen):
// network is "tcp", "tcp4", "tcp6" or "unix".
func Listen(network, address string) (net.Listener, error) {
	var lc ListenConfig
	return lc.Listen(network, address)
}

// ListenConfig holds the options of Coro::Socket's servers that Listen
// does not set.
type ListenConfig struct {
	// ReusePort sets SO_REUSEPORT (IO::Socket::INET's ReusePort), so that
	// several listeners, each with ReusePort, may share one TCP address and
	// the kernel spreads new connections among them. A server gives each of
	// its schedulers a listener of its own, and a connection stays with the
	// scheduler that accepted it. Unix sockets have no such option.
	ReusePort bool
}

// ErrReusePortUnix is the error of a ListenConfig with ReusePort for a
// unix socket, whose path only one listener may hold.
var ErrReusePortUnix = errors.New("ReusePort is for TCP listeners, not unix sockets")

// Listen is the package's Listen with lc's options.
func (lc *ListenConfig) Listen(network, address string) (net.Listener, error) {
	if lc.ReusePort && network == "unix" {
		return nil, opErr("listen", network, nil, &net.UnixAddr{Name: address, Net: network}, ErrReusePortUnix)
	}
	fd, sa, err := socketFor(network, address, "listen")
	if err != nil {
		return nil, err
	}
	if sa.family != unix.AF_UNIX {
		unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1) // ReuseAddr, as Coro::Socket's servers use
	}
	if lc.ReusePort {
		if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEPORT, 1); err != nil {
			unix.Close(fd)
			return nil, opErr("listen", network, nil, sa.addr, os.NewSyscallError("setsockopt SO_REUSEPORT", err))
		}
	}
	if err := unix.Bind(fd, sa.sa); err != nil {
		unix.Close(fd)
		return nil, opErr("listen", network, nil, sa.addr, err)
	}
	if err := unix.Listen(fd, unix.SOMAXCONN); err != nil {
		unix.Close(fd)
		return nil, opErr("listen", network, nil, sa.addr, err)
	}
	return &listener{sock: sock{fd: fd, family: sa.family}, network: network, addr: localAddr(fd, network)}, nil
}

// listener is a net.Listener whose Accept suspends only its coroutine.
type listener struct {
	sock
	network string
	addr    net.Addr
}

// Accept waits for and returns the next connection (Coro::Socket accept),
// with package net's TCP defaults (see DialTimeout).
func (l *listener) Accept() (net.Conn, error) {
	for !l.closed {
		nfd, sa, err := unix.Accept4(l.fd, unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC)
		switch err {
		case nil:
			c := &conn{sock: sock{fd: nfd, family: l.family}, network: l.network, laddr: localAddr(nfd, l.network), raddr: netAddr(l.network, sa)}
			c.netDefaults()
			return c, nil
		case unix.EAGAIN, unix.EINTR, unix.ECONNABORTED:
			if err == unix.EAGAIN {
				if err := l.waitFor(unix.POLLIN, nil); err != nil {
					return nil, opErr("accept", l.network, nil, l.addr, err)
				}
			}
		default:
			return nil, opErr("accept", l.network, nil, l.addr, os.NewSyscallError("accept4", err))
		}
	}
	return nil, opErr("accept", l.network, nil, l.addr, net.ErrClosed)
}

// Close stops listening.
func (l *listener) Close() error {
	if l.closed {
		return opErr("close", l.network, nil, l.addr, net.ErrClosed)
	}
	// As net's unix listeners do, the file goes with the listener; an
	// abstract name ('@', or none: the kernel picks one) has no file.
	if a, ok := l.addr.(*net.UnixAddr); ok && a.Name != "" && a.Name[0] != '@' {
		defer unix.Unlink(a.Name)
	}
	return l.shut()
}

func (l *listener) Addr() net.Addr { return l.addr }

// Serve accepts connections on ln until it is closed, and runs handle on
// each in a coroutine of its own, closing the connection when handle
// returns: the accept loop of a Coro::Socket server. It returns nil once
// ln is closed, or the error that ended Accept. An Accept that fails for
// want of descriptors or memory (EMFILE, ENFILE, ENOBUFS, ENOMEM) does
// not end it: such a state passes as connections close, so Serve sleeps,
// letting the other coroutines run, and tries again, after 5 ms at
// first, twice as long each time the next fails too, up to a second, as
// net/http's servers do.
func Serve(ln net.Listener, handle func(net.Conn)) error {
	var pause time.Duration // since the last Accept that worked
	for {
		c, err := ln.Accept()
		switch {
		case err == nil:
			pause = 0
		case errors.Is(err, net.ErrClosed):
			return nil
		case errors.Is(err, unix.EMFILE) || errors.Is(err, unix.ENFILE) || errors.Is(err, unix.ENOBUFS) || errors.Is(err, unix.ENOMEM):
			pause = min(max(2*pause, acceptPauseMin), acceptPauseMax)
			sched.Sleep(pause)
			continue
		default:
			return err
		}
		sched.Async(func() any {
			defer c.Close()
			handle(c)
			return nil
		})
	}
}

// Serve's pauses after an Accept that failed for want of resources.
const (
	acceptPauseMin = 5 * time.Millisecond
	acceptPauseMax = time.Second
)
