package sched_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/corogo/coro/internal/perltest"
	"github.com/corogo/coro/sched"
)

// Side-by-side pairs that probe the edges of Coro's semantics: each
// Perl script in testdata/perl and its Go twin here print the same lines.

func TestPerlPrioQueue(t *testing.T) {
	perltest.Compare(t, "prio_queue", func(out *bytes.Buffer) {
		p := plPrinter(out)
		plRun(t, func() {
			var c []*sched.Coro
			for _, n := range []string{"a", "b", "c", "d"} {
				c = append(c, sched.Async(func() any {
					p(n, " runs prio=", sched.Current().Prio(), "\n")
					sched.Cede()
					p(n, " again prio=", sched.Current().Prio(), "\n")
					return nil
				}))
			}
			c[1].SetPrio(2)
			c[3].SetPrio(-1)
			p("main: nready=", sched.NReady(), " cede\n")
			sched.Cede()
			p("main: back nready=", sched.NReady(), "\n")
			sched.Cede()
			p("main: back2 nready=", sched.NReady(), "\n")
			sched.Cede()
			sched.Cede()
			p("main: back3 nready=", sched.NReady(), "\n")
			sched.Async(func() any { p("lo runs\n"); return nil })
			hi := sched.NewCoro(func() any {
				p("hi: cede 1\n")
				sched.Cede()
				p("hi: cede_notself\n")
				sched.CedeNotSelf()
				p("hi: back after cede_notself\n")
				return nil
			})
			hi.SetPrio(sched.PrioHigh)
			hi.Ready()
			p("main: cede to hi\n")
			sched.Cede()
			p("main: back, nready=", sched.NReady(), "\n")
			sched.Cede()
			p("main: done, nready=", sched.NReady(), "\n")
			sched.Async(func() any { p("x runs\n"); return nil })
			sched.Async(func() any { p("y runs\n"); return nil })
			sched.Current().SetPrio(-2)
			p("main prio -2, cede\n")
			sched.Cede()
			p("main back at -2\n")
			sched.Current().SetPrio(0)
			m := sched.Current()
			sched.Async(func() any { p("z raises main prio\n"); m.SetPrio(3); return nil })
			sched.Async(func() any { p("w runs\n"); return nil })
			sched.Cede()
			p("main back prio=", m.Prio(), "\n")
			sched.Async(func() any { p("v runs\n"); return nil })
			sched.Cede()
			p("main after v? prio=", m.Prio(), "\n")
			sched.Cede()
			p("end\n")
		})
	})
}

func TestPerlJoinCancel(t *testing.T) {
	perltest.Compare(t, "join_cancel", func(out *bytes.Buffer) {
		p := plPrinter(out)
		plRun(t, func() {
			tc := sched.Async(func() any { p("t: blocks\n"); sched.Schedule(); p("t: NOT REACHED\n"); return nil })
			for n := 1; n <= 3; n++ {
				sched.Async(func() any {
					p("j", n, ": join t\n")
					v := plJoin(tc)
					p("j", n, ": got (", plList(v, " "), ") nready=", sched.NReady(), "\n")
					return nil
				})
			}
			sched.Async(func() any {
				p("k: cancel t\n")
				tc.Cancel([]any{"k1", "k2"})
				p("k: after cancel nready=", sched.NReady(), "\n")
				return nil
			})
			p("main: cede\n")
			sched.Cede()
			p("main: back nready=", sched.NReady(), "\n")
			sched.Cede()
			p("main: back2 nready=", sched.NReady(), "\n")
			u := sched.Async(func() any { sched.Schedule(); return nil })
			ju := sched.Async(func() any {
				defer p("ju: unwound\n")
				p("ju: join u\n")
				u.Join()
				p("ju: NOT REACHED\n")
				return nil
			})
			sched.Cede()
			ju.Cancel(nil)
			p("main: ju cancelled, zombie=", plB01(ju.IsDone()), "\n")
			u.Cancel([]any{"uval"})
			p("main: u cancelled\n")
			sched.Cede()
			p("main: join ju -> (", plList(plJoin(ju), ","), ")\n")
			w := sched.Async(func() any { sched.Schedule(); return nil })
			w.OnDestroy(func(v any) { p("w: on_destroy (", plList(v, " "), ")\n") })
			sched.Async(func() any { v := plJoin(w); p("jw1 (", plList(v, " "), ")\n"); return nil })
			w.OnDestroy(func(v any) { p("w: on_destroy2 (", plList(v, " "), ")\n") })
			sched.Async(func() any { v := plJoin(w); p("jw2 (", plList(v, " "), ")\n"); return nil })
			sched.Cede()
			sched.Async(func() any { p("late runs\n"); return nil })
			w.Cancel([]any{1, 2})
			p("main: cancelled w, nready=", sched.NReady(), "\n")
			sched.Cede()
			p("end\n")
		})
	})
}

