// Command finger is Coro::Intro's finger client: three coroutines query
// finger servers at once, each printing the answer line by line as it
// arrives, and main joins them.
//
// The tutorial asks servers on the Internet; this program starts its own
// finger server on the loopback interface (a coroutine too), so it runs
// anywhere. The three answers can interleave, as in the tutorial.
package main

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"strings"

	"github.com/corogo/coro/aio"
	"github.com/corogo/coro/sched"
)

// plans are what the local server knows about its users.
var plans = map[string][]string{
	"abc":     {"Login: abc", "Plan: none"},
	"sebbo":   {"Login: sebbo", "Plan: world domination", "(slowly)"},
	"trouble": {"Login: trouble", "Plan: be found"},
}

func main() {
	err := sched.Run(func() {
		ln, err := aio.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		server := sched.Async(func() any { return aio.Serve(ln, answerFinger) })
		host := ln.Addr().String()

		// now finger a few accounts
		for _, c := range []*sched.Coro{
			sched.Async(func() any { finger("abc", host); return nil }),
			sched.Async(func() any { finger("sebbo", host); return nil }),
			sched.Async(func() any { finger("trouble", host); return nil }),
		} {
			c.Join() // wait for the result
		}
		server.Cancel(nil)
		ln.Close()
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// finger asks host about user and prints each line of the answer.
func finger(user, host string) {
	fh, err := aio.Dial("tcp", host)
	if err != nil {
		fmt.Printf("%s@%s: %v\n", user, host, err)
		return
	}
	defer fh.Close()
	fmt.Fprintf(fh, "%s\n", user)
	name := user + "@localhost"
	lines := bufio.NewScanner(fh)
	for lines.Scan() {
		fmt.Printf("%s: %s\n", name, lines.Text())
	}
	fmt.Printf("%s: done\n", name)
}

// answerFinger answers a finger query (RFC 1288); aio.Serve runs it in a
// coroutine per client.
func answerFinger(c net.Conn) {
	query, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return
	}
	plan, ok := plans[strings.TrimSpace(query)]
	if !ok {
		plan = []string{"no such user"}
	}
	for _, line := range plan {
		fmt.Fprintf(c, "%s\r\n", line)
	}
}
