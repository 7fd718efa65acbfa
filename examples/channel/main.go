// Command channel is the channel program of Coro::Intro ("Channels"),
// written with sched and sync: a coroutine reads numbers from one
// channel and puts their squares into another, which main reads.
//
// Put never blocks here, as a channel made with size 0 is practically
// unbounded; main blocks in Get until the squaring coroutine has run.
package main

import (
	"fmt"
	"os"

	"github.com/corogo/coro/sched"
	"github.com/corogo/coro/sync"
)

func main() {
	err := sched.Run(func() {
		calculate := sync.NewChannel(0)
		result := sync.NewChannel(0)

		sched.Async(func() any {
			for { // endless loop
				num, _ := calculate.Get() // read a number
				n := num.(int)
				result.Put(n * n) // put the result into the result queue
			}
		})

		for _, n := range []int{1, 2, 5, 10, 77} {
			calculate.Put(n)
			sq, _ := result.Get()
			fmt.Printf("%d ** 2 = %v\n", n, sq)
		}
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
