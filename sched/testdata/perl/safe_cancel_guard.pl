# safe_cancel of a coroutine whose guard cedes while it unwinds.
$| = 1;
use Coro; use Coro qw(nready); use Guard;
my $t = async { scope_guard { print "t: guard begins\n"; cede; print "t: guard ends\n" }; schedule; print "t: NOT REACHED\n" };
$t->on_destroy(sub { print "t: od (@_)\n" });
cede;
$t->safe_cancel("sv");
async { my @v = $t->join; print "j: got (@v)\n" };
cede;
print "main: back, t zombie=", ($t->is_zombie?1:0), " nready=", nready, "\n";
cede;
print "main: t zombie=", ($t->is_zombie?1:0), "\n";
cede;
print "main: end\n";
