# cancel of a ready-queued coro that has run before (it ceded): it does not run again; nready.
$| = 1;
use Coro;
use Coro qw(nready);
use Guard;
my $c = async { scope_guard { print "c: unwound\n" }; print "c: step 1\n"; cede; print "c: NOT REACHED\n" };
my $d = async { print "d: step 1\n"; cede; print "d: step 2\n" };
cede;
print "main: nready=", nready, " c ready=", ($c->is_ready?1:0), "\n";
$c->cancel("x");
print "main: cancelled c, nready=", nready, "\n";
print "main: ready c again -> '", $c->ready, "' nready=", nready, "\n";
cede;
print "main: back nready=", nready, "\n";
# cancel a queued coro from a coro that runs before it in the queue
my $v = async { print "v: NOT REACHED\n" };
my $k = async { print "k: runs\n" };
$k->prio(1);
my $killer = new Coro sub { print "killer: cancel v, nready=", nready, "\n"; $v->cancel; print "killer: nready=", nready, "\n" };
$killer->prio(1); $killer->ready;
print "main: nready=", nready, "\n";
cede;
print "main: back nready=", nready, "\n";
# suspend then cancel a queued coro
my $s = async { print "s: NOT REACHED\n" };
$s->suspend;
$s->cancel;
print "main: s zombie=", ($s->is_zombie?1:0), " nready=", nready, "\n";
cede;
print "main: end nready=", nready, "\n";
