# A safe_cancel of a coroutine that is already unwinding (its guard cedes)
# fails, and its value stays. (A cancel then is where Go differs: sched's doc.)
$| = 1;
use Coro; use Coro qw(nready); use Guard;
my $t = async { scope_guard { print "t: guard begins\n"; cede; print "t: guard ends\n" }; schedule; print "t: NOT REACHED\n" };
$t->on_destroy(sub { print "t: od (@_)\n" });
cede;
$t->safe_cancel("sv");
cede;
print "main: t in guard, zombie=", ($t->is_zombie?1:0), "\n";
eval { $t->safe_cancel("sv2") }; print "main: 2nd sc ", ($@ ? "died\n" : "ok\n");
print "main: after 2nd sc nready=", nready, " join=(", join(",", $t->join), ")\n";
cede;
print "main: t zombie=", ($t->is_zombie?1:0), "\n";
print "main: end\n";
