# Coro::RWLock: several waiting writers and readers; unlock order; a reader taking the lock
# while a woken writer has not run yet; trywrlock/tryrdlock against waiting coros.
$| = 1;
use Coro;
use Coro::RWLock;
my $l = new Coro::RWLock;
$l->wrlock;
print "main holds write\n";
sub r { my $n = shift; async { print "$n rd wait\n"; $l->rdlock; print "$n reads\n"; cede; print "$n unlocks\n"; $l->unlock } }
sub w { my $n = shift; async { print "$n wr wait\n"; $l->wrlock; print "$n writes\n"; cede; print "$n unlocks\n"; $l->unlock } }
r("r1"); w("w1"); r("r2"); w("w2"); r("r3");
cede;
print "main unlocks, nready=", Coro::nready(), "\n";
$l->unlock;
print "main: nready=", Coro::nready(), " tryrdlock=", ($l->tryrdlock?1:0), "\n";
cede;
print "main: unlock its read lock\n";
$l->unlock;
cede while Coro::nready;
print "-- all done, trywrlock=", ($l->trywrlock?1:0), "\n";
r("r4"); r("r5");
cede;
print "main: unlock write, nready=", Coro::nready(), "\n";
$l->unlock;
print "main: trywrlock=", ($l->trywrlock?1:0), "\n";
cede;
print "main: back, nready=", Coro::nready(), "\n";
$l->unlock;
cede while Coro::nready;
print "end\n";
