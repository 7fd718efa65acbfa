package bench

import "testing"

func BenchmarkCedeRoundTrip(b *testing.B)     { CedeRoundTrip(b) }
func BenchmarkTransferRoundTrip(b *testing.B) { TransferRoundTrip(b) }
func BenchmarkPullRoundTrip(b *testing.B)     { PullRoundTrip(b) }
func BenchmarkChanPingPong(b *testing.B)      { ChanPingPong(b) }
func BenchmarkGoschedPingPong(b *testing.B)   { GoschedPingPong(b) }

// TestCasesRun runs every case once, so a broken benchmark fails the
// ordinary test run instead of waiting for someone to pass -bench.
func TestCasesRun(t *testing.T) {
	for _, c := range Switches {
		if r := testing.Benchmark(c.Fn); r.N == 0 {
			t.Errorf("%s did not run", c.Name)
		}
	}
}
