package aio

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"strconv"
	"sync"
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

// DialTimeout is Dial giving up after timeout, with an error that matches
// os.ErrDeadlineExceeded: 0 is no limit, and a negative timeout has
// passed already, as with net.DialTimeout. The limit is on connecting:
// a name lookup, which a worker makes, runs to its end.
//
// A TCP connection has what package net gives it: TCP_NODELAY, and
// keep-alive probes after 15 s idle (SetNoDelay, SetKeepAlive).
func DialTimeout(network, address string, timeout time.Duration) (net.Conn, error) {
	if timeout < 0 {
		return nil, opErr("dial", network, nil, nil, os.ErrDeadlineExceeded)
	}
	if address == "" {
		return nil, opErr("dial", network, nil, nil, errMissingAddress)
	}
	fd, sa, err := socketFor(network, address, "dial")
	if err != nil {
		return nil, err
	}
	c := &conn{sock: sock{fd: fd, family: sa.family}, network: network, raddr: sa.addr}
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
		if err = c.waitFor(unix.POLLOUT, &c.wdl); err == nil {
			var soerr int
			soerr, err = unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ERROR)
			if err == nil && soerr != 0 {
				err = unix.Errno(soerr)
			}
		}
	}
	if errno, ok := err.(unix.Errno); ok {
		err = os.NewSyscallError("connect", errno) // as package net's
	}
	if err != nil {
		return nil, opErr("dial", network, nil, sa.addr, err)
	}
	connected = true
	c.wdl = time.Time{}
	c.laddr = localAddr(fd, network)
	c.netDefaults()
	return c, nil
}

// ListenPacket announces on a local datagram address: network is "udp",
// "udp4" or "udp6".
func ListenPacket(network, address string) (net.PacketConn, error) {
	switch network {
	case "udp", "udp4", "udp6":
	default:
		return nil, opErr("listen", network, nil, nil, net.UnknownNetworkError(network)) // as package net: a stream has no datagrams
	}
	fd, sa, err := socketFor(network, address, "listen")
	if err != nil {
		return nil, err
	}
	if err := unix.Bind(fd, sa.sa); err != nil {
		unix.Close(fd)
		return nil, opErr("listen", network, nil, sa.addr, err)
	}
	return &conn{sock: sock{fd: fd, family: sa.family}, network: network, laddr: localAddr(fd, network)}, nil
}

// sockaddr is a resolved address in both forms.
type sockaddr struct {
	family int
	sa     unix.Sockaddr
	addr   net.Addr
}

// socketFor resolves address and makes a non-blocking socket for it. An
// IPv6 socket takes IPv4 peers too unless network ends in 6, as with
// package net (IPV6_V6ONLY; the kernel's default is a sysctl's).
func socketFor(network, address, op string) (int, sockaddr, error) {
	sa, err := resolve(network, address, op)
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
	if typ == unix.SOCK_DGRAM {
		// As package net: a UDP socket may send to a broadcast address,
		// which the kernel refuses (EACCES) without it.
		if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_BROADCAST, 1); err != nil {
			unix.Close(fd)
			return -1, sa, opErr(op, network, nil, sa.addr, os.NewSyscallError("setsockopt SO_BROADCAST", err))
		}
	}
	if sa.family == unix.AF_INET6 {
		v6only := boolInt(network[len(network)-1] == '6')
		if err := unix.SetsockoptInt(fd, unix.IPPROTO_IPV6, unix.IPV6_V6ONLY, v6only); err != nil {
			unix.Close(fd)
			return -1, sa, opErr(op, network, nil, sa.addr, os.NewSyscallError("setsockopt IPV6_V6ONLY", err))
		}
	}
	return fd, sa, nil
}

// resolve turns network and address into a socket address for op, "dial"
// or "listen"; names are looked up on a pool worker.
func resolve(network, address, op string) (sockaddr, error) {
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
	ip, last := ap.Addr(), network[len(network)-1]
	// ":port" is every local address, and so is a listener's unspecified
	// one, 0.0.0.0 too: as with package net, one IPv6 socket takes both
	// families unless the network names one or the kernel cannot map.
	if !ip.IsValid() || op == "listen" && ip.Unmap().IsUnspecified() && last != '4' && last != '6' {
		ip = netip.IPv6Unspecified()
		if last == '4' || last != '6' && !mapsIPv4() {
			ip = netip.IPv4Unspecified()
		}
	}
	ap = netip.AddrPortFrom(ip, ap.Port())
	a.addr, a.family = addrOf(network, ap), unix.AF_INET6
	if ip.Is4() || ip.Is4In6() && network[len(network)-1] == '4' {
		a.family = unix.AF_INET
	}
	a.sa, err = inetSockaddr(a.family, ap)
	return a, err
}

