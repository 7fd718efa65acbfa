package aio

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"time"

	"golang.org/x/sys/unix"

	"github.com/corogo/coro/sched"
)

// Sockets (Coro::Handle and Coro::Socket): non-blocking descriptors whose
// system calls run directly, as they never block; when one would
// (EAGAIN), the coroutine waits for readiness with a poll request, so only
// it sleeps. Addresses are resolved on a pool worker, since a name lookup
// can block.

// Dial connects to address (Coro::Socket with PeerHost/PeerPort): network
// is "tcp", "tcp4", "tcp6", "udp", "udp4", "udp6" or "unix".
func Dial(network, address string) (net.Conn, error) { return DialTimeout(network, address, 0) }

// DialTimeout is Dial giving up after timeout (0: no limit), with an
// error that matches os.ErrDeadlineExceeded.
func DialTimeout(network, address string, timeout time.Duration) (net.Conn, error) {
	fd, sa, err := socketFor(network, address, "dial")
	if err != nil {
		return nil, err
	}
	c := &conn{sock: sock{fd: fd}, network: network, raddr: sa.addr}
	connected := false
	defer func() {
		if !connected { // an error, or the coroutine unwinds while it waits
			c.shut()
		}
	}()
	if timeout > 0 {
		c.wdl = time.Now().Add(timeout)
	}
	err = unix.Connect(fd, sa.sa)
	if err == unix.EINPROGRESS {
		if err = c.waitFor(unix.POLLOUT, c.wdl); err == nil {
			var soerr int
			soerr, err = unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ERROR)
			if err == nil && soerr != 0 {
				err = unix.Errno(soerr)
			}
		}
	}
	if err != nil {
		return nil, opErr("dial", network, nil, sa.addr, err)
	}
	connected = true
	c.wdl = time.Time{}
	c.laddr = localAddr(fd, network)
	return c, nil
}

// ListenPacket announces on a local datagram address: network is "udp",
// "udp4" or "udp6".
func ListenPacket(network, address string) (net.PacketConn, error) {
	fd, sa, err := socketFor(network, address, "listen")
	if err != nil {
		return nil, err
	}
	if err := unix.Bind(fd, sa.sa); err != nil {
		unix.Close(fd)
		return nil, opErr("listen", network, nil, sa.addr, err)
	}
	return &conn{sock: sock{fd: fd}, network: network, laddr: localAddr(fd, network)}, nil
}

// sockaddr is a resolved address in both forms.
type sockaddr struct {
	family int
	sa     unix.Sockaddr
	addr   net.Addr
}

// socketFor resolves address and makes a non-blocking socket for it.
func socketFor(network, address, op string) (int, sockaddr, error) {
	sa, err := resolve(network, address)
	if err != nil {
		return -1, sa, opErr(op, network, nil, nil, err)
	}
	typ := unix.SOCK_STREAM
	switch network {
	case "udp", "udp4", "udp6":
		typ = unix.SOCK_DGRAM
	}
	fd, err := unix.Socket(sa.family, typ|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return -1, sa, opErr(op, network, nil, sa.addr, os.NewSyscallError("socket", err))
	}
	return fd, sa, nil
}

// resolve turns network and address into a socket address; names are
// looked up on a pool worker.
func resolve(network, address string) (sockaddr, error) {
	var a sockaddr
	switch network {
	case "unix":
		a.family, a.sa, a.addr = unix.AF_UNIX, &unix.SockaddrUnix{Name: address}, &net.UnixAddr{Name: address, Net: "unix"}
		return a, nil
	case "tcp", "tcp4", "tcp6", "udp", "udp4", "udp6":
	default:
		return a, net.UnknownNetworkError(network)
	}
	var ap netip.AddrPort
	err := run(func() error {
		var err error
		if network[:3] == "tcp" {
			var t *net.TCPAddr
			if t, err = net.ResolveTCPAddr(network, address); err == nil {
				ap = t.AddrPort()
			}
		} else {
			var u *net.UDPAddr
			if u, err = net.ResolveUDPAddr(network, address); err == nil {
				ap = u.AddrPort()
			}
		}
		return err
	})
	if err != nil {
		return a, err
	}
	ip := ap.Addr()
	if !ip.IsValid() { // ":port": every local address
		ip = netip.IPv6Unspecified()
		if network[len(network)-1] == '4' {
			ip = netip.IPv4Unspecified()
		}
	}
	a.addr = addrOf(network, netip.AddrPortFrom(ip, ap.Port()))
	if ip.Is4() || ip.Is4In6() && network[len(network)-1] == '4' {
		a.family, a.sa = unix.AF_INET, &unix.SockaddrInet4{Port: int(ap.Port()), Addr: ip.Unmap().As4()}
	} else {
		a.family, a.sa = unix.AF_INET6, &unix.SockaddrInet6{Port: int(ap.Port()), Addr: ip.As16()}
	}
	return a, nil
}

