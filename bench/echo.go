package bench

import (
	"bufio"
	"io"
	"net"
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
// Unlike the file cases it reports no thread count: the load generator
// runs in the same process, and its threads would be counted.
func EchoCoroutines(b *testing.B) {
	ready := make(chan string)
	s := sched.New()
	release := s.Hold() // the load generator is outside work
	go func() {
		s.Run(func() {
			ln, err := aio.Listen("tcp4", "127.0.0.1:0")
			if err != nil {
				b.Error(err)
				close(ready)
				return
			}
			ready <- ln.Addr().String()
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				sched.Async(func() any { echoConn(c); return nil })
			}
		})
	}()
	addr, ok := <-ready
	if !ok {
		return
	}
	loadEcho(b, addr)
	release()
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
			go echoConn(c)
		}
	}()
	loadEcho(b, ln.Addr().String())
}

func echoConn(c net.Conn) {
	defer c.Close()
	io.Copy(c, c)
}

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