// mapsIPv4 reports whether an IPv6 socket here can take IPv4 peers
// (v4-mapped addresses), as package net probes it: not where IPv6 is
// off in the kernel.
var mapsIPv4 = sync.OnceValue(func() bool {
	fd, err := unix.Socket(unix.AF_INET6, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return false
	}
	defer unix.Close(fd)
	if unix.SetsockoptInt(fd, unix.IPPROTO_IPV6, unix.IPV6_V6ONLY, 0) != nil {
		return false
	}
	loopback := netip.AddrFrom4([4]byte{127, 0, 0, 1}).As16() // as ::ffff:127.0.0.1
	return unix.Bind(fd, &unix.SockaddrInet6{Addr: loopback}) == nil
})

// inetSockaddr is ap as an address for a socket of family: an IPv4
// address is v4-mapped for an IPv6 socket, and an IPv6 one does not fit
// an IPv4 socket.
func inetSockaddr(family int, ap netip.AddrPort) (unix.Sockaddr, error) {
	ip, port := ap.Addr().Unmap(), int(ap.Port())
	switch {
	case !ip.IsValid() && family == unix.AF_INET: // no IP, as a *net.UDPAddr may have: the unspecified one, as with net
		return &unix.SockaddrInet4{Port: port}, nil
	case family == unix.AF_INET6:
		return &unix.SockaddrInet6{Port: port, Addr: ip.As16(), ZoneId: zoneIndex(ip.Zone())}, nil
	case ip.Is4():
		return &unix.SockaddrInet4{Port: port, Addr: ip.As4()}, nil
	}
	return nil, &net.AddrError{Err: "not an IPv4 address", Addr: ap.Addr().String()}
}

// zoneIndex is the interface index an IPv6 zone names, as package net
// reads it: an interface's name, or its index; 0 for none, or for a name
// no interface has.
func zoneIndex(zone string) uint32 {
	if zone == "" {
		return 0
	}
	if n, err := strconv.ParseUint(zone, 10, 32); err == nil {
		return uint32(n)
	}
	if ifi, err := net.InterfaceByName(zone); err == nil {
		return uint32(ifi.Index)
	}
	return 0
}

// zoneName is the IPv6 zone of interface index, as package net writes
// it: the interface's name, or the index where it has none; "" for 0.
func zoneName(index uint32) string {
	if index == 0 {
		return ""
	}
	if ifi, err := net.InterfaceByIndex(int(index)); err == nil {
		return ifi.Name
	}
	return strconv.FormatUint(uint64(index), 10)
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
		ip := netip.AddrFrom16(sa.Addr).WithZone(zoneName(sa.ZoneId))
		return addrOf(network, netip.AddrPortFrom(ip, uint16(sa.Port)))
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

// errMissingAddress is package net's error for a Dial to "".
var errMissingAddress = errors.New("missing address")

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
	family int // AF_INET, AF_INET6 or AF_UNIX
	closed bool
	waits  []*request
	// unread is data ring reads took from the socket for coroutines that
	// unwound before they returned (await): the next Read or ReadFrom
	// returns it first. On a datagram socket it is one datagram (reads
	// take turns, conn.reads) from the connected peer: an unconnected one
	// reads by polling (ringReads), so none is kept whose sender is unknown.
	unread unread
	// loop is the event loop of the scheduler whose coroutines wait on
	// the socket, from the first wait on; nil before. What the loop keeps
	// about the descriptor is its own, so only that scheduler's
	// coroutines may read, write or wait on the socket, set its deadlines
	// or close it (mustBelong); the turns of reads and writes are its too.
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
// or the deadline passes, and leaves its result in req.res. deadline
// points at the deadline in force (nil, or the zero Time: none), which
// SetReadDeadline or SetWriteDeadline may move meanwhile: a wait that the
// old one ended then returns no error, its request ECANCELED, for the
// caller to wait again under the new one. As in do, the request in flight
// is one of the loop's spares, so a socket read or wait allocates none;
// s.waits names it meanwhile, for Close and the deadlines to interrupt. c
// is the running coroutine and l its loop.
func (s *sock) await(c *sched.Coro, l *loop, req *request, deadline *time.Time) error {
	if s.loop != l {
		s.mustBelong("wait", l)
		s.loop = l
	}
	var dl time.Time
	if deadline != nil {
		dl = *deadline
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
		} else if r.op == opRead && r.res > 0 {
			// The coroutine unwinds (Cancel, Throw, an enclosing
			// WithTimeout) with data the ring read: out of the socket,
			// it is kept for the next Read, or the stream would lose it.
			s.unread.keep(r.buf[:r.res])
		}
	}()
	err := within(dl, func() { l.run(c, r) })
	if err != nil && !dl.IsZero() && (deadline.IsZero() || time.Now().Before(*deadline)) {
		err = nil // the deadline was moved on, or taken away, while the old one ended the wait
	}
	req.res, completed = r.res, true
	return err
}

