package sync

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/corogo/coro/internal/perltest"
	"github.com/corogo/coro/sched"
)

// Side-by-side pairs that probe the edges of Coro's semantics: each
// Perl script in testdata/perl and its Go twin here print the same lines.

func TestPerlChannelOrder(t *testing.T) {
	perltest.Compare(t, "channel_order", func(out *bytes.Buffer) {
		p := func(a ...any) { fmt.Fprint(out, a...) }
		run(t, func() {
			q := NewChannel(0)
			for g := 1; g <= 3; g++ {
				async(func() { p("g", g, " waits\n"); v, _ := q.Get(); p("g", g, " got ", v, " (size ", q.Size(), ")\n") })
			}
			sched.Cede()
			q.Put("x")
			q.Put("y")
			p("main: put x y, size ", q.Size(), " nready=", sched.NReady(), "\n")
			v, _ := q.Get()
			p("main: own get -> ", v, " size ", q.Size(), "\n")
			sched.Cede()
			p("main: back size ", q.Size(), "\n")
			q.Put("z")
			sched.Cede()
			p("-- bounded\n")
			b := NewChannel(2)
			for _, pn := range []string{"a", "b", "c"} {
				async(func() { p(pn, " puts\n"); b.Put(pn); p(pn, " put returned (size ", b.Size(), ")\n") })
			}
			sched.Cede()
			p("main: size ", b.Size(), "\n")
			for range 3 {
				v, _ := b.Get()
				p("main: get ", v, " size ", b.Size(), "\n")
			}
			sched.Cede()
			p("main: size ", b.Size(), "\n")
			sched.Cede()
			p("-- shutdown with waiting getters\n")
			s := NewChannel(0)
			for g := 1; g <= 2; g++ {
				async(func() {
					v, ok := s.Get()
					if !ok {
						v = "undef"
					}
					p("s", g, " got ", v, "\n")
				})
			}
			sched.Cede()
			s.Put("only")
			s.Shutdown()
			sched.Cede()
			_, ok := s.Get()
			r := "undef"
			if ok {
				r = "value"
			}
			p("main: size ", s.Size(), " get ", r, "\n")
		})
	})
}

func TestPerlRWLockMore(t *testing.T) {
	perltest.Compare(t, "rwlock_more", func(out *bytes.Buffer) {
		p := func(a ...any) { fmt.Fprint(out, a...) }
		run(t, func() {
			var l RWLock
			l.Lock()
			p("main holds write\n")
			r := func(n string) {
				async(func() {
					p(n, " rd wait\n")
					l.RLock()
					p(n, " reads\n")
					sched.Cede()
					p(n, " unlocks\n")
					l.Unlock()
				})
			}
			w := func(n string) {
				async(func() {
					p(n, " wr wait\n")
					l.Lock()
					p(n, " writes\n")
					sched.Cede()
					p(n, " unlocks\n")
					l.Unlock()
				})
			}
			r("r1")
			w("w1")
			r("r2")
			w("w2")
			r("r3")
			sched.Cede()
			p("main unlocks, nready=", sched.NReady(), "\n")
			l.Unlock()
			p("main: nready=", sched.NReady(), " tryrdlock=", b2i(l.TryRLock()), "\n")
			sched.Cede()
			p("main: unlock its read lock\n")
			l.Unlock()
			cedeWhileReady()
			p("-- all done, trywrlock=", b2i(l.TryLock()), "\n")
			r("r4")
			r("r5")
			sched.Cede()
			p("main: unlock write, nready=", sched.NReady(), "\n")
			l.Unlock()
			p("main: trywrlock=", b2i(l.TryLock()), "\n")
			sched.Cede()
			p("main: back, nready=", sched.NReady(), "\n")
			l.Unlock()
			cedeWhileReady()
			p("end\n")
		})
	})
}

func TestPerlSemSetMore(t *testing.T) {
	perltest.Compare(t, "semset_more", func(out *bytes.Buffer) {
		p := func(a ...any) { fmt.Fprint(out, a...) }
		run(t, func() {
			set := NewSemaphoreSet[string](1)
			show := func(k string) { p("  ", k, ": count ", set.Count(k), " waiters ", set.Waiters(k), "\n") }
			set.Up("k")
			set.Up("k")
			show("k")
			set.Down("k")
			set.Down("k")
			set.Down("k")
			show("k")
			for n := 1; n <= 3; n++ {
				async(func() {
					p("t", n, " down k\n")
					set.Down("k")
					p("t", n, " holds k\n")
					sched.Cede()
					p("t", n, " ups k\n")
					set.Up("k")
				})
			}
			sched.Cede()
			show("k")
			set.Up("k")
			p("main: up, try -> ", b2i(set.TryDown("k")), "\n")
			show("k")
			sched.Cede()
			show("k")
			async(func() { p("wt waits k\n"); set.Wait("k"); p("wt sees k free (count ", set.Count("k"), ")\n") })
			sched.Cede()
			show("k")
			set.Up("k")
			cedeWhileReady()
			show("k")
		})
	})
}

