// Command printit is Coro::Intro's printit example: every coroutine has
// its own stack, so the local variables (and arguments) of a function
// survive a Cede, even when the same function runs in several coroutines
// at once.
//
//	sub printit {
//	   my ($string) = @_;
//	   cede;
//	   print $string;
//	}
//	async { printit "Hello, " };
//	async { printit "World!\n" };
//	cede; cede; # do it
package main

import (
	"fmt"
	"os"

	"github.com/corogo/coro/sched"
)

// printit lets the other coroutines run before it prints s: s is still
// there afterwards, on this coroutine's own stack.
func printit(s string) {
	sched.Cede()
	fmt.Print(s)
}

func main() {
	err := sched.Run(func() {
		sched.Async(func() any { printit("Hello, "); return nil })
		sched.Async(func() any { printit("World!\n"); return nil })
		sched.Cede() // both start and cede back
		sched.Cede() // both print, in the order they were made
		fmt.Println("main done")
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
