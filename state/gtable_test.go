package state

import (
	"fmt"
	"runtime"
	"sync"
	"testing"
)

// Every goroutine finds the context it stored last, whether its entry is
// cached in near or only in the table (there are more goroutines than
// near has slots, so many share one), and nothing once it has deleted
// it; then no slot of near is taken.
func TestGtableEachGoroutineFindsItsOwn(t *testing.T) {
	var gt gtable
	const goroutines = 3 * nearSlots
	start := make(chan struct{})
	errs := make(chan error, goroutines)
	var wg sync.WaitGroup
	for i := range goroutines {
		wg.Go(func() {
			g := uintptr(getg())
			first, last := &State{desc: fmt.Sprint(i, "a")}, &State{desc: fmt.Sprint(i, "b")}
			<-start
			gt.store(g, first)
			runtime.Gosched()
			gt.store(g, last)
			runtime.Gosched()
			if got := gt.load(g); got != last {
				errs <- fmt.Errorf("goroutine %d found %v, want its last context", i, got)
			}
			gt.store(g, nil)
			if got := gt.load(g); got != nil {
				errs <- fmt.Errorf("goroutine %d found %q after deleting its entry", i, got.desc)
			}
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for i := range gt.near {
		if k := gt.near[i].key.Load(); k != 0 {
			t.Fatalf("near slot %d still held by %#x", i, k)
		}
	}
}
