package sched_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/corogo/coro/internal/perltest"
	"github.com/corogo/coro/sched"
	cosync "github.com/corogo/coro/sync"
)

// Side-by-side pairs of how coroutines end, and of what waits for them to:
// a Throw at a coroutine waiting in Join, SafeCancel, and AsyncPool's
// coroutines, which end only when a call ends them. Each Perl script in
// testdata/perl and its Go twin here print the same lines.

// plSafeCancel is $coro->safe_cancel, which dies where SafeCancel returns
// an error.
func plSafeCancel(c *sched.Coro, v any) {
	if err := c.SafeCancel(v); err != nil {
		panic(err)
	}
}

// plEvalList runs f as Perl's eval BLOCK in list context and reports how
// it ended as the Perl scripts print it: "died: $@" or "returned (@v)".
func plEvalList(f func() []any) string {
	var v []any
	if msg := plEval(func() { v = f() }); msg != "" {
		return "died: " + msg + "\n"
	}
	return "returned (" + plList(v, " ") + ")\n"
}

// plEvalJoin is plEvalList of $c->join.
func plEvalJoin(c *sched.Coro) string {
	return plEvalList(func() []any { return plJoin(c) })
}

func TestPerlThrowJoin(t *testing.T) {
	perltest.Compare(t, "throw_join", func(out *bytes.Buffer) {
		p := plPrinter(out)
		plRun(t, func() {
			// joiner joins target in a coroutine that reports how join ended.
			joiner := func(name string, target *sched.Coro) *sched.Coro {
				return sched.Async(func() any {
					p(name, ": join ", plEvalJoin(target))
					return nil
				})
			}
			target := sched.Async(func() any { sched.Schedule(); p("target: resumed\n"); return "tv" })
			j := joiner("j", target)
			sched.Cede()
			j.Throw(errors.New("jx"))
			p("nready=", sched.NReady(), " j is_ready=", plB01(j.IsReady()), "\n")
			sched.Cede()
			sched.Cede()
			sched.Cede()
			p("main: after cedes nready=", sched.NReady(), "\n")
			target.Cancel("c")
			p("main: cancelled target nready=", sched.NReady(), "\n")
			sched.Cede()

			t2 := sched.Async(func() any { sched.Schedule(); p("t2: resumed\n"); return "t2v" })
			j2 := joiner("j2", t2)
			sched.Cede()
			j2.Throw(errors.New("j2x"))
			j2.Throw(nil)
			sched.Cede()
			p("main: readying t2\n")
			t2.Ready()
			sched.Cede()
			sched.Cede()

			t3 := sched.Async(func() any { sched.Schedule(); p("t3: resumed\n"); return "t3v" })
			j3 := joiner("j3", t3)
			sched.Cede()
			j3.Throw(errors.New("first"))
			j3.Throw(errors.New("second"))
			t3.Ready()
			sched.Cede()
			sched.Cede()

			cb := sched.RouseCb()
			w := sched.Async(func() any {
				p("w: ", plEvalList(func() []any { return sched.RouseWait(cb) }))
				return nil
			})
			sched.Cede()
			w.Throw(errors.New("wx"))
			sched.Cede()
			p("main: end\n")
		})
	})
}

