# safe_cancel of a coroutine waiting on a Coro::Semaphore, then up.
$| = 1;
use Coro; use Coro qw(nready); use Coro::Semaphore; use Guard;
my $s = Coro::Semaphore->new(0);
my $a = async { scope_guard { print "a: guard\n" }; $s->down; print "a: NOT REACHED\n" };
my $b = async { $s->down; print "b: got it\n"; $s->up };
cede;
print "waiters=", scalar($s->waiters), " nready=", nready, "\n";
$a->safe_cancel("av");
print "after sc: waiters=", scalar($s->waiters), " nready=", nready, "\n";
$s->up;
print "after up: waiters=", scalar($s->waiters), " nready=", nready, " count=", $s->count, "\n";
cede;
print "main: count=", $s->count, " a zombie=", ($a->is_zombie?1:0), " b zombie=", ($b->is_zombie?1:0), "\n";
cede;
print "end count=", $s->count, " waiters=", scalar($s->waiters), "\n";
