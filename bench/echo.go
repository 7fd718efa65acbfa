package bench

import (
	"bufio"
	"io"
	"net"
	"runtime"
	"sync"
	"testing"

	"github.com/corogo/coro/aio"
	"github.com/corogo/coro/sched"
)

// EchoConns is how many connections the echo cases keep open.
var EchoConns = 1000

// EchoCoroutines: a coroutine echo server (one coroutine per connection,
// aio sockets, one scheduler) answering EchoConns clients of the load
// generator; one op is one 32-byte request and its echo.
//
// The load generator runs in the same process, so instead of every new
// thread it reports the io_uring workers that appear (ring-workers): the
// threads the server adds to its schedulers' own.
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
		workers := watchRingWorkers()
		loadEcho(b, addr)
		workers.report(b)
	}
	for _, sv := range servers {
		sv.s.Post(func() { sv.ln.Close() }) // in its scheduler, like every aio call; main's Accept returns and Run ends
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

// loadEcho is the load generator both servers face: EchoConns goroutines,
// each with a connection, sharing b.N request-response round trips.
func loadEcho(b *testing.B, addr string) {
	conns := make([]net.Conn, EchoConns)
	for i := range conns {
		c, err := net.Dial("tcp4", addr)
		if err != nil {
			b.Fatal(err)
		}
		conns[i] = c
	}
	msg := []byte("0123456789abcdef0123456789abcde\n")
	b.ResetTimer()
	var wg sync.WaitGroup
	for i, c := range conns {
		n := b.N / len(conns)
		if i < b.N%len(conns) {
			n++
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := bufio.NewReader(c)
			buf := make([]byte, len(msg))
			for range n {
				if _, err := c.Write(msg); err != nil {
					b.Error(err)
					return
				}
				if _, err := io.ReadFull(r, buf); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	for _, c := range conns {
		c.Close()
	}
}