func TestPerlIdle(t *testing.T) {
	perltest.Compare(t, "idle", func(out *bytes.Buffer) {
		p := plPrinter(out)
		var sleepers []*sched.Coro
		calls := 0
		name := map[*sched.Coro]string{}
		s := sched.New(sched.Idle(func() bool {
			calls++
			var c *sched.Coro
			if len(sleepers) > 0 {
				c, sleepers = sleepers[0], sleepers[1:]
			}
			nm := "nobody"
			if c != nil {
				nm = name[c]
			}
			p("idle call ", calls, " nready=", sched.NReady(), " waking ", nm, "\n")
			if c != nil {
				c.Ready()
			}
			return true
		}))
		err := s.Run(func() {
			for _, n := range []string{"a", "b", "c"} {
				co := sched.Async(func() any {
					p(n, ": sleeps\n")
					sleepers = append(sleepers, sched.Current())
					sched.Schedule()
					p(n, ": woken, nready=", sched.NReady(), "\n")
					return nil
				})
				name[co] = n
			}
			name[sched.Current()] = "main"
			sched.Cede()
			p("main: sleeps last, nready=", sched.NReady(), "\n")
			sleepers = append(sleepers, sched.Current())
			sched.Schedule()
			p("main: woken after ", calls, " idle calls, nready=", sched.NReady(), "\n")
			x := sched.Async(func() any { p("x: sleeps\n"); sched.Schedule(); p("x: woken\n"); return nil })
			name[x] = "x"
			y := sched.Async(func() any {
				p("y: sleeps\n")
				sleepers = append(sleepers, sched.Current())
				sched.Schedule()
				p("y: woken, readies x\n")
				x.Ready()
				return nil
			})
			name[y] = "y"
			sched.Cede()
			sleepers = append(sleepers, sched.Current())
			sched.Schedule()
			p("main: end after ", calls, " idle calls\n")
		})
		if err != nil {
			p(err.Error())
		}
	})
}

func TestPerlCancelInDestroy(t *testing.T) {
	perltest.Compare(t, "cancel_in_destroy", func(out *bytes.Buffer) {
		p := plPrinter(out)
		plRun(t, func() {
			b := sched.Async(func() any {
				defer p("b: unwound\n")
				p("b: blocks\n")
				sched.Schedule()
				p("b: NOT REACHED\n")
				return nil
			})
			q := sched.Async(func() any {
				defer p("q: unwound\n")
				p("q: runs, cedes\n")
				sched.Cede()
				p("q: NOT REACHED\n")
				return nil
			})
			a := sched.Async(func() any { defer p("a: unwound\n"); p("a: blocks\n"); sched.Schedule(); return nil })
			b.OnDestroy(func(v any) { p("b: on_destroy (", plList(v, " "), ")\n") })
			q.OnDestroy(func(v any) { p("q: on_destroy (", plList(v, " "), ")\n") })
			a.OnDestroy(func(v any) {
				p("a: on_destroy 1 (", plList(v, " "), "), cancel b\n")
				b.Cancel([]any{"from-a"})
				p("a: on_destroy 1 done, b zombie=", plB01(b.IsDone()), "\n")
			})
			a.OnDestroy(func(v any) {
				p("a: on_destroy 2 (", plList(v, " "), "), cancel q\n")
				q.Cancel([]any{"from-a2"})
				p("a: on_destroy 2 done nready=", sched.NReady(), "\n")
			})
			sched.Cede()
			p("main: nready=", sched.NReady(), " cancel a\n")
			a.Cancel([]any{"A"})
			p("main: after cancel a, nready=", sched.NReady(), " zombies a=", plB01(a.IsDone()), " b=", plB01(b.IsDone()), " q=", plB01(q.IsDone()), "\n")
			sched.Cede()
			p("main: back nready=", sched.NReady(), "\n")
			p("joins: a=(", plList(plJoin(a), ","), ") b=(", plList(plJoin(b), ","), ") q=(", plList(plJoin(q), ","), ")\n")
		})
	})
}

