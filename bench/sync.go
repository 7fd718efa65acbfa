package bench

import (
	"sync"
	"testing"

	"github.com/corogo/coro/sched"
	cosync "github.com/corogo/coro/sync"
)

// Each coroutine benchmark of package coro/sync stands beside its
// goroutine equivalent. One op is one Down/Up pair, one round trip, or
// one value passed from a producer to a consumer.

// runSched runs main on a new scheduler, failing b if it ends in an error.
func runSched(b *testing.B, main func()) {
	b.Helper()
	if err := sched.Run(main); err != nil {
		b.Fatal(err)
	}
}

// SemaphoreDownUp: an uncontended Semaphore Down and Up.
func SemaphoreDownUp(b *testing.B) {
	b.ReportAllocs()
	runSched(b, func() {
		var s cosync.Semaphore
		for b.Loop() {
			s.Down()
			s.Up()
		}
	})
}

// MutexLockUnlock: an uncontended sync.Mutex Lock and Unlock.
func MutexLockUnlock(b *testing.B) {
	b.ReportAllocs()
	var mu sync.Mutex
	for b.Loop() {
		mu.Lock()
		mu.Unlock()
	}
}

// ChannelPingPong: main and one coroutine pass a value back and
// forth over two rendezvous (max 1) channels.
func ChannelPingPong(b *testing.B) {
	b.ReportAllocs()
	runSched(b, func() {
		ping, pong := cosync.NewChan[int](1), cosync.NewChan[int](1)
		partner := sched.Async(func() any {
			for {
				v, ok := ping.Get()
				if !ok {
					return nil
				}
				pong.Put(v)
			}
		})
		i := 0
		for b.Loop() {
			ping.Put(i)
			i, _ = pong.Get()
			i++
		}
		ping.Shutdown()
		partner.Join()
	})
}

// GoChanPingPong: two goroutines pass a value back and forth
// over two unbuffered channels.
func GoChanPingPong(b *testing.B) {
	b.ReportAllocs()
	ping, pong := make(chan int), make(chan int)
	go func() {
		for v := range ping {
			pong <- v
		}
	}()
	i := 0
	for b.Loop() {
		ping <- i
		i = <-pong + 1
	}
	close(ping)
}

const producers, consumers = 100, 100

// shares splits n items among producers.
func shares(n int) []int {
	s := make([]int, producers)
	for i := range s {
		s[i] = n / producers
		if i < n%producers {
			s[i]++
		}
	}
	return s
}

// Channel100x100: 100 producer and 100 consumer coroutines share
// a channel buffering 100 values; the producers put b.N values in all.
func Channel100x100(b *testing.B) {
	b.ReportAllocs()
	runSched(b, func() {
		ch := cosync.NewChan[int](producers + 1) // buffers 100
		var ps, cs []*sched.Coro
		for _, n := range shares(b.N) {
			ps = append(ps, sched.Async(func() any {
				for i := range n {
					ch.Put(i)
				}
				return nil
			}))
		}
		for range consumers {
			cs = append(cs, sched.Async(func() any {
				for {
					if _, ok := ch.Get(); !ok {
						return nil
					}
				}
			}))
		}
		b.ResetTimer()
		for _, p := range ps {
			p.Join()
		}
		ch.Shutdown()
		for _, c := range cs {
			c.Join()
		}
	})
}

// GoChan100x100: 100 producer and 100 consumer goroutines share
// a channel buffering 100 values; the producers send b.N values in all.
func GoChan100x100(b *testing.B) {
	b.ReportAllocs()
	ch := make(chan int, producers)
	var pwg, cwg sync.WaitGroup
	b.ResetTimer()
	for _, n := range shares(b.N) {
		pwg.Go(func() {
			for i := range n {
				ch <- i
			}
		})
	}
	for range consumers {
		cwg.Go(func() {
			for range ch {
			}
		})
	}
	pwg.Wait()
	close(ch)
	cwg.Wait()
}
