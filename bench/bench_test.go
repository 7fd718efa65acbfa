package bench

import (
	"os"
	"testing"
)

func TestMain(m *testing.M) {
	RunProbe()
	code := m.Run()
	Cleanup()
	os.Exit(code)
}

func BenchmarkCedeRoundTrip(b *testing.B)     { CedeRoundTrip(b) }
func BenchmarkTransferRoundTrip(b *testing.B) { TransferRoundTrip(b) }
func BenchmarkTransferSameLoop(b *testing.B)  { TransferSameLoop(b) }
func BenchmarkPullRoundTrip(b *testing.B)     { PullRoundTrip(b) }
func BenchmarkChanPingPong(b *testing.B)      { ChanPingPong(b) }
func BenchmarkGoschedPingPong(b *testing.B)   { GoschedPingPong(b) }
func BenchmarkSemaphoreDownUp(b *testing.B)   { SemaphoreDownUp(b) }
func BenchmarkMutexLockUnlock(b *testing.B)   { MutexLockUnlock(b) }
func BenchmarkChannelPingPong(b *testing.B)   { ChannelPingPong(b) }
func BenchmarkGoChanPingPong(b *testing.B)    { GoChanPingPong(b) }
func BenchmarkChannel100x100(b *testing.B)    { Channel100x100(b) }
func BenchmarkGoChan100x100(b *testing.B)     { GoChan100x100(b) }

func BenchmarkRegSwapRoundTrip(b *testing.B) { RegSwapRoundTrip(b) }

func BenchmarkCreateRunFinish(b *testing.B)    { CreateRunFinish(b) }
func BenchmarkGoWaitGroup(b *testing.B)        { GoWaitGroup(b) }
func BenchmarkGCSuspended(b *testing.B)        { GCSuspended(b) }
func BenchmarkGCSuspendedPerCore(b *testing.B) { GCSuspendedPerCore(b) }
func BenchmarkGCParked(b *testing.B)           { GCParked(b) }
func BenchmarkMemSuspended(b *testing.B)       { MemSuspended(b) }
func BenchmarkMemParked(b *testing.B)          { MemParked(b) }
func BenchmarkGoalSuspended(b *testing.B)      { GoalSuspended(b) }
func BenchmarkGoalParked(b *testing.B)         { GoalParked(b) }

func BenchmarkAIORandomReads(b *testing.B)          { AIORandomReads(b) }
func BenchmarkAIORandomReadsPool(b *testing.B)      { AIORandomReadsPool(b) }
func BenchmarkAIORandomReadsPerCore(b *testing.B)   { AIORandomReadsPerCore(b) }
func BenchmarkBareNowaitReads(b *testing.B)         { BareNowaitReads(b) }
func BenchmarkBarePreadReads(b *testing.B)          { BarePreadReads(b) }
func BenchmarkOSRandomReads(b *testing.B)           { OSRandomReads(b) }
func BenchmarkAIOSequentialRead(b *testing.B)       { AIOSequentialRead(b) }
func BenchmarkOSSequentialRead(b *testing.B)        { OSSequentialRead(b) }
func BenchmarkAIOOpenStatClose(b *testing.B)        { AIOOpenStatClose(b) }
func BenchmarkAIOOpenStatClosePerCore(b *testing.B) { AIOOpenStatClosePerCore(b) }
func BenchmarkOSOpenStatClose(b *testing.B)         { OSOpenStatClose(b) }
func BenchmarkAIOSyncs(b *testing.B)                { AIOSyncs(b) }
func BenchmarkOSSyncs(b *testing.B)                 { OSSyncs(b) }
func BenchmarkAIOLinkUnlink(b *testing.B)           { AIOLinkUnlink(b) }
func BenchmarkOSLinkUnlink(b *testing.B)            { OSLinkUnlink(b) }
func BenchmarkEchoCoroutines(b *testing.B)          { EchoCoroutines(b) }
func BenchmarkEchoCoroutinesPerCore(b *testing.B)   { EchoCoroutinesPerCore(b) }
func BenchmarkEchoGoroutines(b *testing.B)          { EchoGoroutines(b) }