func TestPerlSafeCancel(t *testing.T) {
	perltest.Compare(t, "safe_cancel", func(out *bytes.Buffer) {
		p := plPrinter(out)
		// guarded makes a coroutine that sleeps under a guard, with an
		// on_destroy callback; both print.
		guarded := func(name string) *sched.Coro {
			c := sched.Async(func() any { defer p(name, ": guard\n"); sched.Schedule(); return nil })
			c.OnDestroy(func(v any) { p(name, ": on_destroy (", plList(v, " "), ")\n") })
			return c
		}
		plRun(t, func() {
			b := guarded("b")
			sched.Cede()
			p("nready before=", sched.NReady(), "\n")
			plSafeCancel(b, []any{"sv", 2})
			p("after safe_cancel: nready=", sched.NReady(), " is_ready=", plB01(b.IsReady()), " zombie=", plB01(b.IsDone()), "\n")
			j := plJoin(b)
			p("join -> (", plList(j, " "), ") zombie=", plB01(b.IsDone()), "\n")
			sched.Cede()
			p("after cede zombie=", plB01(b.IsDone()), "\n")

			c := guarded("c")
			sched.Cede()
			plSafeCancel(c, "cv")
			sched.Async(func() any { v := plJoin(c); p("joiner got (", plList(v, " "), ")\n"); return nil })
			sched.Cede()

			n := sched.NewCoro(func() any { p("n: NOT REACHED\n"); return nil })
			plSafeCancel(n, "nv")
			p("new: zombie=", plB01(n.IsDone()), " join=(", plList(plJoin(n), ","), ")\n")

			d := guarded("d")
			sched.Cede()
			plSafeCancel(d, "first")
			plSafeCancel(d, "second")
			p("d join -> (", plList(plJoin(d), ","), ")\n")
			sched.Cede()

			e := guarded("e")
			sched.Cede()
			plSafeCancel(e, "s1")
			p("main: cancel e\n")
			e.Cancel("h1")
			p("main: e zombie=", plB01(e.IsDone()), " nready=", sched.NReady(), " join=(", plList(plJoin(e), ","), ")\n")

			f := sched.Async(func() any { defer p("f: guard\n"); sched.Schedule(); p("f: NOT REACHED\n"); return nil })
			f.OnDestroy(func(v any) { p("f: on_destroy (", plList(v, " "), ")\n") })
			sched.Cede()
			plSafeCancel(f, "fv")
			f.Throw(errors.New("fx"))
			sched.Cede()
			p("f zombie=", plB01(f.IsDone()), "\n")

			// A recover does not stop the unwinding, as eval does not.
			g := sched.Async(func() any {
				plEval(func() { defer p("g: guard\n"); sched.Schedule() })
				p("g: NOT REACHED\n")
				return nil
			})
			sched.Cede()
			plSafeCancel(g, "gv")
			sched.Cede()
			p("g zombie=", plB01(g.IsDone()), "\n")

			h := sched.Async(func() any { defer p("h: guard\n"); sched.Cede(); p("h: NOT REACHED\n"); return nil })
			sched.Cede()
			p("h is_ready=", plB01(h.IsReady()), "\n")
			plSafeCancel(h, "hv")
			p("h: nready=", sched.NReady(), "\n")
			sched.Cede()
			p("main: end h zombie=", plB01(h.IsDone()), "\n")
		})
	})
}

// plIDs numbers coroutines in the order it first meets them, as the Perl
// scripts' id() does.
func plIDs() func(c *sched.Coro) int {
	seen := map[*sched.Coro]int{}
	return func(c *sched.Coro) int {
		if _, ok := seen[c]; !ok {
			seen[c] = len(seen) + 1
		}
		return seen[c]
	}
}

func TestPerlPool(t *testing.T) {
	perltest.Compare(t, "pool", func(out *bytes.Buffer) {
		p := plPrinter(out)
		plRun(t, func() {
			sp := sched.NewSpecific[any]()
			id := plIDs()
			undef := func(v any) any {
				if v == nil {
					return "undef"
				}
				return v
			}
			cur := sched.Current
			p("main desc=[", cur().Desc(), "] prio=", cur().Prio(), "\n")
			p1 := sched.AsyncPool(func() {
				p("p1: desc=[", cur().Desc(), "] prio=", cur().Prio(), " specific=", undef(sp.Get()), " id=", id(cur()), "\n")
				cur().SetPrio(2)
				cur().SetDesc("changed")
				sp.Set("p1val")
			})
			p("main: p1 returned object id=", id(p1), " nready=", sched.NReady(), " is_new=", plB01(p1.IsNew()), "\n")
			sched.Cede()
			p("main: p1 after run: desc=[", p1.Desc(), "] prio=", p1.Prio(), " zombie=", plB01(p1.IsDone()), " is_new=", plB01(p1.IsNew()), "\n")
			p2 := sched.AsyncPool(func() {
				p("p2: desc=[", cur().Desc(), "] prio=", cur().Prio(), " specific=", undef(sp.Get()), " id=", id(cur()), "\n")
			})
			p("main: p2 object id=", id(p2), " desc before it runs=[", p2.Desc(), "]\n")
			sched.Cede()
			sched.Async(func() any { p("plain runs\n"); return nil })
			p3 := sched.AsyncPool(func() { p("p3 runs prio=", cur().Prio(), " id=", id(cur()), "\n"); sched.Cede(); p("p3 again\n") })
			p3.SetPrio(1)
			sched.Cede()
			p("main: back nready=", sched.NReady(), "\n")
			sched.Cede()
			p("main: end\n")
		})
	})
}

