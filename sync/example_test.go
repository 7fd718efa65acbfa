package sync_test

import (
	"fmt"

	"github.com/corogo/coro/sched"
	"github.com/corogo/coro/sync"
)

// A semaphore with count 2 lets two workers at a time into the section
// between Down and Up. (Coro::Intro's semaphore program is
// examples/semaphore.)
func ExampleSemaphore() {
	sched.Run(func() {
		sem := sync.NewSemaphore(2)
		var workers []*sched.Coro
		for i := range 4 {
			workers = append(workers, sched.Async(func() any {
				sem.Down()
				fmt.Println("worker", i, "in; inside now:", 2-sem.Count())
				sched.Cede() // the others run meanwhile: two wait at Down
				fmt.Println("worker", i, "out")
				sem.Up()
				return nil
			}))
		}
		for _, w := range workers {
			w.Join()
		}
	})
	// Output:
	// worker 0 in; inside now: 1
	// worker 1 in; inside now: 2
	// worker 0 out
	// worker 1 out
	// worker 2 in; inside now: 1
	// worker 3 in; inside now: 2
	// worker 2 out
	// worker 3 out
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

// A bounded channel makes a fast producer wait for its consumer: the
// third Put waits until the consumer has taken values, as in Coro.
// (Coro::Intro's channel program is examples/channel.)
func ExampleChannel() {
	sched.Run(func() {
		ch := sync.NewChannel(3) // holds two
		consumer := sched.Async(func() any {
			for {
				v, ok := ch.Get()
				if !ok {
					return nil
				}
				fmt.Println("got", v, "- still queued:", ch.Size())
			}
		})
		for i := range 4 {
			ch.Put(i)
			fmt.Println("put", i)
		}
		ch.Shutdown()
		consumer.Join()
	})
	// Output:
	// put 0
	// put 1
	// got 0 - still queued: 2
	// got 1 - still queued: 1
	// got 2 - still queued: 0
	// put 2
	// put 3
	// got 3 - still queued: 0
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
