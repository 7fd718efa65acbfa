# a coro suspends itself and cedes with nothing of its priority or higher
# ready: the scheduler drops it and runs what is ready of any priority.
$| = 1;
use Coro;
my $low = async { print "low runs\n" };
$low->prio(-1);
my $a = async { print "a: suspend, cede\n"; $Coro::current->suspend; cede; print "a: back\n" };
$a->prio(1);
cede;
print "main: a zombie=", ($a->is_zombie?1:0), " suspended=", ($a->is_suspended?1:0), " low zombie=", ($low->is_zombie?1:0), "\n";