func addrOf(network string, ap netip.AddrPort) net.Addr {
	if network[:3] == "udp" {
		return net.UDPAddrFromAddrPort(ap)
	}
	return net.TCPAddrFromAddrPort(ap)
}

// netAddr converts a kernel socket address.
func netAddr(network string, sa unix.Sockaddr) net.Addr {
	switch sa := sa.(type) {
	case *unix.SockaddrInet4:
		return addrOf(network, netip.AddrPortFrom(netip.AddrFrom4(sa.Addr), uint16(sa.Port)))
	case *unix.SockaddrInet6:
		return addrOf(network, netip.AddrPortFrom(netip.AddrFrom16(sa.Addr), uint16(sa.Port)))
	case *unix.SockaddrUnix:
		return &net.UnixAddr{Name: sa.Name, Net: "unix"}
	}
	return nil
}

func localAddr(fd int, network string) net.Addr {
	sa, err := unix.Getsockname(fd)
	if err != nil {
		return nil
	}
	return netAddr(network, sa)
}

func opErr(op, network string, src, dst net.Addr, err error) error {
	if errors.Is(err, sched.ErrTimeout) {
		err = os.ErrDeadlineExceeded // what net.Error's Timeout reports
	}
	return &net.OpError{Op: op, Net: network, Source: src, Addr: dst, Err: err}
}

// sock is what listeners and connections share: the descriptor, and the
// requests coroutines are waiting in on it, which Close cancels so that
// they return net.ErrClosed (a request in flight holds the file open, so
// closing the descriptor alone would wake nobody).
type sock struct {
	fd     int
	closed bool
	waits  []*request
	// loop is the event loop of the scheduler whose coroutines wait on
	// the socket, from the first wait on; nil before. What the loop keeps
	// about the descriptor is its own, so only that scheduler's
	// coroutines may wait on the socket, set its deadlines or close it
	// (mustBelong).
	loop *loop
}

// mustBelong panics unless the socket is l's, or no live loop's: l is the
// loop of the running coroutine's scheduler (nil if it has none). A
// socket whose scheduler has ended keeps nothing in its loop, and may be
// closed, or taken over by a wait, anywhere.
func (s *sock) mustBelong(op string, l *loop) {
	if s.loop != nil && s.loop != l && !s.loop.closedFromOutside() {
		panic(fmt.Sprintf("aio: %s on a socket that belongs to another scheduler; a socket is used by the coroutines of the scheduler that first waited on it (Scheduler.Post reaches them)", op))
	}
}

// currentLoop is the loop of the running coroutine's scheduler, or nil.
func currentLoop() *loop { return loopOf(sched.Current().Scheduler()) }

// await runs a request like req, a wait on the socket, until it completes
// or the deadline (zero: none) passes, and leaves its result in req.res.
// As in do, the request in flight is one of the loop's spares, so a socket
// read or wait allocates none; s.waits names it meanwhile, for Close and
// the deadlines to interrupt. c is the running coroutine and l its loop.
func (s *sock) await(c *sched.Coro, l *loop, req *request, deadline time.Time) error {
	if s.loop != l {
		s.mustBelong("wait", l)
		s.loop = l
	}
	r := l.spareLike(req)
	s.waits = append(s.waits, r)
	completed := false
	defer func() {
		for i, w := range s.waits {
			if w == r {
				s.waits = append(s.waits[:i], s.waits[i+1:]...)
				break
			}
		}
		if completed { // not when the coroutine unwinds: as for do
			l.recycle(r)
		}
	}()
	err := within(deadline, func() { l.run(c, r) })
	req.res, completed = r.res, true
	return err
}