func TestPerlCancelQueued(t *testing.T) {
	perltest.Compare(t, "cancel_queued", func(out *bytes.Buffer) {
		p := plPrinter(out)
		plRun(t, func() {
			c := sched.Async(func() any { defer p("c: unwound\n"); p("c: step 1\n"); sched.Cede(); p("c: NOT REACHED\n"); return nil })
			sched.Async(func() any { p("d: step 1\n"); sched.Cede(); p("d: step 2\n"); return nil })
			sched.Cede()
			p("main: nready=", sched.NReady(), " c ready=", plB01(c.IsReady()), "\n")
			c.Cancel([]any{"x"})
			p("main: cancelled c, nready=", sched.NReady(), "\n")
			p("main: ready c again -> '", plPB(c.Ready()), "' nready=", sched.NReady(), "\n")
			sched.Cede()
			p("main: back nready=", sched.NReady(), "\n")
			v := sched.Async(func() any { p("v: NOT REACHED\n"); return nil })
			k := sched.Async(func() any { p("k: runs\n"); return nil })
			k.SetPrio(1)
			killer := sched.NewCoro(func() any {
				p("killer: cancel v, nready=", sched.NReady(), "\n")
				v.Cancel(nil)
				p("killer: nready=", sched.NReady(), "\n")
				return nil
			})
			killer.SetPrio(1)
			killer.Ready()
			p("main: nready=", sched.NReady(), "\n")
			sched.Cede()
			p("main: back nready=", sched.NReady(), "\n")
			s := sched.Async(func() any { p("s: NOT REACHED\n"); return nil })
			s.Suspend()
			s.Cancel(nil)
			p("main: s zombie=", plB01(s.IsDone()), " nready=", sched.NReady(), "\n")
			sched.Cede()
			p("main: end nready=", sched.NReady(), "\n")
		})
	})
}

func TestPerlRouseMore(t *testing.T) {
	perltest.Compare(t, "rouse_more", func(out *bytes.Buffer) {
		p := plPrinter(out)
		plRun(t, func() {
			cb1 := sched.RouseCb()
			cb2 := sched.RouseCb()
			cb1("one", nil, "three")
			cb1("ignored")
			cb2()
			a := sched.RouseWait(cb1)
			var parts []any
			for _, v := range a {
				if v == nil {
					v = "undef"
				}
				parts = append(parts, v)
			}
			p("cb1: ", len(a), " values (", plList(parts, ","), ")\n")
			b := sched.RouseWait(nil)
			p("default (cb2): ", len(b), " values\n")
			cb3 := sched.RouseCb()
			sched.Async(func() any {
				p("w: waits on main's cb\n")
				v := sched.RouseWait(cb3)
				p("w: got (", plList(v, " "), ")\n")
				return nil
			})
			sched.Cede()
			p("main: calling cb3, nready=", sched.NReady(), "\n")
			cb3(7, 8)
			p("main: nready=", sched.NReady(), "\n")
			sched.Cede()
			var cb4 func(...any)
			tc := sched.Async(func() any {
				cb4 = sched.RouseCb()
				var v []any
				msg := plEval(func() { v = sched.RouseWait(cb4) })
				if msg != "" {
					p("t: died: ", msg, "\n")
				} else {
					p("t: got (", plList(v, " "), ")\n")
				}
				return nil
			})
			sched.Cede()
			tc.Throw(errors.New("rx"))
			sched.Cede()
			p("main: after throw, calling cb4 late\n")
			cb4("late")
			sched.Cede()
			cb5 := sched.RouseCb()
			sched.Async(func() any { p("c1 calls\n"); cb5("c1"); return nil })
			sched.Async(func() any { p("c2 calls\n"); cb5("c2"); return nil })
			r := sched.RouseWait(cb5)
			p("main: got (", plList(r, " "), ") nready=", sched.NReady(), "\n")
			sched.Cede()
			p("end\n")
		})
	})
}