// waitFor sleeps until the socket is ready for events (unix.POLLIN or
// POLLOUT) or the deadline deadline points at (as for await) passes.
func (s *sock) waitFor(events int, deadline *time.Time) error {
	r := request{op: opPoll, fd: s.fd, flags: events}
	c, l, err := running()
	if err != nil {
		return err
	}
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
	// reads is held through a Read or ReadFrom: as with package net,
	// reads take turns, so that one cut short with data (sock.unread)
	// hands it to the next instead of leaving it behind another's wait in
	// the kernel.
	reads turnLock
	// writes is held through a Write, which may take many short writes
	// and waits: as with package net, two Writes never interleave.
	writes turnLock
}

// begin starts a read or write, op, under deadline dl: as with package
// net, it fails if the connection is closed or dl has passed, even when
// the socket has data or room. (Whether the socket is the running
// scheduler's comes first: a deadline that passed in its own scheduler
// hides nothing from another.)
func (c *conn) begin(op string, dl time.Time) error {
	if c.closed {
		return c.opErr(op, net.ErrClosed)
	}
	if !dl.IsZero() && !time.Now().Before(dl) {
		c.mustBelong(op, currentLoop())
		return c.opErr(op, os.ErrDeadlineExceeded)
	}
	return nil
}

// datagram reports whether c is a UDP socket, whose every write is one
// datagram, empty ones too, and whose reads of 0 bytes are no end.
func (c *conn) datagram() bool { return c.network[:3] == "udp" }

// Read reads what is there, up to len(b), waiting until something is
// (Coro::Handle's sysread). It returns io.EOF when the peer has closed. A
// Read of nothing returns 0, nil at once, as package net's does.
// On io_uring the read itself goes to the ring, which waits for data
// without a failed read and a separate poll first.
func (c *conn) Read(b []byte) (int, error) {
	if len(b) == 0 && !c.closed {
		return 0, nil // as package net's: no system call, and no wait whatever the deadline
	}
	co, l, lerr := running() // l is nil with lerr: the scheduler has no loop
	c.mustBelong("read", l)  // before the turn, which is the owning scheduler's
	c.reads.lock()
	defer c.reads.unlock()
	// Close, or the deadline, may have come while this Read waited.
	if err := c.begin("read", c.rdl); err != nil {
		return 0, err
	}
	if n, ok := c.unread.read(b, c.datagram()); ok {
		return n, nil
	}
	if lerr != nil {
		return 0, c.opErr("read", lerr)
	}
	if c.ringReads(l) {
		return c.ringRead(co, l, b)
	}
	for {
		if c.closed {
			return 0, c.opErr("read", net.ErrClosed)
		}
		n, err := sockRead(c.fd, b)
		switch {
		case err == unix.EAGAIN:
			if err := c.waitFor(unix.POLLIN, &c.rdl); err != nil {
				return 0, c.opErr("read", err)
			}
		case err == unix.EINTR:
		case err != nil:
			return 0, c.opErr("read", os.NewSyscallError("read", err))
		case n == 0 && !c.datagram():
			return 0, io.EOF
		default:
			return n, nil
		}
	}
}

