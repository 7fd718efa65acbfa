# throw then throw(undef) at an idle pool coroutine: it stays in the pool.
$| = 1;
use Coro; use Coro qw(nready);
my $c = async_pool { print "c1\n" };
cede;
$c->throw("cx\n");
$c->throw(undef);
print "nready=", nready, "\n";
cede;
print "after cede nready=", nready, " desc=", $c->desc, "\n";
my $d = async_pool { print "d runs same=", ($Coro::current == $c ?1:0), "\n" };
cede;
print "main: end\n";