// waitFor sleeps until the socket is ready for events (unix.POLLIN or
// POLLOUT) or the deadline (zero: none) passes.
func (s *sock) waitFor(events int, deadline time.Time) error {
	r := request{op: opPoll, fd: s.fd, flags: events}
	c, l := running()
	if err := s.await(c, l, &r, deadline); err != nil {
		return err
	}
	if r.res < 0 && r.res != -int(unix.ECANCELED) {
		return r.err()
	}
	return nil
}

// shut marks the socket closed, cancels the waits on it and closes the
// descriptor.
func (s *sock) shut() error {
	l := currentLoop()
	s.mustBelong("close", l)
	s.closed = true
	s.interrupt(func(*request) bool { return true })
	if l != nil {
		l.forget(s.fd)
	}
	return unix.Close(s.fd)
}

// interrupt cancels the waits in flight that match; their coroutines
// wake and look again at the socket and its deadlines.
func (s *sock) interrupt(match func(*request) bool) {
	for _, r := range s.waits {
		if r.be != nil && !r.done && match(r) {
			r.be.cancel(r)
		}
	}
}

// reading reports whether r waits to read (a read, or a poll for POLLIN).
func reading(r *request) bool { return r.op == opRead || r.flags&unix.POLLIN != 0 }

// conn is a net.Conn (and, for UDP, a net.PacketConn) whose reads and
// writes suspend only their coroutine (Coro::Handle).
type conn struct {
	sock
	network      string
	laddr, raddr net.Addr
	rdl, wdl     time.Time // deadlines; zero: none
}

// Read reads what is there, up to len(b), waiting until something is
// (Coro::Handle's sysread). It returns io.EOF when the peer has closed.
// On io_uring the read itself goes to the ring, which waits for data
// without a failed read and a separate poll first.
func (c *conn) Read(b []byte) (int, error) {
	if co, l := running(); len(b) > 0 {
		if _, ring := l.be.(*uringBackend); ring {
			return c.ringRead(co, l, b)
		}
	}
	for {
		if c.closed {
			return 0, c.opErr("read", net.ErrClosed)
		}
		n, err := sockRead(c.fd, b)
		switch {
		case err == unix.EAGAIN:
			if err := c.waitFor(unix.POLLIN, c.rdl); err != nil {
				return 0, c.opErr("read", err)
			}
		case err == unix.EINTR:
		case err != nil:
			return 0, c.opErr("read", os.NewSyscallError("read", err))
		case n == 0 && len(b) > 0 && c.network[:3] != "udp":
			return 0, io.EOF
		default:
			return n, nil
		}
	}
}

// ringRead is Read through the ring, for coroutine co of loop l.
func (c *conn) ringRead(co *sched.Coro, l *loop, b []byte) (int, error) {
	for {
		if c.closed {
			return 0, c.opErr("read", net.ErrClosed)
		}
		r := request{op: opRead, fd: c.fd, buf: b, off: -1}
		if err := c.await(co, l, &r, c.rdl); err != nil && r.res <= 0 {
			return 0, c.opErr("read", err)
		}
		// Data the ring read as the deadline passed or Close came is
		// returned all the same: it is out of the socket, and package
		// net never drops what it has read.
		switch {
		case r.res > 0:
			return r.res, nil
		case c.closed:
			return 0, c.opErr("read", net.ErrClosed)
		case r.res == 0 && c.network[:3] == "udp":
			return 0, nil
		case r.res == 0:
			return 0, io.EOF
		case r.err() == unix.EINTR || r.err() == unix.EAGAIN || r.err() == unix.ECANCELED:
			// ECANCELED: a deadline set in the past ended it (interrupt);
			// the next await sees the deadline.
		default:
			return 0, c.opErr("read", os.NewSyscallError("read", r.err()))
		}
	}
}

// within runs fn, giving up with os.ErrDeadlineExceeded at the deadline
// (zero: none).
func within(deadline time.Time, fn func()) error {
	if deadline.IsZero() {
		fn()
		return nil
	}
	d := time.Until(deadline)
	if d <= 0 {
		return os.ErrDeadlineExceeded
	}
	if err := sched.WithTimeout(d, fn); err != nil {
		return os.ErrDeadlineExceeded
	}
	return nil
}

