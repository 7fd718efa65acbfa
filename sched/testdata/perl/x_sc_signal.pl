# safe_cancel of a coroutine waiting on a Coro::Signal, then send.
$| = 1;
use Coro; use Coro qw(nready); use Coro::Signal; use Guard;
my $s = Coro::Signal->new;
my $a = async { scope_guard { print "a: guard\n" }; $s->wait; print "a: NOT REACHED\n" };
my $b = async { $s->wait; print "b: signalled\n" };
cede;
print "awaited=", ($s->awaited?1:0), " nready=", nready, "\n";
$a->safe_cancel("av");
print "after sc: nready=", nready, "\n";
$s->send;
print "after send: nready=", nready, "\n";
cede;
print "main: a zombie=", ($a->is_zombie?1:0), " b zombie=", ($b->is_zombie?1:0), " awaited=", ($s->awaited?1:0), "\n";
cede;
print "end b zombie=", ($b->is_zombie?1:0), "\n";
