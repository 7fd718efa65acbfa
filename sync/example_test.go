package sync_test

import (
	"fmt"

	"github.com/corogo/coro/sched"
	"github.com/corogo/coro/sync"
)

// The first semaphore program of Coro::Intro.
func ExampleSemaphore() {
	sched.Run(func() {
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
	// Output:
	// trying to lock semaphore
	// unlocking semaphore
	// we got it!
}

// A guard gives the semaphore back however its holder ends; here the
// zero Semaphore (count 1) lets one coroutine at a time into the
// critical section.
func ExampleSemaphore_Guard() {
	var lock sync.Semaphore // count 1
	costly := func(name string) {
		defer lock.Guard().Release()
		fmt.Println(name, "enters")
		sched.Cede() // others wait in Guard meanwhile
		fmt.Println(name, "leaves")
	}
	sched.Run(func() {
		for _, name := range []string{"a", "b"} {
			sched.Async(func() any { costly(name); return nil })
		}
		costly("main")
		for sched.NReady() > 0 {
			sched.Cede()
		}
	})
	// Output:
	// main enters
	// main leaves
	// a enters
	// a leaves
	// b enters
	// b leaves
}

func ExampleSignal() {
	sched.Run(func() {
		var sig sync.Signal
		for _, name := range []string{"a", "b", "c"} {
			sched.Async(func() any {
				sig.Wait()
				fmt.Println(name, "woken")
				return nil
			})
		}
		sched.Cede() // let them wait
		sig.Send()   // wakes a
		sched.Cede()
		sig.Broadcast() // wakes b and c
		sched.Cede()
		sig.Send() // nobody waits: remembered
		sig.Wait() // returns at once
		fmt.Println("awaited:", sig.Awaited())
	})
	// Output:
	// a woken
	// b woken
	// c woken
	// awaited: false
}

// The channel program of Coro::Intro: squares computed by another
// coroutine.
func ExampleChannel() {
	sched.Run(func() {
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
			fmt.Println(n, "** 2 =", sq)
		}
	})
	// Output:
	// 1 ** 2 = 1
	// 2 ** 2 = 4
	// 5 ** 2 = 25
	// 10 ** 2 = 100
	// 77 ** 2 = 5929
}

// A typed channel, shut down by its producer; the consumer drains it.
func ExampleChan() {
	sched.Run(func() {
		words := sync.NewChan[string](3) // buffers two values
		sched.Async(func() any {
			for _, w := range []string{"one", "two", "three", "four"} {
				words.Put(w)
			}
			words.Shutdown()
			return nil
		})
		for {
			w, ok := words.Get()
			if !ok {
				break
			}
			fmt.Println(w)
		}
	})
	// Output:
	// one
	// two
	// three
	// four
}

func ExampleRWLock() {
	sched.Run(func() {
		var l sync.RWLock
		l.RLock()
		sched.Async(func() any {
			l.Lock() // waits for the reader
			fmt.Println("writer writes")
			l.Unlock()
			return nil
		})
		sched.Cede()
		fmt.Println("reader can share:", l.TryRLock())
		l.Unlock()
		l.Unlock() // the last reader readies the writer
		sched.Cede()
	})
	// Output:
	// reader can share: true
	// writer writes
}

func ExampleSemaphoreSet() {
	sched.Run(func() {
		var perHost sync.SemaphoreSet[string] // one at a time per key
		fetch := func(host, path string) {
			defer perHost.Guard(host).Release()
			fmt.Println("fetch", host+path)
			sched.Cede() // the request would block here
		}
		for _, url := range [][2]string{{"a.example", "/1"}, {"a.example", "/2"}, {"b.example", "/1"}} {
			sched.Async(func() any { fetch(url[0], url[1]); return nil })
		}
		sched.Cede()
		fmt.Println("waiting for a.example:", perHost.Waiters("a.example"))
		for sched.NReady() > 0 {
			sched.Cede()
		}
		fmt.Println("keys in use:", perHost.Len())
	})
	// Output:
	// fetch a.example/1
	// fetch b.example/1
	// waiting for a.example: 1
	// fetch a.example/2
	// keys in use: 0
}