func TestPerlPoolEnd(t *testing.T) {
	perltest.Compare(t, "pool_end", func(out *bytes.Buffer) {
		p := plPrinter(out)
		onDestroy := func(name string, c *sched.Coro) {
			c.OnDestroy(func(v any) { p(name, ": on_destroy (", plList(v, " "), ")\n") })
		}
		plRun(t, func() {
			tc := sched.AsyncPool(func() { p("t: terminate\n"); sched.Terminate("tv") })
			onDestroy("t", tc)
			p("main: join t -> (", plList(plJoin(tc), ","), ")\n")
			c := sched.AsyncPool(func() { defer p("c: guard\n"); sched.Schedule() })
			onDestroy("c", c)
			sched.Cede()
			c.Cancel("cv")
			z := plB01(c.IsDone())
			p("main: c zombie=", z, " join -> (", plList(plJoin(c), ","), ")\n")
			r := sched.AsyncPool(func() { p("r: returns\n") })
			onDestroy("r", r)
			sched.Cede()
			p("main: r zombie=", plB01(r.IsDone()), " desc=", r.Desc(), "\n")
			sched.Async(func() any { p("w: joining r\n"); v := plJoin(r); p("w: r joined (", plList(v, " "), ")\n"); return nil })
			sched.Cede()
			sched.AsyncPool(func() { p("q: same as r: ", plB01(sched.Current() == r), "\n"); sched.Terminate("qv") })
			sched.Cede()
			p("main: end\n")
		})
	})
}

func TestPerlPoolFull(t *testing.T) {
	perltest.Compare(t, "pool_full", func(out *bytes.Buffer) {
		p := plPrinter(out)
		err := sched.New(sched.PoolSize(1)).Run(func() {
			var ps []*sched.Coro
			for i := 1; i <= 3; i++ {
				ps = append(ps, sched.AsyncPool(func() { p("job ", i, "\n") }))
			}
			for i, c := range ps {
				c.OnDestroy(func(v any) { p("od ", i, " (", plList(v, " "), ")\n") })
			}
			p("distinct: ", plB01(ps[0] != ps[1] && ps[1] != ps[2]), "\n")
			sched.Cede()
			var z []string
			for _, c := range ps {
				z = append(z, fmt.Sprint(plB01(c.IsDone())))
			}
			p("zombies: ", strings.Join(z, " "), " nready=", sched.NReady(), "\n")
			sched.AsyncPool(func() { p("s: is p0: ", plB01(sched.Current() == ps[0]), "\n") })
			sched.Cede()
			p("main: end\n")
		})
		if err != nil {
			t.Error(err)
		}
	})
}

func TestPerlSafeCancelSemaphore(t *testing.T) {
	perltest.Compare(t, "safe_cancel_sem", func(out *bytes.Buffer) {
		p := plPrinter(out)
		plRun(t, func() {
			s := cosync.NewSemaphore(0)
			a := sched.Async(func() any { defer p("a: guard\n"); s.Down(); p("a: NOT REACHED\n"); return nil })
			b := sched.Async(func() any { s.Down(); p("b: got it\n"); s.Up(); return nil })
			sched.Cede()
			p("waiters=", s.Waiters(), " nready=", sched.NReady(), "\n")
			plSafeCancel(a, "av")
			p("after sc: waiters=", s.Waiters(), " nready=", sched.NReady(), "\n")
			s.Up()
			p("after up: waiters=", s.Waiters(), " nready=", sched.NReady(), " count=", s.Count(), "\n")
			sched.Cede()
			p("main: count=", s.Count(), " a zombie=", plB01(a.IsDone()), " b zombie=", plB01(b.IsDone()), "\n")
			sched.Cede()
			p("end count=", s.Count(), " waiters=", s.Waiters(), "\n")
		})
	})
}

func TestPerlSafeCancelRouse(t *testing.T) {
	perltest.Compare(t, "safe_cancel_rouse", func(out *bytes.Buffer) {
		p := plPrinter(out)
		plRun(t, func() {
			var cb func(...any)
			a := sched.Async(func() any {
				cb = sched.RouseCb()
				defer p("a: guard\n")
				v := sched.RouseWait(nil)
				p("a: NOT REACHED (", plList(v, " "), ")\n")
				return nil
			})
			sched.Cede()
			plSafeCancel(a, "av")
			p("after sc: nready=", sched.NReady(), "\n")
			cb(1, 2)
			p("after cb: nready=", sched.NReady(), "\n")
			sched.Cede()
			p("main: a zombie=", plB01(a.IsDone()), " join=(", plList(plJoin(a), ","), ")\n")
		})
	})
}

