// Command cede is Coro::Intro's cede example: two coroutines take turns.
//
//	async {
//	   print "async 1\n";
//	   cede;
//	   print "async 2\n";
//	};
//	print "main 1\n";
//	cede;
//	print "main 2\n";
//	cede;
//
// Cede puts the running coroutine at the end of the ready queue of its
// priority and runs the first one in the queue, so main and the async
// coroutine alternate.
package main

import (
	"fmt"
	"os"

	"github.com/corogo/coro/sched"
)

func main() {
	err := sched.Run(func() {
		sched.Async(func() any {
			fmt.Println("async 1")
			sched.Cede() // back to main
			fmt.Println("async 2")
			return nil
		})
		fmt.Println("main 1")
		sched.Cede() // the async coroutine prints "async 1" and cedes back
		fmt.Println("main 2")
		sched.Cede() // it prints "async 2" and ends
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
