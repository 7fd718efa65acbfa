# cancel, safe_cancel and throw at idle pool coroutines, then async_pool again.
$| = 1;
use Coro; use Coro qw(nready);
$SIG{__WARN__} = sub { print "warn: $_[0]" };
my %seen; my $n = 0;
sub id { my $c = shift; $seen{$c} //= ++$n }
my $a = async_pool { print "a: call 1 id=", id($Coro::current), "\n" };
$a->on_destroy(sub { print "a: on_destroy (@_)\n" });
cede;
print "a idle: zombie=", ($a->is_zombie?1:0), " desc=", $a->desc, "\n";
$a->cancel("ac");
print "a cancelled: zombie=", ($a->is_zombie?1:0), "\n";
my $b = async_pool { print "b: call id=", id($Coro::current), "\n" };
print "b is a: ", ($b == $a ? 1 : 0), " nready=", nready, "\n";
cede;
print "after cede\n";
my $c = async_pool { print "c: call 1 id=", id($Coro::current), "\n" };
cede;
$c->throw("cx\n");
print "c thrown: nready=", nready, "\n";
cede;
print "c zombie=", ($c->is_zombie?1:0), " nready=", nready, "\n";
my $d = async_pool { print "d: call id=", id($Coro::current), "\n" };
print "d is c: ", ($d == $c ? 1 : 0), "\n";
cede;
print "after d\n";
my $e = async_pool { print "e: call again id=", id($Coro::current), "\n" };
cede;
print "main: end\n";
