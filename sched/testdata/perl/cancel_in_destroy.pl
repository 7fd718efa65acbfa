# cancel from inside on_destroy: of another blocked coro, of a queued coro, of the dying coro itself.
$| = 1;
use Coro;
use Coro qw(nready);
use Guard;
my $b = async { scope_guard { print "b: unwound\n" }; print "b: blocks\n"; schedule; print "b: NOT REACHED\n" };
my $q = async { scope_guard { print "q: unwound\n" }; print "q: runs, cedes\n"; cede; print "q: NOT REACHED\n" };
my $a = async { scope_guard { print "a: unwound\n" }; print "a: blocks\n"; schedule };
$b->on_destroy(sub { print "b: on_destroy (@_)\n" });
$q->on_destroy(sub { print "q: on_destroy (@_)\n" });
$a->on_destroy(sub { print "a: on_destroy 1 (@_), cancel b\n"; $b->cancel("from-a"); print "a: on_destroy 1 done, b zombie=", ($b->is_zombie ? 1 : 0), "\n" });
$a->on_destroy(sub { print "a: on_destroy 2 (@_), cancel q\n"; $q->cancel("from-a2"); print "a: on_destroy 2 done nready=", nready, "\n" });
cede;
print "main: nready=", nready, " cancel a\n";
$a->cancel("A");
print "main: after cancel a, nready=", nready, " zombies a=", ($a->is_zombie?1:0), " b=", ($b->is_zombie?1:0), " q=", ($q->is_zombie?1:0), "\n";
cede;
print "main: back nready=", nready, "\n";
print "joins: a=(", join(",", $a->join), ") b=(", join(",", $b->join), ") q=(", join(",", $q->join), ")\n";