func TestPerlSafeCancelJoiners(t *testing.T) {
	perltest.Compare(t, "safe_cancel_joiners", func(out *bytes.Buffer) {
		p := plPrinter(out)
		plRun(t, func() {
			u := sched.Async(func() any { defer p("u: guard\n"); sched.Schedule(); p("u: NOT REACHED\n"); return "uv" })
			u.OnDestroy(func(v any) { p("u: on_destroy (", plList(v, " "), ")\n") })
			for n := 1; n <= 3; n++ {
				sched.Async(func() any {
					v := plJoin(u)
					p("ju", n, ": got (", plList(v, " "), ") nready=", sched.NReady(), "\n")
					return nil
				})
			}
			sched.Cede()
			p("main: joiners waiting nready=", sched.NReady(), "\n")
			plSafeCancel(u, []any{"s1", "s2"})
			p("main: after sc nready=", sched.NReady(), "\n")
			sched.Async(func() any { v := plJoin(u); p("late joiner: got (", plList(v, " "), ")\n"); return nil })
			sched.Cede()
			p("main: back nready=", sched.NReady(), " u zombie=", plB01(u.IsDone()), "\n")
			sched.Cede()
			p("main: end\n")
		})
	})
}

func TestPerlSafeCancelGuardCedes(t *testing.T) {
	perltest.Compare(t, "safe_cancel_guard", func(out *bytes.Buffer) {
		p := plPrinter(out)
		plRun(t, func() {
			tc := sched.Async(func() any {
				defer func() { p("t: guard begins\n"); sched.Cede(); p("t: guard ends\n") }()
				sched.Schedule()
				p("t: NOT REACHED\n")
				return nil
			})
			tc.OnDestroy(func(v any) { p("t: od (", plList(v, " "), ")\n") })
			sched.Cede()
			plSafeCancel(tc, "sv")
			sched.Async(func() any { v := plJoin(tc); p("j: got (", plList(v, " "), ")\n"); return nil })
			sched.Cede()
			p("main: back, t zombie=", plB01(tc.IsDone()), " nready=", sched.NReady(), "\n")
			sched.Cede()
			p("main: t zombie=", plB01(tc.IsDone()), "\n")
			sched.Cede()
			p("main: end\n")
		})
	})
}

func TestPerlSafeCancelUnwinding(t *testing.T) {
	perltest.Compare(t, "safe_cancel_unwinding", func(out *bytes.Buffer) {
		p := plPrinter(out)
		plRun(t, func() {
			guarded := func(name string) *sched.Coro {
				c := sched.Async(func() any {
					defer func() { p(name, ": guard begins\n"); sched.Cede(); p(name, ": guard ends\n") }()
					sched.Schedule()
					p(name, ": NOT REACHED\n")
					return nil
				})
				c.OnDestroy(func(v any) { p(name, ": od (", plList(v, " "), ")\n") })
				return c
			}
			tc := guarded("t")
			sched.Cede()
			plSafeCancel(tc, "sv")
			sched.Cede()
			p("main: t in guard, zombie=", plB01(tc.IsDone()), "\n")
			if err := tc.SafeCancel("sv2"); err != nil {
				p("main: 2nd sc died\n")
			} else {
				p("main: 2nd sc ok\n")
			}
			p("main: after 2nd sc nready=", sched.NReady(), " join=(", plList(plJoin(tc), ","), ")\n")
			sched.Cede()
			p("main: t zombie=", plB01(tc.IsDone()), "\n")
			p("main: end\n")
		})
	})
}

func TestPerlThrowJoinCancel(t *testing.T) {
	perltest.Compare(t, "throw_join_cancel", func(out *bytes.Buffer) {
		p := plPrinter(out)
		joiner := func(name string, tc *sched.Coro) *sched.Coro {
			return sched.Async(func() any {
				defer p(name, ": guard\n")
				p(name, ": join ", plEvalJoin(tc))
				return name + "v"
			})
		}
		target := func(name string) *sched.Coro {
			return sched.Async(func() any { defer p(name, ": guard\n"); sched.Schedule(); return name + "v" })
		}
		plRun(t, func() {
			t1 := target("t1")
			j1 := joiner("j1", t1)
			sched.Cede()
			j1.Throw(errors.New("x1"))
			j1.Cancel("c1")
			p("j1 zombie=", plB01(j1.IsDone()), " join=(", plList(plJoin(j1), ","), ") nready=", sched.NReady(), "\n")
			t1.Ready()
			sched.Cede()
			t2 := target("t2")
			j2 := joiner("j2", t2)
			sched.Cede()
			j2.Throw(errors.New("x2"))
			plSafeCancel(t2, "s2")
			p("t2 sc nready=", sched.NReady(), "\n")
			sched.Cede()
			p("after cede nready=", sched.NReady(), "\n")
			sched.Cede()
			t4 := target("t4")
			j4 := joiner("j4", t4)
			sched.Cede()
			j4.Throw(errors.New("x4"))
			t4.Cancel("c4")
			p("t4 cancelled nready=", sched.NReady(), "\n")
			j4.Throw(nil)
			sched.Cede()
			t5 := target("t5")
			j5 := joiner("j5", t5)
			sched.Cede()
			j5.Ready()
			plSafeCancel(t5, "s5")
			p("j5 readied, t5 sc nready=", sched.NReady(), "\n")
			sched.Cede()
			p("after cede nready=", sched.NReady(), "\n")
			sched.Cede()
			p("main: end\n")
		})
	})
}

