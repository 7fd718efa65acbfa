// Command echo is a TCP echo server on coroutines: one coroutine per
// connection, each blocking only itself in Read and Write (Coro::Socket
// and Coro::Handle).
//
//	echo -addr 127.0.0.1:7777   serve until interrupted
//	echo -demo                  serve on a free port, run three clients
//	                            against it, print what they got, and exit
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"net"
	"os"

	"github.com/corogo/coro/aio"
	"github.com/corogo/coro/sched"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:7777", "address to listen on")
	demo := flag.Bool("demo", false, "serve on a free port, run three clients, exit")
	flag.Parse()

	err := sched.Run(func() {
		if *demo {
			*addr = "127.0.0.1:0"
		}
		ln, err := aio.Listen("tcp", *addr)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		// One coroutine per connection: io.Copy works because Read and Write
		// suspend only the coroutine that calls them.
		server := sched.Async(func() any { return aio.Serve(ln, func(c net.Conn) { io.Copy(c, c) }) })
		if !*demo {
			fmt.Println("echoing on", ln.Addr())
			if err, _ := server.Join(); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
			return
		}
		var clients []*sched.Coro
		for i := range 3 {
			clients = append(clients, sched.Async(func() any { return client(ln.Addr().String(), i) }))
		}
		for _, c := range clients {
			got, _ := c.Join()
			fmt.Print(got)
		}
		ln.Close() // ends Accept, and so the server
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// client sends two lines and returns what came back.
func client(addr string, i int) string {
	c, err := aio.Dial("tcp", addr)
	if err != nil {
		return err.Error() + "\n"
	}
	defer c.Close()
	r := bufio.NewReader(c)
	out := ""
	for j := range 2 {
		fmt.Fprintf(c, "client %d says %d\n", i, j)
		line, err := r.ReadString('\n')
		if err != nil {
			return out + err.Error() + "\n"
		}
		out += "echoed: " + line
	}
	return out
}
