// Command wakeme is Coro::Intro's "wake me or deadlock" example:
//
//	my $wakeme = $Coro::current;
//	async {
//	   $wakeme->ready if 0.5 > rand;
//	};
//	schedule;
//
// Schedule gives up the CPU without putting main back in the ready queue,
// so main runs again only if another coroutine readies it. In Perl a coin
// decides; here the -wake flag does. Without a wake-up nothing is left to
// run: Run returns the deadlock error, whose text lists the coroutines in
// Coro::Debug's ps format, and the program prints it and exits 1 (Perl
// dies with the same message).
//
// A second coroutine, "sleeper coro", blocks for good, so that the listing
// shows a coroutine of the program besides main.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/corogo/coro/sched"
)

func main() {
	wake := flag.Bool("wake", false, "let the async coroutine wake main")
	flag.Parse()

	err := sched.Run(func() {
		wakeme := sched.Current()
		sched.Async(func() any {
			sched.Current().SetDesc("sleeper coro")
			fmt.Println("sleeper: blocking forever")
			sched.Schedule() // nothing readies it again
			return nil
		})
		sched.Async(func() any {
			if *wake {
				fmt.Println("async runs, waking main")
				wakeme.Ready()
			} else {
				fmt.Println("async runs, not waking main")
			}
			return nil
		})
		fmt.Println("main: schedule")
		sched.Schedule() // returns only if the async coroutine readied main
		fmt.Println("main: woken")
		// Returning cancels the sleeper.
	})
	if err != nil {
		fmt.Fprint(os.Stderr, err) // the message ends in a newline
		os.Exit(1)
	}
}
