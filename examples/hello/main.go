// Command hello is the first example of Coro::Intro:
//
//	use Coro;
//	async { print "hello\n" };
//	cede;
//
// Async makes a coroutine and puts it in the ready queue, but it does not
// run until the running coroutine (here main) gives up the CPU; Cede does
// that. Without the Cede, main would return first and "hello" would never
// be printed (Run cancels the coroutines still waiting when main returns).
package main

import (
	"fmt"
	"os"

	"github.com/corogo/coro/sched"
)

func main() {
	err := sched.Run(func() {
		sched.Async(func() any {
			fmt.Println("hello")
			return nil
		})
		fmt.Println("main before cede")
		sched.Cede() // the async coroutine runs now
		fmt.Println("main after cede")
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
