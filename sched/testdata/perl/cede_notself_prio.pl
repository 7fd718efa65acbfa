# cede_notself with mixed priorities: it takes the highest-prio ready coro, even a lower one than current,
# and requeues current at its own prio; a low-prio coro running with a high-prio coro queued.
$| = 1;
use Coro;
use Coro qw(:prio nready);
my @log;
my $hi = new Coro sub { print "hi(2) runs\n"; cede; print "hi(2) again\n" }; $hi->prio(2);
my $lo = new Coro sub { print "lo(-2) runs, cede_notself\n"; Coro::cede_notself; print "lo(-2) back\n" }; $lo->prio(-2);
my $mid = new Coro sub { print "mid(0) runs, cede_notself\n"; Coro::cede_notself; print "mid(0) back\n" };
$lo->ready; $mid->ready;
$Coro::current->prio(1);
print "main(1): cede_notself, nready=", nready, "\n";
Coro::cede_notself;
print "main(1): back, nready=", nready, "\n";
$hi->ready;
print "main(1): cede_notself with hi queued\n";
Coro::cede_notself;
print "main(1): back, nready=", nready, "\n";
Coro::cede_notself;
print "main(1): back2, nready=", nready, "\n";
Coro::cede_notself;
print "main(1): back3, nready=", nready, "\n";
Coro::cede_notself;
print "main(1): back4, nready=", nready, "\n";
$Coro::current->prio(-4);
print "main(-4): cede\n";
cede;
print "main(-4): end nready=", nready, "\n";