// ringReads reports whether Reads on loop l go to the ring: on io_uring,
// unless c is an unconnected datagram socket, whose reads poll and then
// read at once (recv), so that one cut short never keeps a datagram
// without its sender for a ReadFrom.
func (c *conn) ringReads(l *loop) bool {
	_, ring := l.be.(*uringBackend)
	return ring && (!c.datagram() || c.raddr != nil)
}

// ringRead is Read through the ring, for coroutine co of loop l.
func (c *conn) ringRead(co *sched.Coro, l *loop, b []byte) (int, error) {
	for {
		if c.closed {
			return 0, c.opErr("read", net.ErrClosed)
		}
		r := request{op: opRead, fd: c.fd, buf: b, off: -1}
		if err := c.await(co, l, &r, &c.rdl); err != nil && r.res <= 0 {
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
		case r.res == 0 && c.datagram():
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
// syswrite); on UDP, b is one datagram, sent even when empty.
func (c *conn) Write(b []byte) (int, error) {
	c.mustBelong("write", currentLoop()) // before the turn, which is the owning scheduler's
	c.writes.lock()
	defer c.writes.unlock()
	// Close, or the deadline, may have come while this Write waited.
	if err := c.begin("write", c.wdl); err != nil {
		return 0, err
	}
	total := 0
	for {
		if c.closed {
			return total, c.opErr("write", net.ErrClosed)
		}
		n, err := sockWrite(c.fd, b[total:])
		switch err {
		case nil:
			if total += n; total == len(b) || c.datagram() {
				return total, nil
			}
		case unix.EAGAIN:
			if err := c.waitFor(unix.POLLOUT, &c.wdl); err != nil {
				return total, c.opErr("write", err)
			}
		case unix.EINTR:
		default:
			return total, c.opErr("write", os.NewSyscallError("write", err))
		}
	}
}

// ReadFrom reads one datagram and where it came from (recvfrom).
func (c *conn) ReadFrom(b []byte) (int, net.Addr, error) {
	c.mustBelong("read", currentLoop())
	c.reads.lock()
	defer c.reads.unlock()
	if err := c.begin("read", c.rdl); err != nil {
		return 0, nil, err
	}
	if n, ok := c.unread.read(b, c.datagram()); ok {
		return n, c.raddr, nil // kept only on a connected socket (ringReads)
	}
	for {
		if c.closed {
			return 0, nil, c.opErr("read", net.ErrClosed)
		}
		n, sa, err := unix.Recvfrom(c.fd, b, 0)
		switch err {
		case nil:
			return n, netAddr(c.network, sa), nil
		case unix.EAGAIN:
			if err := c.waitFor(unix.POLLIN, &c.rdl); err != nil {
				return 0, nil, c.opErr("read", err)
			}
		case unix.EINTR:
		default:
			return 0, nil, c.opErr("read", os.NewSyscallError("recvfrom", err))
		}
	}
}

// WriteTo sends one datagram to addr, a *net.UDPAddr (sendto). As with
// package net, a connection made by Dial has its one peer and fails with
// net.ErrWriteToConnected.
func (c *conn) WriteTo(b []byte, addr net.Addr) (int, error) {
	c.mustBelong("write", currentLoop())
	if err := c.begin("write", c.wdl); err != nil {
		return 0, err
	}
	if c.raddr != nil {
		return 0, c.opErr("write", net.ErrWriteToConnected)
	}
	ua, ok := addr.(*net.UDPAddr)
	if !ok || ua == nil || !c.datagram() {
		return 0, opErr("write", c.network, c.laddr, addr, unix.EINVAL)
	}
	sa, err := inetSockaddr(c.family, ua.AddrPort())
	if err != nil {
		return 0, opErr("write", c.network, c.laddr, addr, err)
	}
	for {
		if c.closed {
			return 0, c.opErr("write", net.ErrClosed)
		}
		switch err := unix.Sendto(c.fd, b, 0, sa); err {
		case nil:
			return len(b), nil
		case unix.EAGAIN:
			if err := c.waitFor(unix.POLLOUT, &c.wdl); err != nil {
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
func (c *conn) CloseWrite() error { return c.shutdown(unix.SHUT_WR) }

// CloseRead shuts down the reading side: reads return io.EOF.
func (c *conn) CloseRead() error { return c.shutdown(unix.SHUT_RD) }

func (c *conn) shutdown(how int) error {
	if c.closed { // the number may name another socket by now
		return c.opErr("close", net.ErrClosed)
	}
	if err := unix.Shutdown(c.fd, how); err != nil {
		return c.opErr("close", os.NewSyscallError("shutdown", err))
	}
	return nil
}

// Package net's defaults for a TCP connection, which Dial and Accept give
// theirs: no Nagle delay, and keep-alive probes after keepAliveIdle
// without traffic, every keepAliveIdle, keepAliveCount at most (net's
// KeepAliveConfig defaults).
const (
	keepAliveIdle  = 15 * time.Second
	keepAliveCount = 9
)

// netDefaults sets package net's defaults on a TCP connection; failures
// are ignored, as net ignores them.
func (c *conn) netDefaults() {
	if c.network[:3] == "tcp" {
		c.SetNoDelay(true)
		c.SetKeepAlivePeriod(keepAliveIdle)
		unix.SetsockoptInt(c.fd, unix.IPPROTO_TCP, unix.TCP_KEEPINTVL, int(keepAliveIdle/time.Second))
		unix.SetsockoptInt(c.fd, unix.IPPROTO_TCP, unix.TCP_KEEPCNT, keepAliveCount)
		c.SetKeepAlive(true)
	}
}

// SetNoDelay turns Nagle's algorithm off (true, the default) or on for a
// TCP connection, as net.TCPConn's SetNoDelay.
func (c *conn) SetNoDelay(noDelay bool) error {
	return c.setOpt("TCP_NODELAY", unix.IPPROTO_TCP, unix.TCP_NODELAY, boolInt(noDelay))
}

// SetKeepAlive turns keep-alive probes on (the default) or off for a TCP
// connection, as net.TCPConn's SetKeepAlive.
func (c *conn) SetKeepAlive(keepAlive bool) error {
	return c.setOpt("SO_KEEPALIVE", unix.SOL_SOCKET, unix.SO_KEEPALIVE, boolInt(keepAlive))
}

// SetKeepAlivePeriod sets the idle time before the first keep-alive
// probe, in whole seconds rounded up, as net.TCPConn's: 0 is the default
// of 15 s, and a negative period changes nothing.
func (c *conn) SetKeepAlivePeriod(d time.Duration) error {
	switch {
	case d == 0:
		d = keepAliveIdle
	case d < 0:
		return nil
	}
	secs := int((d + time.Second - 1) / time.Second)
	return c.setOpt("TCP_KEEPIDLE", unix.IPPROTO_TCP, unix.TCP_KEEPIDLE, secs)
}

// setOpt sets the TCP socket option named name; other connections have
// none of the TCP options, and fail with EOPNOTSUPP.
func (c *conn) setOpt(name string, level, opt, v int) error {
	switch {
	case c.closed:
		return c.opErr("set", net.ErrClosed)
	case c.network[:3] != "tcp":
		return c.opErr("set", os.NewSyscallError("setsockopt "+name, unix.EOPNOTSUPP))
	}
	if err := unix.SetsockoptInt(c.fd, level, opt, v); err != nil {
		return c.opErr("set", os.NewSyscallError("setsockopt "+name, err))
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
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
// once if it has passed. A read begun after it has passed fails at once.
func (c *conn) SetReadDeadline(t time.Time) error {
	c.mustBelong("SetReadDeadline", currentLoop())
	if c.closed {
		return c.opErr("set", net.ErrClosed)
	}
	c.rdl = t
	c.interrupt(reading)
	return nil
}

// SetWriteDeadline is SetReadDeadline for writes.
func (c *conn) SetWriteDeadline(t time.Time) error {
	c.mustBelong("SetWriteDeadline", currentLoop())
	if c.closed {
		return c.opErr("set", net.ErrClosed)
	}
	c.wdl = t
	c.interrupt(func(r *request) bool { return !reading(r) })
	return nil
}

func (c *conn) opErr(op string, err error) error {
	return opErr(op, c.network, c.laddr, c.raddr, err)
}
