# cede vs cede_notself with priorities; current readied by another coro before it schedules.
$| = 1;
use Coro;
use Coro qw(:prio nready);
$Coro::current->prio(PRIO_HIGH);
async { print "low(0) runs\n" };
print "main(prio 1): cede -> nothing of >= prio ready, returns at once\n";
cede;
print "main: back from cede, nready=", nready, "\n";
print "main: cede_notself\n";
Coro::cede_notself;
print "main: back from cede_notself, nready=", nready, "\n";
print "cede_notself with empty queue returns immediately\n";
Coro::cede_notself;
$Coro::current->prio(PRIO_NORMAL);
# a coro readies main while main is running (main not waiting): main gets queued
my $main = $Coro::current;
async { print "waker: ready main -> '", $main->ready, "'\n"; print "waker: done\n" };
async { print "other runs\n" };
cede;   # main queued behind waker, other; waker readies main -> '' (already queued by cede)
print "main: back\n";
# now the waker readies main before main calls schedule
async { print "waker2: ready main -> '", $main->ready, "'\n"; cede; print "waker2: after cede\n" };
cede;   # waker2 runs, main queued by cede so ready returns ''
print "main: after cede, is_ready=", ($main->is_ready?1:0), "\n";
async { print "waker3: ready main -> '", $main->ready, "'\n" };
Coro::cede_notself;  # picks waker3, then re-queues main BEFORE switching, so waker3 sees main queued
print "main: back after cede_notself, nready=", nready, "\n";
print "main: schedule (main already readied => returns after others)\n";
$main->ready;
schedule;
print "main: end\n";
