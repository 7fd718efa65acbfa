package bench

import (
	"iter"
	"slices"
	"testing"
	"time"
)

// turns interleaves a benchmark's batches with as many iter.Pull round
// trips, timed apart from the benchmark's own figure, so that the two are
// compared over the same stretch of the machine's time: on a noisy
// machine two figures taken a second apart move by a third, and a ratio
// of two rows with them.
type turns struct {
	b      *testing.B
	next   func() (struct{}, bool)
	stop   func()
	done   int // the benchmark's iterations made so far
	n      int // the current batch's
	start  time.Time
	ratios []float64
}

// turnBatch is the most iterations of a batch: a few milliseconds of
// switches, long enough for the clock and short enough for the machine to
// stay the same over a batch and its Pull turn.
const turnBatch = 20_000

func startTurns(b *testing.B) *turns {
	t := &turns{b: b}
	t.next, t.stop = iter.Pull(func(yield func(struct{}) bool) {
		for yield(struct{}{}) {
		}
	})
	return t
}

// batch returns the size of the next batch, 0 once b.N iterations are
// made, and starts timing it.
func (t *turns) batch() int {
	t.n = min(turnBatch, t.b.N-t.done)
	t.start = time.Now()
	return t.n
}

// pull ends the batch and makes as many iter.Pull round trips, with the
// benchmark's timer stopped.
func (t *turns) pull() {
	batch := time.Since(t.start)
	t.b.StopTimer()
	start := time.Now()
	for range t.n {
		t.next()
	}
	t.ratios = append(t.ratios, float64(batch)/float64(time.Since(start)))
	t.done += t.n
	t.b.StartTimer()
}

// report ends the Pull and reports the median of the batches' ratios to
// their Pull turns as the metric unit.
func (t *turns) report(unit string) {
	t.stop()
	if len(t.ratios) == 0 {
		return
	}
	slices.Sort(t.ratios)
	t.b.ReportMetric(t.ratios[(len(t.ratios)-1)/2], unit)
}