func TestPerlKillall(t *testing.T) {
	perltest.Compare(t, "killall", func(out *bytes.Buffer) {
		p := plPrinter(out)
		plRun(t, func() {
			var c []*sched.Coro
			for _, n := range []string{"a", "b", "c", "d", "e"} {
				var co *sched.Coro
				switch n {
				case "a", "c":
					co = sched.Async(func() any { defer p(n, ": unwound\n"); sched.Schedule(); return nil })
				case "b":
					co = sched.Async(func() any { defer p(n, ": unwound\n"); sched.Cede(); p("b: NOT REACHED\n"); return nil })
				case "d":
					co = sched.NewCoro(func() any { p("d: NOT REACHED\n"); return nil })
				default:
					co = sched.Async(func() any { p("e: NOT REACHED\n"); return nil })
				}
				co.OnDestroy(func(any) { p(n, ": on_destroy\n") })
				c = append(c, co)
			}
			sched.Cede()
			f := sched.Async(func() any { p("f: NOT REACHED\n"); return nil })
			f.OnDestroy(func(any) { p("f: on_destroy\n") })
			p("main: nready=", sched.NReady(), " killall\n")
			sched.KillAll()
			z := ""
			for _, co := range append(c, f) {
				z += fmt.Sprint(plB01(co.IsDone()))
			}
			p("main: after killall nready=", sched.NReady(), " zombies=", z, "\n")
			sched.Cede()
			p("main: end\n")
		})
	})
}

func TestPerlNReady(t *testing.T) {
	perltest.Compare(t, "nready", func(out *bytes.Buffer) {
		p := plPrinter(out)
		nr := sched.NReady
		plRun(t, func() {
			p("start nready=", nr(), "\n")
			n := sched.NewCoro(func() any {
				p("n runs nready=", nr(), "\n")
				sched.Cede()
				p("n again nready=", nr(), "\n")
				return nil
			})
			p("new: nready=", nr(), "\n")
			n.Ready()
			p("ready: nready=", nr(), "\n")
			n.Ready()
			p("ready again: nready=", nr(), "\n")
			a := sched.Async(func() any {
				p("a runs nready=", nr(), "\n")
				sched.Schedule()
				p("a woken nready=", nr(), "\n")
				return nil
			})
			p("async: nready=", nr(), "\n")
			sched.Current().Ready()
			p("main self-ready: nready=", nr(), "\n")
			sched.Cede()
			p("main cede (was already ready): nready=", nr(), "\n")
			sched.Cede()
			p("main cede: nready=", nr(), "\n")
			a.Ready()
			a.Ready()
			p("a readied: nready=", nr(), "\n")
			sched.Async(func() any { p("j joins a, nready=", nr(), "\n"); a.Join(); p("j back nready=", nr(), "\n"); return nil })
			p("nready=", nr(), "\n")
			sched.Cede()
			p("main: nready=", nr(), "\n")
			sched.Cede()
			p("main: nready=", nr(), "\n")
			tc := sched.Async(func() any { sched.Terminate(nil); return nil })
			u := sched.Async(func() any { p("u\n"); return nil })
			tc.SetPrio(2)
			u.SetPrio(-2)
			p("prio changed: nready=", nr(), "\n")
			sched.Cede()
			p("main: nready=", nr(), "\n")
			sched.Cede()
			p("main: nready=", nr(), "\n")
			sched.CedeNotSelf()
			p("main cede_notself: nready=", nr(), "\n")
			p("end\n")
		})
	})
}

