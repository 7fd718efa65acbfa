# With $Coro::POOL_SIZE coroutines idle, a pooled coroutine whose call
# returns ends, its on_destroy called with nothing.
$| = 1;
use Coro; use Coro qw(nready);
$Coro::POOL_SIZE = 1;
my @p;
for my $i (1..3) { push @p, async_pool { print "job $i\n"; "r$i" } }
for my $i (0..2) { $p[$i]->on_destroy(sub { print "od $i (@_)\n" }) }
print "distinct: ", ($p[0] != $p[1] && $p[1] != $p[2] ? 1 : 0), "\n";
cede;
print "zombies: ", join(" ", map { $_->is_zombie ? 1 : 0 } @p), " nready=", nready, "\n";
my $s = async_pool { print "s: is p0: ", ($Coro::current == $p[0] ? 1 : 0), "\n" };
cede;
print "main: end\n";
# Go's Run cancels the coroutines left when main returns (sched's doc);
# Perl leaves them to global destruction. The script does what Go does.
$p[0]->cancel;
