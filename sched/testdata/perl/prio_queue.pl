# cede/cede_notself with mixed priorities; queue order after prio changes of queued coros.
$| = 1;
use Coro;
use Coro qw(:prio nready);
my @c;
for my $n (qw(a b c d)) {
   push @c, async { print "$n runs prio=", $Coro::current->prio, "\n"; cede; print "$n again prio=", $Coro::current->prio, "\n" };
}
$c[1]->prio(2);    # b queued at 0, now prio 2
$c[3]->prio(-1);   # d queued at 0, now prio -1
print "main: nready=", nready, " cede\n";
cede;
print "main: back nready=", nready, "\n";
cede;
print "main: back2 nready=", nready, "\n";
cede; cede;
print "main: back3 nready=", nready, "\n";
# a high-prio coro ceding with a low-prio coro queued: returns at once
my $lo = async { print "lo runs\n" };
my $hi = new Coro sub {
   print "hi: cede 1\n"; cede;
   print "hi: cede_notself\n"; Coro::cede_notself;
   print "hi: back after cede_notself\n";
};
$hi->prio(PRIO_HIGH);
$hi->ready;
print "main: cede to hi\n";
cede;
print "main: back, nready=", nready, "\n";
cede;
print "main: done, nready=", nready, "\n";
# main lowers its own prio while others at 0 are queued; then cede
async { print "x runs\n" };
async { print "y runs\n" };
$Coro::current->prio(-2);
print "main prio -2, cede\n";
cede;
print "main back at -2\n";
$Coro::current->prio(0);
# raise prio of main while queued via a coro
my $m = $Coro::current;
async { print "z raises main prio\n"; $m->prio(3); };
async { print "w runs\n" };
cede;
print "main back prio=", $m->prio, "\n";
async { print "v runs\n" };
cede;
print "main after v? prio=", $m->prio, "\n";
cede;
print "end\n";
