package sched_test

import (
	"errors"
	"fmt"

	"github.com/corogo/coro/sched"
)

// The Coro::Intro cede example: async does not run until main cedes.
func Example() {
	sched.Run(func() {
		sched.Async(func() any {
			fmt.Println("async 1")
			sched.Cede()
			fmt.Println("async 2")
			return nil
		})
		fmt.Println("main 1")
		sched.Cede()
		fmt.Println("main 2")
		sched.Cede()
	})
	// Output:
	// main 1
	// async 1
	// main 2
	// async 2
}

func ExampleCoro_Join() {
	sched.Run(func() {
		square := sched.Async(func() any { return 7 * 7 })
		v, err := square.Join()
		fmt.Println(v, err)
	})
	// Output: 49 <nil>
}

// Nothing is ready and nothing can ready main: Run reports the deadlock.
func ExampleRun_deadlock() {
	err := sched.Run(func() {
		sched.Schedule()
	})
	fmt.Println(errors.Is(err, sched.ErrDeadlock))
	// Output: true
}
