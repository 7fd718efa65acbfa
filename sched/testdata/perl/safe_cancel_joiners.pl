# safe_cancel of a target that several coroutines join; a late joiner.
$| = 1;
use Coro; use Coro qw(nready); use Guard;
my $u = async { scope_guard { print "u: guard\n" }; schedule; print "u: NOT REACHED\n"; "uv" };
$u->on_destroy(sub { print "u: on_destroy (@_)\n" });
for my $n (1..3) { async { my @v = $u->join; print "ju$n: got (@v) nready=", nready, "\n" } }
cede;
print "main: joiners waiting nready=", nready, "\n";
$u->safe_cancel("s1", "s2");
print "main: after sc nready=", nready, "\n";
async { my @v = $u->join; print "late joiner: got (@v)\n" };
cede;
print "main: back nready=", nready, " u zombie=", ($u->is_zombie?1:0), "\n";
cede;
print "main: end\n";
