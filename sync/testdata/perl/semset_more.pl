# Coro::SemaphoreSet: ups above the initial count, count/waiters of idle keys, a woken waiter
# overtaken by a try, wait on a held key, and a cancelled waiter.
$| = 1;
use Coro;
use Coro::SemaphoreSet;
my $set = new Coro::SemaphoreSet 1;
sub show { my $k = shift; print "  $k: count ", $set->count($k), " waiters ", (scalar $set->waiters($k)) || 0, "\n" }
$set->up("k"); $set->up("k");
show "k";
$set->down("k"); $set->down("k"); $set->down("k");
show "k";
for my $n (1..3) { async { print "t$n down k\n"; $set->down("k"); print "t$n holds k\n"; cede; print "t$n ups k\n"; $set->up("k") } }
cede;
show "k";
$set->up("k");
print "main: up, try -> ", ($set->try("k")?1:0), "\n";
show "k";
cede;
show "k";
my $wt = async { print "wt waits k\n"; $set->wait("k"); print "wt sees k free (count ", $set->count("k"), ")\n" };
cede;
show "k";
$set->up("k");
cede while Coro::nready;
show "k";
