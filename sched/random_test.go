package sched_test

import (
	"errors"
	"fmt"
	"math/rand"
	"os"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/corogo/coro/sched"
	cosync "github.com/corogo/coro/sync"
)

// randomThrow is what TestRandomEndings throws.
type randomThrow struct{ n int }

func (x randomThrow) Error() string { return "thrown " + strconv.Itoa(x.n) }

// catchRandomThrow runs f, recovering only randomThrow panics.
func catchRandomThrow(f func()) {
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(randomThrow); !ok {
				panic(r)
			}
		}
	}()
	f()
}

// TestRandomEndings runs random mixes of the ways a coroutine waits (Join,
// sync waits, rouse callbacks, WithTimeout, deferred calls that wait) and
// ends or is woken (SafeCancel, Cancel, Throw, Throw(nil), Ready,
// KillAll, AsyncPool's reuse). After every step of main, NReady must
// count the queued coroutines; after Run, every coroutine must have ended
// and no goroutine may be left. CORO_SEEDS sets how many mixes run.
func TestRandomEndings(t *testing.T) {
	seeds := 200
	if s := os.Getenv("CORO_SEEDS"); s != "" {
		seeds, _ = strconv.Atoi(s)
	}
	before := runtime.NumGoroutine()
	for seed := 0; seed < seeds; seed++ {
		randomEndings(t, int64(seed))
		if t.Failed() {
			t.Fatalf("seed %d", seed)
		}
	}
	deadline := time.Now().Add(3 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if after := runtime.NumGoroutine(); after > before {
		buf := make([]byte, 1<<16)
		t.Fatalf("%d goroutines before, %d after:\n%s", before, after, buf[:runtime.Stack(buf, true)])
	}
}

func randomEndings(t *testing.T, seed int64) {
	r := rand.New(rand.NewSource(seed))
	var all []*sched.Coro
	pooled := map[*sched.Coro]bool{}
	sem := cosync.NewSemaphore(1)
	var sig cosync.Signal
	var cbs []func(...any)
	var work func(depth int)
	work = func(depth int) {
		for i := 0; i < 1+r.Intn(6); i++ {
			catchRandomThrow(func() {
				switch r.Intn(15) {
				case 0:
					sched.Cede()
				case 1:
					if len(all) > 0 {
						c := all[r.Intn(len(all))]
						if c != sched.Current() {
							c.Join()
						}
					}
				case 2:
					func() {
						defer sem.Guard().Release()
						sched.Cede()
					}()
				case 3:
					sig.Wait()
				case 4:
					sig.Send()
				case 5:
					cb := sched.RouseCb()
					cbs = append(cbs, cb)
					sched.RouseWait(cb)
				case 6:
					sched.Schedule()
				case 7:
					defer func() { sched.Cede() }()
					sched.Schedule()
				case 9:
					if len(all) > 0 {
						all[r.Intn(len(all))].Cancel(-1)
					}
				case 10:
					if len(all) > 0 {
						all[r.Intn(len(all))].SafeCancel(-2)
					}
				case 11:
					c := sched.AsyncPool(func() { catchRandomThrow(func() { work(depth + 1) }) })
					if !pooled[c] {
						pooled[c] = true
						all = append(all, c)
					}
				case 12:
					if len(all) > 0 {
						c := all[r.Intn(len(all))]
						if !pooled[c] && !c.IsNew() && c != sched.Main() {
							c.Throw(randomThrow{-3})
						}
					}
				case 13:
					defer sched.Sleep(time.Millisecond)
					sched.Schedule()
				case 14:
					if len(all) > 0 {
						c := all[r.Intn(len(all))]
						defer func() {
							if c != sched.Current() {
								func() {
									defer sem.Guard().Release()
									sched.Cede()
								}()
							}
						}()
					}
					sched.Cede()
				case 8:
					if depth < 2 {
						sched.WithTimeout(time.Millisecond, func() { work(depth + 1) })
					}
				}
			})
		}
	}
	var got any
	var err error
	func() {
		defer func() { got = recover() }()
		err = sched.New(sched.PoolSize(1 + r.Intn(3))).Run(func() {
			for step := 0; step < 300; step++ {
				switch k := r.Intn(16); k {
				case 0, 1:
					all = append(all, sched.Async(func() any { catchRandomThrow(func() { work(0) }); return nil }))
				case 2:
					c := sched.AsyncPool(func() { catchRandomThrow(func() { work(0) }) })
					if !pooled[c] {
						pooled[c] = true
						all = append(all, c)
					}
				case 3, 4:
					if len(all) > 0 {
						c := all[r.Intn(len(all))]
						if err := c.SafeCancel(step); err != nil && !errors.Is(err, sched.ErrNotCancellable) {
							panic(err)
						}
					}
				case 5:
					if len(all) > 0 {
						all[r.Intn(len(all))].Cancel(step)
					}
				case 6:
					if len(all) > 0 {
						c := all[r.Intn(len(all))]
						if !pooled[c] && !c.IsNew() {
							c.Throw(randomThrow{step})
						}
					}
				case 7:
					if len(all) > 0 {
						all[r.Intn(len(all))].Throw(nil)
					}
				case 8, 9:
					if len(all) > 0 {
						all[r.Intn(len(all))].Ready()
					}
				case 10:
					if len(cbs) > 0 {
						cbs[r.Intn(len(cbs))](step)
					}
				case 11:
					sig.Broadcast()
				case 12:
					if r.Intn(20) == 0 {
						sched.KillAll()
					}
				default:
					sched.Cede()
				}
				// nready must count exactly the queued coroutines.
				q := 0
				for _, c := range all {
					if c.IsReady() {
						q++
					}
				}
				if q != sched.NReady() {
					panic(fmt.Sprintf("step %d: nready %d, %d queued", step, sched.NReady(), q))
				}
			}
		})
	}()
	if got != nil || err != nil {
		t.Errorf("seed %d: Run: err %v, panic %v", seed, err, got)
	}
	for _, c := range all {
		if !c.IsDone() {
			t.Errorf("seed %d: %v not done after Run", seed, c)
		}
	}
}