func TestPerlThrowJoinNested(t *testing.T) {
	perltest.Compare(t, "throw_join_nested", func(out *bytes.Buffer) {
		p := plPrinter(out)
		plRun(t, func() {
			tc := sched.Async(func() any { sched.Schedule(); p("t: resumed\n"); return "tv" })
			m := sched.Async(func() any {
				p("m: join ", plEvalJoin(tc))
				return "mv"
			})
			o := sched.Async(func() any {
				p("o: join ", plEvalJoin(m))
				return "ov"
			})
			sched.Cede()
			m.Throw(errors.New("mx"))
			o.Throw(errors.New("ox"))
			sched.Cede()
			p("main: nready=", sched.NReady(), "\n")
			tc.Ready()
			sched.Cede()
			p("main: after t nready=", sched.NReady(), "\n")
			sched.Cede()
			t5 := sched.Async(func() any { sched.Schedule(); return "t5v" })
			j5 := sched.Async(func() any {
				p("j5: join ", plEvalJoin(t5))
				p("j5: again ", plEvalJoin(t5))
				return nil
			})
			sched.Cede()
			j5.Throw(errors.New("x5"))
			t5.Ready()
			sched.Cede()
			sched.Cede()
			t6 := sched.Async(func() any { sched.Schedule(); return "t6v" })
			j6 := sched.Async(func() any {
				p("j6: join ", plEvalJoin(t6))
				sched.Cede()
				p("j6: after cede\n")
				return nil
			})
			sched.Cede()
			j6.Throw(errors.New("x6"))
			t6.Ready()
			sched.Cede()
			j6.Throw(errors.New("y6"))
			sched.Cede()
			p("main: end\n")
		})
	})
}

func TestPerlPoolUnthrow(t *testing.T) {
	perltest.Compare(t, "pool_unthrow", func(out *bytes.Buffer) {
		p := plPrinter(out)
		plRun(t, func() {
			cur := sched.Current
			c := sched.AsyncPool(func() { p("c1\n") })
			sched.Cede()
			c.Throw(errors.New("cx"))
			c.Throw(nil)
			p("nready=", sched.NReady(), "\n")
			sched.Cede()
			p("after cede nready=", sched.NReady(), " desc=", c.Desc(), "\n")
			sched.AsyncPool(func() { p("d runs same=", plB01(cur() == c), "\n") })
			sched.Cede()
			p("main: end\n")
		})
	})
}

func TestPerlPoolOnDestroy(t *testing.T) {
	perltest.Compare(t, "pool_on_destroy", func(out *bytes.Buffer) {
		p := plPrinter(out)
		plRun(t, func() {
			cur := sched.Current
			c := sched.AsyncPool(func() {
				p("call1\n")
				cur().OnDestroy(func(v any) { p("od from call1 (", plList(v, " "), ")\n") })
			})
			sched.Async(func() any { v := plJoin(c); p("j: joined (", plList(v, " "), ")\n"); return nil })
			sched.Cede()
			p("main: c idle zombie=", plB01(c.IsDone()), " nready=", sched.NReady(), "\n")
			sched.AsyncPool(func() {
				p("call2 same=", plB01(cur() == c), "\n")
				sched.Cede()
				p("call2 terminates\n")
				sched.Terminate([]any{"t2", "x"})
			})
			sched.Cede()
			p("main: nready=", sched.NReady(), "\n")
			sched.Cede()
			p("main: c zombie=", plB01(c.IsDone()), " join=(", plList(plJoin(c), ","), ")\n")
			sched.Cede()
			p("main: end\n")
		})
	})
}