func TestPerlCedeNotSelfPrio(t *testing.T) {
	perltest.Compare(t, "cede_notself_prio", func(out *bytes.Buffer) {
		p := plPrinter(out)
		plRun(t, func() {
			hi := sched.NewCoro(func() any { p("hi(2) runs\n"); sched.Cede(); p("hi(2) again\n"); return nil })
			hi.SetPrio(2)
			lo := sched.NewCoro(func() any { p("lo(-2) runs, cede_notself\n"); sched.CedeNotSelf(); p("lo(-2) back\n"); return nil })
			lo.SetPrio(-2)
			mid := sched.NewCoro(func() any { p("mid(0) runs, cede_notself\n"); sched.CedeNotSelf(); p("mid(0) back\n"); return nil })
			lo.Ready()
			mid.Ready()
			sched.Current().SetPrio(1)
			p("main(1): cede_notself, nready=", sched.NReady(), "\n")
			sched.CedeNotSelf()
			p("main(1): back, nready=", sched.NReady(), "\n")
			hi.Ready()
			p("main(1): cede_notself with hi queued\n")
			sched.CedeNotSelf()
			p("main(1): back, nready=", sched.NReady(), "\n")
			sched.CedeNotSelf()
			p("main(1): back2, nready=", sched.NReady(), "\n")
			sched.CedeNotSelf()
			p("main(1): back3, nready=", sched.NReady(), "\n")
			sched.CedeNotSelf()
			p("main(1): back4, nready=", sched.NReady(), "\n")
			sched.Current().SetPrio(-4)
			p("main(-4): cede\n")
			sched.Cede()
			p("main(-4): end nready=", sched.NReady(), "\n")
		})
	})
}

func TestPerlJoinPrio(t *testing.T) {
	perltest.Compare(t, "join_prio", func(out *bytes.Buffer) {
		p := plPrinter(out)
		plRun(t, func() {
			tc := sched.Async(func() any {
				p("t: blocks\n")
				sched.Schedule()
				p("t: terminating\n")
				func() { sched.Terminate([]any{"a", nil, "c"}) }()
				p("NOT REACHED\n")
				return nil
			})
			prios := []int{-1, 2, 0, 1, 0}
			for i, pr := range prios {
				co := sched.Async(func() any {
					v := plJoin(tc)
					var parts []any
					for _, e := range v {
						if e == nil {
							e = "undef"
						}
						parts = append(parts, e)
					}
					p("j", i, "(prio ", pr, ") got (", plList(parts, ","), ")\n")
					return nil
				})
				co.SetPrio(pr)
			}
			sched.Cede()
			p("main: all joined? nready=", sched.NReady(), "\n")
			for sched.NReady() > 0 {
				sched.Cede()
			}
			p("main: t prio -> 3 while blocked, then ready\n")
			tc.SetPrio(3)
			sched.Async(func() any { p("normal runs\n"); return nil })
			tc.Ready()
			sched.Cede()
			p("main: after cede nready=", sched.NReady(), "\n")
			for sched.NReady() > 0 {
				sched.CedeNotSelf()
			}
			p("end\n")
		})
	})
}

