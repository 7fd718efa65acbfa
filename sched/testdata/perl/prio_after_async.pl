# Priorities: ->prio returns old value, ->nice, queue per priority, prio change of queued coro.
$| = 1;
use Coro;
use Coro qw(:prio nready);
print "consts MAX=", PRIO_MAX, " HIGH=", PRIO_HIGH, " NORMAL=", PRIO_NORMAL, " LOW=", PRIO_LOW, " IDLE=", PRIO_IDLE, " MIN=", PRIO_MIN, "\n";
# part 1: coros readied at prio 0, then prio changed while queued
my $ca = async { print "a runs prio=", $Coro::current->prio, "\n" };
my $cb = async { print "b runs prio=", $Coro::current->prio, "\n" };
my $cc = async { print "c runs prio=", $Coro::current->prio, "\n"; cede; print "c after cede (re-queued at prio 1, ahead of main)\n" };
print "old prio of cc: ", $cc->prio(PRIO_HIGH), "\n";
print "new prio of cc: ", $cc->prio, "\n";
print "cb->nice(1) returns ", $cb->nice(1), " now prio=", $cb->prio, "\n";
print "nready=", nready, "\n";
cede;
print "main back (part 1)\n";
# part 2: prios set before ->ready
my @c;
for my $p (-1, 1, 0, 3, -4, 1, 0) {
   my $n = @c;
   my $co = new Coro sub { print "co$n prio=$p runs\n" };
   $co->prio($p);
   $co->ready;
   push @c, $co;
}
print "main prio=", $Coro::current->prio, " ceding\n";
cede;
print "main back (part 2)\n";
cede; cede;
print "main after 2 cedes (low-prio co0/co4 still queued, nready=", nready, ")\n";
Coro::cede_notself;
print "main after cede_notself, nready=", nready, "\n";
Coro::cede_notself;
print "main after cede_notself, nready=", nready, "\n";
# part 3: out-of-range prio values are clamped?
my $x = new Coro sub {};
$x->prio(10); print "prio(10) -> ", $x->prio, "\n";
$x->prio(-10); print "prio(-10) -> ", $x->prio, "\n";
print "nice(2) -> ", $x->nice(2), " now ", $x->prio, "\n";
print "nice(-100) -> ", $x->nice(-100), " now ", $x->prio, "\n";