// Write writes all of b, waiting for room as needed (Coro::Handle's
// syswrite).
func (c *conn) Write(b []byte) (int, error) {
	if c.closed {
		return 0, c.opErr("write", net.ErrClosed)
	}
	total := 0
	for total < len(b) {
		if c.closed {
			return total, c.opErr("write", net.ErrClosed)
		}
		n, err := sockWrite(c.fd, b[total:])
		switch err {
		case nil:
			total += n
		case unix.EAGAIN:
			if err := c.waitFor(unix.POLLOUT, c.wdl); err != nil {
				return total, c.opErr("write", err)
			}
		case unix.EINTR:
		default:
			return total, c.opErr("write", os.NewSyscallError("write", err))
		}
	}
	return total, nil
}

// ReadFrom reads one datagram and where it came from (recvfrom).
func (c *conn) ReadFrom(b []byte) (int, net.Addr, error) {
	for {
		if c.closed {
			return 0, nil, c.opErr("read", net.ErrClosed)
		}
		n, sa, err := unix.Recvfrom(c.fd, b, 0)
		switch err {
		case nil:
			return n, netAddr(c.network, sa), nil
		case unix.EAGAIN:
			if err := c.waitFor(unix.POLLIN, c.rdl); err != nil {
				return 0, nil, c.opErr("read", err)
			}
		case unix.EINTR:
		default:
			return 0, nil, c.opErr("read", os.NewSyscallError("recvfrom", err))
		}
	}
}

// WriteTo sends one datagram to addr (sendto).
func (c *conn) WriteTo(b []byte, addr net.Addr) (int, error) {
	sa, err := resolve(c.network, addr.String())
	if err != nil {
		return 0, c.opErr("write", err)
	}
	for {
		if c.closed {
			return 0, c.opErr("write", net.ErrClosed)
		}
		switch err := unix.Sendto(c.fd, b, 0, sa.sa); err {
		case nil:
			return len(b), nil
		case unix.EAGAIN:
			if err := c.waitFor(unix.POLLOUT, c.wdl); err != nil {
				return 0, c.opErr("write", err)
			}
		case unix.EINTR:
		default:
			return 0, c.opErr("write", os.NewSyscallError("sendto", err))
		}
	}
}

// Close closes the connection.
func (c *conn) Close() error {
	if c.closed {
		return c.opErr("close", net.ErrClosed)
	}
	return c.shut()
}

// CloseWrite shuts down the writing side, so the peer reads io.EOF.
func (c *conn) CloseWrite() error {
	if c.closed { // the number may name another socket by now
		return c.opErr("close", net.ErrClosed)
	}
	if err := unix.Shutdown(c.fd, unix.SHUT_WR); err != nil {
		return c.opErr("close", os.NewSyscallError("shutdown", err))
	}
	return nil
}

func (c *conn) LocalAddr() net.Addr  { return c.laddr }
func (c *conn) RemoteAddr() net.Addr { return c.raddr }

// SetDeadline sets both deadlines, as SetReadDeadline and
// SetWriteDeadline.
func (c *conn) SetDeadline(t time.Time) error {
	c.SetReadDeadline(t)
	return c.SetWriteDeadline(t)
}

// SetReadDeadline sets when reads give up with os.ErrDeadlineExceeded,
// for the reads waiting now as well, as with package net: their waits are
// interrupted and start again under the new deadline, which ends them at
// once if it has passed.
func (c *conn) SetReadDeadline(t time.Time) error {
	c.mustBelong("SetReadDeadline", currentLoop())
	c.rdl = t
	c.interrupt(reading)
	return nil
}

// SetWriteDeadline is SetReadDeadline for writes.
func (c *conn) SetWriteDeadline(t time.Time) error {
	c.mustBelong("SetWriteDeadline", currentLoop())
	c.wdl = t
	c.interrupt(func(r *request) bool { return !reading(r) })
	return nil
}

func (c *conn) opErr(op string, err error) error {
	return opErr(op, c.network, c.laddr, c.raddr, err)
}