func TestPerlSemMore(t *testing.T) {
	perltest.Compare(t, "sem_more", func(out *bytes.Buffer) {
		p := func(a ...any) { fmt.Fprint(out, a...) }
		run(t, func() {
			s := NewSemaphore(-1)
			for _, n := range []string{"a", "b", "c", "d"} {
				named(n, func() { p(n, " down\n"); s.Down(); p(n, " got (count ", s.Count(), ")\n") })
			}
			sched.Cede()
			p("count ", s.Count(), " waiters ", waiterNames(&s.q), "\n")
			s.Up()
			p("up: count ", s.Count(), " waiters ", waiterNames(&s.q), " nready=", sched.NReady(), "\n")
			s.Adjust(3)
			p("adjust 3: count ", s.Count(), " waiters ", waiterNames(&s.q), " nready=", sched.NReady(), "\n")
			p("try ", b2i(s.TryDown()), " count ", s.Count(), "\n")
			sched.Cede()
			p("count ", s.Count(), " waiters ", waiterNames(&s.q), "\n")
			s.Adjust(-1)
			s.Up()
			p("adjust -1, up: count ", s.Count(), " waiters ", waiterNames(&s.q), "\n")
			sched.Cede()
			p("count ", s.Count(), " waiters ", waiterNames(&s.q), "\n")
			s.Up()
			s.Up()
			sched.Cede()
			p("count ", s.Count(), " waiters ", waiterNames(&s.q), "\n")
			p("-- wait with count > 0 and waiters\n")
			tt := NewSemaphore(0)
			for _, n := range []string{"w1", "w2", "d1"} {
				named(n, func() {
					p(n, " blocks\n")
					if n[0] == 'w' {
						tt.Wait()
					} else {
						tt.Down()
					}
					p(n, " returns (count ", tt.Count(), ")\n")
				})
			}
			sched.Cede()
			tt.Adjust(2)
			p("adjust 2: waiters ", waiterNames(&tt.q), " nready=", sched.NReady(), "\n")
			tt.Down()
			p("main down: count ", tt.Count(), "\n")
			sched.Cede()
			p("count ", tt.Count(), " waiters ", waiterNames(&tt.q), "\n")
			tt.Wait()
			p("main wait returned, count ", tt.Count(), " nready=", sched.NReady(), "\n")
			sched.Cede()
			p("end count ", tt.Count(), " waiters ", waiterNames(&tt.q), "\n")
		})
	})
}

func TestPerlChannelCancel(t *testing.T) {
	perltest.Compare(t, "channel_cancel", func(out *bytes.Buffer) {
		p := func(a ...any) { fmt.Fprint(out, a...) }
		get := func(q *Channel) any { v, _ := q.Get(); return v }
		run(t, func() {
			q := NewChannel(2)
			q.Put("first")
			pc := async(func() { p("p puts second\n"); q.Put("second"); p("p: NOT REACHED\n") })
			sched.Cede()
			p("size ", q.Size(), "\n")
			pc.Cancel(nil)
			p("p cancelled, size ", q.Size(), "\n")
			p("get ", get(q), " size ", q.Size(), "\n")
			p("get ", get(q), " size ", q.Size(), "\n")
			async(func() { p("p2 puts third\n"); q.Put("third"); p("p2 put returned\n") })
			sched.Cede()
			p("size ", q.Size(), "\n")
			p("get ", get(q), " size ", q.Size(), "\n")
			sched.Cede()
			p("end size ", q.Size(), "\n")
		})
	})
}

func TestPerlSpurious(t *testing.T) {
	perltest.Compare(t, "spurious", func(out *bytes.Buffer) {
		p := func(a ...any) { fmt.Fprint(out, a...) }
		run(t, func() {
			never := async(func() { sched.Schedule() })
			sem := NewSemaphore(0)
			var sig Signal
			ch := NewChannel(0)
			var rw RWLock
			rw.Lock()
			cb := sched.RouseCb()
			c := map[string]*sched.Coro{}
			c["join"] = async(func() { never.Join(); p("join returned\n") })
			c["down"] = async(func() { sem.Down(); p("down returned\n") })
			c["wait"] = async(func() { sem.Wait(); p("sem wait returned\n") })
			c["sig"] = async(func() { sig.Wait(); p("signal wait returned\n") })
			c["rouse"] = async(func() { sched.RouseWait(cb); p("rouse_wait returned\n") })
			c["get"] = async(func() {
				v, ok := ch.Get()
				if !ok {
					v = "undef"
				}
				p("get returned ", v, "\n")
			})
			c["rd"] = async(func() { rw.RLock(); p("rdlock returned\n") })
			c["wr"] = async(func() { rw.Lock(); p("wrlock returned\n") })
			k := []string{"join", "down", "wait", "sig", "rouse", "get", "rd", "wr"}
			zombies := func() string {
				s := ""
				for i, n := range k {
					if i > 0 {
						s += " "
					}
					s += fmt.Sprint(n, "=", b2i(c[n].IsDone()))
				}
				return s
			}
			sched.Cede()
			p("all blocked; sem waiters ", sem.Waiters(), " awaited ", b2i(sig.Awaited()), " ch size ", ch.Size(), "\n")
			for _, n := range k {
				r := ""
				if c[n].Ready() {
					r = "1"
				}
				p("ready ", n, " -> '", r, "'\n")
			}
			sched.Cede()
			p("after spurious wake-ups: sem waiters ", sem.Waiters(), " awaited ", b2i(sig.Awaited()), "\n")
			p("zombies: ", zombies(), "\n")
			sem.Up()
			sig.Send()
			cb(1)
			ch.Put("v")
			rw.Unlock()
			sched.Cede()
			p("after real wake-ups: sem count ", sem.Count(), " waiters ", sem.Waiters(), " awaited ", b2i(sig.Awaited()), "\n")
			sched.Cede()
			p("zombies: ", zombies(), "\n")
		})
	})
}
