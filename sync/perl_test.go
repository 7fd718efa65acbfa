package sync

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/corogo/coro/internal/ilist"
	"github.com/corogo/coro/internal/perltest"
	"github.com/corogo/coro/sched"
)

// Each test mirrors testdata/perl/NAME.pl line for line and must print
// exactly what Perl Coro 6.57 printed for it (NAME.out).

func run(t *testing.T, fn func()) {
	t.Helper()
	if err := sched.Run(fn); err != nil {
		t.Fatal(err)
	}
}

func async(fn func()) *sched.Coro {
	return sched.Async(func() any { fn(); return nil })
}

func named(name string, fn func()) *sched.Coro {
	c := async(fn)
	c.SetDesc(name)
	return c
}

// waiterNames lists the coroutines waiting on q, longest waiter first
// (what Perl's waiters returns in list context), by description.
func waiterNames(q *waitq) string {
	var names []string
	for w := q.list.Front(); w != nil; w = ilist.Next(w, waiterLinks) {
		names = append(names, w.c.Desc())
	}
	return strings.Join(names, ",")
}

func cedeWhileReady() {
	for sched.NReady() > 0 {
		sched.Cede()
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestPerlIntroSemaphore(t *testing.T) {
	perltest.Compare(t, "intro_semaphore", func(out *bytes.Buffer) {
		run(t, func() {
			sem := NewSemaphore(0) // a locked semaphore
			async(func() {
				fmt.Fprintln(out, "unlocking semaphore")
				sem.Up()
			})
			fmt.Fprintln(out, "trying to lock semaphore")
			sem.Down()
			fmt.Fprintln(out, "we got it!")
		})
	})
}

func TestPerlIntroChannel(t *testing.T) {
	perltest.Compare(t, "intro_channel", func(out *bytes.Buffer) {
		run(t, func() {
			calculate := NewChannel(0)
			result := NewChannel(0)
			async(func() {
				for { // endless loop
					num, _ := calculate.Get() // read a number
					n := num.(int)
					result.Put(n * n) // put the result into the result queue
				}
			})
			for _, n := range []int{1, 2, 5, 10, 77} {
				calculate.Put(n)
				sq, _ := result.Get()
				fmt.Fprintf(out, "%d ** 2 = %v\n", n, sq)
			}
		})
	})
}

func TestPerlChannelBounded(t *testing.T) {
	perltest.Compare(t, "channel_bounded", func(out *bytes.Buffer) {
		run(t, func() {
			q := NewChannel(3)
			async(func() {
				for i := 1; i <= 7; i++ {
					fmt.Fprintf(out, "put %d (size %d)\n", i, q.Size())
					q.Put(i)
					fmt.Fprintf(out, "put %d done (size %d)\n", i, q.Size())
				}
				fmt.Fprintln(out, "producer shuts down")
				q.Shutdown()
			})
			consumer := async(func() {
				for {
					v, ok := q.Get()
					if !ok {
						break
					}
					fmt.Fprintf(out, "got %v (size %d)\n", v, q.Size())
					sched.Cede() // slower than the producer
				}
				fmt.Fprintf(out, "consumer sees end (size %d)\n", q.Size())
			})
			consumer.Join()
			_, ok := q.Get()
			fmt.Fprintf(out, "after join: get %s, size %d\n", map[bool]string{true: "value", false: "undef"}[ok], q.Size())
			q.Put("late")
			size := q.Size()
			v, _ := q.Get()
			_, ok = q.Get()
			fmt.Fprintf(out, "late put: size %d, get %v, get %s\n", size, v, map[bool]string{true: "value", false: "undef"}[ok])
		})
	})
}

func TestPerlChannelRendezvous(t *testing.T) {
	perltest.Compare(t, "channel_rendezvous", func(out *bytes.Buffer) {
		run(t, func() {
			q := NewChannel(1)
			for _, p := range []string{"a", "b"} {
				async(func() {
					for i := 1; i <= 2; i++ {
						fmt.Fprintf(out, "%s put %s%d\n", p, p, i)
						q.Put(fmt.Sprintf("%s%d", p, i))
						fmt.Fprintf(out, "%s put %s%d returned\n", p, p, i)
					}
				})
			}
			for g := 1; g <= 2; g++ {
				async(func() {
					for range 2 {
						fmt.Fprintf(out, "getter %d waits\n", g)
						v, _ := q.Get()
						fmt.Fprintf(out, "getter %d got %v (size %d)\n", g, v, q.Size())
					}
				})
			}
			cedeWhileReady()
			fmt.Fprintf(out, "size %d\n", q.Size())
		})
	})
}

func TestPerlSignal(t *testing.T) {
	perltest.Compare(t, "signal", func(out *bytes.Buffer) {
		run(t, func() {
			var sig Signal
			awaited := func(prefix string) { fmt.Fprintf(out, "%sawaited %d\n", prefix, b2i(sig.Awaited())) }
			waiter := func(name, woken string) {
				async(func() {
					fmt.Fprintf(out, "%s waits\n", name)
					sig.Wait()
					fmt.Fprintf(out, "%s %s\n", name, woken)
				})
			}

			awaited("")
			sig.Send() // no waiter: remembered
			sig.Send() // remembered once
			sig.Wait() // returns at once
			fmt.Fprintln(out, "wait returned at once")

			for n := 1; n <= 3; n++ {
				waiter(fmt.Sprintf("w%d", n), "woken")
			}
			sched.Cede()
			awaited("")
			sig.Send()
			awaited("send: ")
			sched.Cede()
			sig.Broadcast()
			awaited("broadcast: ")
			sched.Cede()
			awaited("")

			sig.Broadcast() // no waiter: lost
			waiter("late", "woken")
			sched.Cede()
			awaited("")

			// a remembered send is forgotten by a broadcast
			sig.Send()
			sched.Cede()    // wakes late
			sig.Send()      // remembered
			sig.Broadcast() // forgets it
			waiter("last", "woken")
			sched.Cede()
			awaited("")

			// send to a waiter that waits again before the woken one ran
			waiter("x", "woken")
			sched.Cede()
			sig.Send() // wakes last
			sig.Send() // wakes x
			sig.Send() // remembered
			waiter("y", "returned")
			sched.Cede()
			awaited("")
		})
	})
}

func TestPerlSemaphore(t *testing.T) {
	perltest.Compare(t, "semaphore", func(out *bytes.Buffer) {
		run(t, func() {
			s := NewSemaphore(0)
			fmt.Fprintf(out, "count %d waiters %d\n", s.Count(), s.Waiters())
			for _, n := range []string{"a", "b", "c"} {
				named(n, func() {
					fmt.Fprintf(out, "%s down\n", n)
					s.Down()
					fmt.Fprintf(out, "%s got it (count %d)\n", n, s.Count())
				})
			}
			sched.Cede()
			fmt.Fprintf(out, "count %d waiters %s\n", s.Count(), waiterNames(&s.q))
			s.Up() // readies a, takes it off the list
			fmt.Fprintf(out, "up: count %d waiters %s\n", s.Count(), waiterNames(&s.q))
			ok := s.TryDown() // main takes it before a runs
			fmt.Fprintf(out, "main try %d count %d\n", b2i(ok), s.Count())
			sched.Cede() // a finds nothing and queues again, at the end
			fmt.Fprintf(out, "count %d waiters %s\n", s.Count(), waiterNames(&s.q))
			fmt.Fprintf(out, "main try %d\n", b2i(s.TryDown()))

			s.Adjust(2) // readies b and c
			fmt.Fprintf(out, "adjust 2: count %d waiters %s\n", s.Count(), waiterNames(&s.q))
			sched.Cede()
			fmt.Fprintf(out, "count %d waiters %s\n", s.Count(), waiterNames(&s.q))
			s.Adjust(-3)
			fmt.Fprintf(out, "adjust -3: count %d\n", s.Count())
			s.Up()
			s.Up()
			fmt.Fprintf(out, "two ups: count %d waiters %s\n", s.Count(), waiterNames(&s.q))
			s.Adjust(2)
			fmt.Fprintf(out, "adjust 2: count %d waiters %s\n", s.Count(), waiterNames(&s.q))
			sched.Cede()
			fmt.Fprintf(out, "count %d\n", s.Count())

			// wait: like down without taking, and it passes the wake-up on
			ts := NewSemaphore(0)
			for _, n := range []string{"w1", "d", "w2"} {
				named(n, func() {
					fmt.Fprintf(out, "%s blocks\n", n)
					if n == "d" {
						ts.Down()
					} else {
						ts.Wait()
					}
					fmt.Fprintf(out, "%s returns (count %d)\n", n, ts.Count())
				})
			}
			sched.Cede()
			ts.Up()
			fmt.Fprintf(out, "up: waiters %s\n", waiterNames(&ts.q))
			sched.Cede()
			fmt.Fprintf(out, "count %d waiters %s\n", ts.Count(), waiterNames(&ts.q))
			ts.Up()
			sched.Cede()
			fmt.Fprintf(out, "count %d waiters %s\n", ts.Count(), waiterNames(&ts.q))
			ts.Wait()
			fmt.Fprintf(out, "main wait returned at once (count %d)\n", ts.Count())

			// guard
			u := NewSemaphore(2)
			func() {
				g1 := u.Guard()
				defer g1.Release()
				g2 := u.Guard()
				defer g2.Release()
				fmt.Fprintf(out, "two guards: count %d\n", u.Count())
				named("g3", func() {
					fmt.Fprintln(out, "g3 waits")
					g3 := u.Guard()
					defer g3.Release()
					fmt.Fprintf(out, "g3 holds (count %d)\n", u.Count())
				})
				sched.Cede()
				fmt.Fprintf(out, "waiters %s\n", waiterNames(&u.q))
			}()
			fmt.Fprintf(out, "guards gone: count %d waiters %d\n", u.Count(), u.Waiters())
			sched.Cede()
			fmt.Fprintf(out, "count %d\n", u.Count())

			// a waiter woken and then cancelled before it ran passes the
			// wake-up on
			v := NewSemaphore(0)
			var co []*sched.Coro
			for _, n := range []string{"p", "q", "r"} {
				co = append(co, named(n, func() {
					fmt.Fprintf(out, "%s waits\n", n)
					v.Down()
					fmt.Fprintf(out, "%s got it\n", n)
				}))
			}
			sched.Cede()
			v.Up()
			fmt.Fprintf(out, "up: waiters %s\n", waiterNames(&v.q))
			co[0].Cancel(nil)
			fmt.Fprintf(out, "p cancelled: count %d waiters %s\n", v.Count(), waiterNames(&v.q))
			sched.Cede()
			fmt.Fprintf(out, "count %d waiters %s\n", v.Count(), waiterNames(&v.q))
		})
	})
}

func TestPerlRWLock(t *testing.T) {
	perltest.Compare(t, "rwlock", func(out *bytes.Buffer) {
		run(t, func() {
			var l RWLock
			hold := func(n int) {
				for range n {
					sched.Cede()
				}
			}
			reader := func(n string, h int) {
				async(func() {
					fmt.Fprintf(out, "%s wants to read\n", n)
					l.RLock()
					fmt.Fprintf(out, "%s reads\n", n)
					hold(h)
					fmt.Fprintf(out, "%s done reading\n", n)
					l.Unlock()
				})
			}
			writer := func(n string, h int) {
				async(func() {
					fmt.Fprintf(out, "%s wants to write\n", n)
					l.Lock()
					fmt.Fprintf(out, "%s writes\n", n)
					hold(h)
					fmt.Fprintf(out, "%s done writing\n", n)
					l.Unlock()
				})
			}
			try := func(what string, ok bool) { fmt.Fprintf(out, "main %s %d\n", what, b2i(ok)) }

			reader("r1", 2)
			reader("r2", 1)
			writer("w1", 1)
			reader("r3", 3) // gets in although w1 waits
			writer("w2", 1)
			cedeWhileReady()
			fmt.Fprintln(out, "-- idle")

			try("trywrlock", l.TryLock())
			try("tryrdlock", l.TryRLock())
			reader("r4", 0)
			reader("r5", 0)
			writer("w3", 0)
			sched.Cede()
			fmt.Fprintln(out, "main unlocks")
			l.Unlock() // readies w3, not the readers
			cedeWhileReady()
			fmt.Fprintln(out, "-- idle")

			try("tryrdlock", l.TryRLock())
			try("tryrdlock", l.TryRLock())
			try("trywrlock", l.TryLock())
			writer("w4", 0)
			writer("w5", 0)
			sched.Cede()
			l.Unlock()
			fmt.Fprintln(out, "main unlocked one")
			sched.Cede()
			l.Unlock()
			fmt.Fprintln(out, "main unlocked both")
			// w4 is readied; a reader that asks before w4 runs still gets in
			try("tryrdlock", l.TryRLock())
			sched.Cede()
			fmt.Fprintln(out, "main unlocks")
			l.Unlock()
			cedeWhileReady()
			fmt.Fprintln(out, "-- idle")
		})
	})
}

func TestPerlSemaphoreSet(t *testing.T) {
	perltest.Compare(t, "semaphoreset", func(out *bytes.Buffer) {
		run(t, func() {
			set := NewSemaphoreSet[string](2)
			show := func(k string) {
				fmt.Fprintf(out, "  %s: count %d waiters %d\n", k, set.Count(k), set.Waiters(k))
			}
			for n := 1; n <= 4; n++ {
				async(func() {
					key := "even"
					if n%2 == 1 {
						key = "odd"
					}
					fmt.Fprintf(out, "t%d wants %s\n", n, key)
					g := set.Guard(key)
					defer func() {
						fmt.Fprintf(out, "t%d releases %s\n", n, key)
						g.Release()
					}()
					fmt.Fprintf(out, "t%d holds %s\n", n, key)
					sched.Cede()
				})
			}
			for _, n := range []int{5, 7} {
				async(func() {
					fmt.Fprintf(out, "t%d wants odd\n", n)
					set.Down("odd")
					fmt.Fprintf(out, "t%d holds odd\n", n)
					sched.Cede()
					set.Up("odd")
					fmt.Fprintf(out, "t%d released odd\n", n)
				})
			}
			sched.Cede()
			for _, k := range []string{"odd", "even", "other"} {
				show(k)
			}
			cedeWhileReady()
			for _, k := range []string{"odd", "even", "other"} {
				show(k)
			}

			for range 3 {
				fmt.Fprintf(out, "try other %d\n", b2i(set.TryDown("other")))
			}
			show("other")
			async(func() {
				fmt.Fprintln(out, "waiter waits for other")
				set.Wait("other")
				fmt.Fprintf(out, "waiter sees other free (count %d)\n", set.Count("other"))
			})
			sched.Cede()
			show("other")
			set.Up("other")
			show("other")
			sched.Cede()
			set.Up("other")
			show("other")

			zero := NewSemaphoreSet[string](0)
			fmt.Fprintf(out, "zero: try %d count %d\n", b2i(zero.TryDown("k")), zero.Count("k"))
			async(func() {
				fmt.Fprintln(out, "z waits")
				zero.Down("k")
				fmt.Fprintln(out, "z got k")
			})
			sched.Cede()
			fmt.Fprintf(out, "zero: count %d waiters %d\n", zero.Count("k"), zero.Waiters("k"))
			zero.Up("k")
			sched.Cede()
			fmt.Fprintf(out, "zero: count %d waiters %d\n", zero.Count("k"), zero.Waiters("k"))
			if set.Len() != 0 || zero.Len() != 0 {
				t.Errorf("idle keys kept: %d, %d", set.Len(), zero.Len())
			}
		})
	})
}
