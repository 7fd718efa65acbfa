package bench

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/corogo/coro/aio"
	"github.com/corogo/coro/internal/selfexec"
	"github.com/corogo/coro/sched"
)

// EchoConns is how many connections the echo cases keep open.
var EchoConns = 1000

// EchoCoroutines: a coroutine echo server (one coroutine per connection,
// aio sockets, one scheduler) answering EchoConns clients of the load
// generator (loadEcho); one op is one 32-byte request and its echo.
func EchoCoroutines(b *testing.B) { echoCoroutines(b, 1) }

// EchoCoroutinesPerCore is EchoCoroutines with a scheduler per core
// (GOMAXPROCS), each accepting on a listener of its own: the listeners
// share the address through aio.ListenConfig's ReusePort, and the kernel
// spreads the connections among them.
func EchoCoroutinesPerCore(b *testing.B) { echoCoroutines(b, runtime.GOMAXPROCS(0)) }

func echoCoroutines(b *testing.B, schedulers int) {
	type server struct {
		s  *sched.Scheduler
		ln net.Listener
	}
	servers := make([]server, 0, schedulers)
	var wg sync.WaitGroup
	defer wg.Wait()
	defer func() { // also when the load fails (b.Fatal): each Run ends only once its listener is closed
		for _, sv := range servers {
			sv.s.Post(func() { sv.ln.Close() }) // in its scheduler, like every aio call; main's Accept returns and Run ends
		}
	}()
	addr := "127.0.0.1:0" // the first listener's port, once it has one
	for range schedulers {
		s := sched.New()
		listening := make(chan net.Listener)
		wg.Go(func() {
			err := s.Run(func() {
				lc := aio.ListenConfig{ReusePort: schedulers > 1}
				ln, err := lc.Listen("tcp4", addr)
				if err != nil {
					b.Error(err) // not Fatal: this is a coroutine
					close(listening)
					return
				}
				listening <- ln
				if err := aio.Serve(ln, echoConn); err != nil {
					b.Error(err)
				}
			})
			if err != nil {
				b.Error(err)
			}
		})
		ln, ok := <-listening
		if !ok {
			break
		}
		servers = append(servers, server{s, ln})
		addr = ln.Addr().String()
	}
	if len(servers) == schedulers {
		loadEcho(b, addr)
	}
}

// EchoGoroutines: the same with a goroutine-per-connection net server.
func EchoGoroutines(b *testing.B) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				echoConn(c)
			}()
		}
	}()
	loadEcho(b, ln.Addr().String())
}

func echoConn(c net.Conn) { io.Copy(c, c) }

// echoMinTrips is the fewest round trips per connection a round makes.
const echoMinTrips = 10

// echoLoadEnv asks a fresh copy of the program to be the load generator:
// "addr conns n".
const echoLoadEnv = "CORO_BENCH_ECHO_LOAD"

// loadEcho is the load generator both servers face. It runs in a process
// of its own, as a server's clients do: in the server's process its
// goroutines would share the runtime's threads and netpoller with a
// goroutine server, and compete for them with a scheduler. It opens
// EchoConns connections, each driven by a goroutine, which share b.N
// request-response round trips, or echoMinTrips per connection when b.N
// is fewer.
//
// ns/op is the child's time for the round trips, from when every
// connection is up, divided by their number. The server process reports
// its threads meanwhile and the CPU time it spent per round trip, accepts
// included (watchThreads).
func loadEcho(b *testing.B, addr string) {
	// The framework times each round whole, setting up the connections
	// included, and stops raising b.N once a round took the benchtime. A
	// slow set-up could thus end the case at b.N = 1, one round trip with
	// 1,000 accepts around it; the floor keeps every row an average.
	trips := max(b.N, echoMinTrips*EchoConns)
	threads := watchThreads()
	retransBefore, retransOK := tcpRetransmits()
	out, err := selfexec.Output([]string{fmt.Sprintf("%s=%s %d %d", echoLoadEnv, addr, EchoConns, trips)}, "-test.run=^$")
	if retransAfter, ok := tcpRetransmits(); ok && retransOK {
		b.ReportMetric(float64(retransAfter-retransBefore), "retransmits")
	}
	threads.report(b, trips)
	if err != nil {
		b.Fatalf("echo load: %v\n%s", err, out)
	}
	ns, err := strconv.ParseFloat(strings.TrimSpace(string(out)), 64)
	if err != nil {
		b.Fatalf("echo load printed %q", out)
	}
	b.ReportMetric(ns/float64(trips), "ns/op")
}

// tcpRetransmits is the machine's count of retransmitted TCP segments
// (RetransSegs in /proc/net/snmp), or false where it cannot be read. A
// loopback segment is lost when the kernel's per-CPU backlog of received
// packets is full (net.core.netdev_max_backlog, 1,000 by default), and
// its connection then waits at least 200 ms for the retransmission: an
// echo round with retransmits timed such stalls too.
func tcpRetransmits() (int64, bool) {
	snmp, err := os.ReadFile("/proc/net/snmp")
	if err != nil {
		return 0, false
	}
	var names []string
	for line := range strings.Lines(string(snmp)) {
		fields := strings.Fields(line)
		if len(fields) == 0 || fields[0] != "Tcp:" {
			continue
		}
		if names == nil {
			names = fields // the header line comes first
			continue
		}
		if i := slices.Index(names, "RetransSegs"); i > 0 && i < len(fields) {
			n, err := strconv.ParseInt(fields[i], 10, 64)
			return n, err == nil
		}
	}
	return 0, false
}

// processCPU is the CPU time the process has used, in nanoseconds.
func processCPU() int64 {
	var ru unix.Rusage
	if err := unix.Getrusage(unix.RUSAGE_SELF, &ru); err != nil {
		panic(fmt.Sprintf("bench: getrusage: %v", err)) // cannot fail for RUSAGE_SELF
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// runEchoLoad is the child's side of loadEcho: it returns the nanoseconds
// the round trips took.
func runEchoLoad(spec string) (float64, error) {
	var addr string
	var nconns, total int
	if _, err := fmt.Sscan(spec, &addr, &nconns, &total); err != nil {
		return 0, fmt.Errorf("%s=%q: %w", echoLoadEnv, spec, err)
	}
	conns := make([]net.Conn, nconns)
	for i := range conns {
		c, err := net.Dial("tcp4", addr)
		if err != nil {
			return 0, err
		}
		// Closing with a reset leaves no TIME_WAIT behind: every round of
		// every echo case opens EchoConns connections from the ephemeral
		// ports, and a few dozen rounds within a minute would use them
		// all up, after which each connect searches the whole range.
		c.(*net.TCPConn).SetLinger(0)
		defer c.Close()
		conns[i] = c
	}
	msg := []byte("0123456789abcdef0123456789abcde\n")
	errs := make(chan error, len(conns))
	start := time.Now()
	var wg sync.WaitGroup
	for i, c := range conns {
		n := total / len(conns)
		if i < total%len(conns) {
			n++
		}
		wg.Go(func() {
			r := bufio.NewReader(c)
			buf := make([]byte, len(msg))
			for range n {
				if _, err := c.Write(msg); err != nil {
					errs <- err
					return
				}
				if _, err := io.ReadFull(r, buf); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(errs)
	if err := <-errs; err != nil {
		return 0, err
	}
	return float64(elapsed.Nanoseconds()), nil
}
