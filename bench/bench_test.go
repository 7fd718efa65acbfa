package bench

import (
	"flag"
	"testing"
)

func BenchmarkCedeRoundTrip(b *testing.B)     { CedeRoundTrip(b) }
func BenchmarkTransferRoundTrip(b *testing.B) { TransferRoundTrip(b) }
func BenchmarkPullRoundTrip(b *testing.B)     { PullRoundTrip(b) }
func BenchmarkChanPingPong(b *testing.B)      { ChanPingPong(b) }
func BenchmarkGoschedPingPong(b *testing.B)   { GoschedPingPong(b) }
func BenchmarkSemaphoreDownUp(b *testing.B)   { SemaphoreDownUp(b) }
func BenchmarkMutexLockUnlock(b *testing.B)   { MutexLockUnlock(b) }
func BenchmarkChannelPingPong(b *testing.B)   { ChannelPingPong(b) }
func BenchmarkGoChanPingPong(b *testing.B)    { GoChanPingPong(b) }
func BenchmarkChannel100x100(b *testing.B)    { Channel100x100(b) }
func BenchmarkGoChan100x100(b *testing.B)     { GoChan100x100(b) }

// TestCasesRun runs every case of coro bench for a moment, so a broken
// benchmark fails the ordinary test run instead of waiting for -bench.
func TestCasesRun(t *testing.T) {
	old := flag.Lookup("test.benchtime").Value.String()
	flag.Set("test.benchtime", "200x")
	defer flag.Set("test.benchtime", old)
	for _, g := range Groups {
		for _, c := range g.Cases {
			t.Run(c.Name, func(t *testing.T) {
				if r := testing.Benchmark(c.Fn); r.N == 0 {
					t.Errorf("%s did not run", c.Name)
				}
			})
		}
	}
}

func BenchmarkRegSwapRoundTrip(b *testing.B) { RegSwapRoundTrip(b) }
