# safe_cancel of a coroutine in rouse_wait, then the callback is called.
$| = 1;
use Coro; use Coro qw(nready); use Guard;
my $cb;
my $a = async { $cb = rouse_cb; scope_guard { print "a: guard\n" }; my @v = rouse_wait; print "a: NOT REACHED (@v)\n" };
cede;
$a->safe_cancel("av");
print "after sc: nready=", nready, "\n";
$cb->(1, 2);
print "after cb: nready=", nready, "\n";
cede;
print "main: a zombie=", ($a->is_zombie?1:0), " join=(", join(",", $a->join), ")\n";
