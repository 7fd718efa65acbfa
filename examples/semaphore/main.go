// Command semaphore is the first semaphore program of Coro::Intro
// ("Semaphores and other locks"), written with sched and sync.
//
// The main coroutine tries to lock a locked semaphore, which blocks it;
// that lets the only other ready coroutine run, which unlocks the
// semaphore and ends, and then main gets it.
package main

import (
	"fmt"
	"os"

	"github.com/corogo/coro/sched"
	"github.com/corogo/coro/sync"
)

func main() {
	err := sched.Run(func() {
		sem := sync.NewSemaphore(0) // a locked semaphore

		sched.Async(func() any {
			fmt.Println("unlocking semaphore")
			sem.Up()
			return nil
		})

		fmt.Println("trying to lock semaphore")
		sem.Down()
		fmt.Println("we got it!")
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