func TestPerlSuspendSelf(t *testing.T) {
	perltest.Compare(t, "suspend_self", func(out *bytes.Buffer) {
		p := plPrinter(out)
		plRun(t, func() {
			a := sched.Async(func() any {
				p("a: suspend self, cede\n")
				sched.Current().Suspend()
				sched.Cede()
				p("a: back (suspended=", plB01(sched.Current().IsSuspended()), ")\n")
				return nil
			})
			sched.Cede()
			p("main: a suspended=", plB01(a.IsSuspended()), " nready=", sched.NReady(), "\n")
			sched.Cede()
			p("main: after cede (a dropped), a new=", plB01(a.IsNew()), " zombie=", plB01(a.IsDone()), "\n")
			a.Resume()
			p("main: resumed a, is_suspended=", plB01(a.IsSuspended()), "\n")
			sched.Cede()
			p("main: a did not run (activation lost)\n")
			b := sched.Async(func() any {
				p("b: suspend self, cede\n")
				sched.Current().Suspend()
				sched.Cede()
				p("b: back\n")
				return nil
			})
			sched.Cede()
			b.Resume()
			sched.Cede()
			p("main: b zombie=", plB01(b.IsDone()), "\n")
			c := sched.Async(func() any {
				p("c: ready self, suspend, schedule\n")
				sched.Current().Ready()
				sched.Current().Suspend()
				sched.Schedule()
				p("c: back\n")
				return nil
			})
			sched.Async(func() any { p("d runs\n"); return nil })
			sched.Cede()
			p("main: c suspended=", plB01(c.IsSuspended()), " zombie=", plB01(c.IsDone()), "\n")
		})
	})
}

// Found by review: with nothing of its priority or higher ready, the
// cede's shortcut ran the suspended coroutine on.
func TestPerlSuspendSelfAlone(t *testing.T) {
	perltest.Compare(t, "suspend_self_alone", func(out *bytes.Buffer) {
		p := plPrinter(out)
		plRun(t, func() {
			low := sched.Async(func() any { p("low runs\n"); return nil })
			low.SetPrio(-1)
			a := sched.Async(func() any {
				p("a: suspend, cede\n")
				sched.Current().Suspend()
				sched.Cede()
				p("a: back\n")
				return nil
			})
			a.SetPrio(1)
			sched.Cede()
			p("main: a zombie=", plB01(a.IsDone()), " suspended=", plB01(a.IsSuspended()), " low zombie=", plB01(low.IsDone()), "\n")
		})
	})
}

// Found by review: RouseWait returned a callback's arguments every time,
// and RouseWait(nil) kept the default.
func TestPerlRouseTake(t *testing.T) {
	perltest.Compare(t, "rouse_take", func(out *bytes.Buffer) {
		p := plPrinter(out)
		plRun(t, func() {
			cb := sched.RouseCb()
			cb(1, 2)
			p("explicit: (", plList(sched.RouseWait(cb), " "), ")\n")
			b := sched.RouseWait(cb)
			p("again: (", plList(b, " "), ") n=", len(b), "\n")
			p("default after explicit: (", plList(sched.RouseWait(nil), " "), ")\n")
			cb2 := sched.RouseCb()
			sched.Async(func() any { cb2(3); return nil })
			p("default: (", plList(sched.RouseWait(nil), " "), ")\n")
			msg := plEval(func() { sched.RouseWait(nil) })
			if strings.Contains(msg, "no RouseCb callback left") {
				p("default again: none left\n")
			} else {
				p("default again: (", msg, ")\n")
			}
			cb2(4)
			p("late call: (", plList(sched.RouseWait(cb2), " "), ")\n")
		})
	})
}

// Found by review: Poll fired the timers and polled, then ceded, so it
// came back before coroutines of lower priority, or of its own that
// ceded, had run.
func TestPerlPoll(t *testing.T) {
	perltest.Compare(t, "poll", func(out *bytes.Buffer) {
		p := plPrinter(out)
		plRun(t, func() {
			low := sched.Async(func() any { p("low runs\n"); sched.Cede(); p("low again\n"); return nil })
			low.SetPrio(-1)
			sched.Async(func() any { p("eq runs\n"); sched.Cede(); p("eq again\n"); return nil })
			high := sched.Async(func() any { p("high runs\n"); sched.Poll(); p("high back from poll\n"); return nil })
			high.SetPrio(1)
			sched.Cede()
			p("main polls\n")
			sched.Poll()
			p("main back from poll\n")
			sched.Sleep(0)
			p("main back from sleep 0\n")
		})
	})
}
