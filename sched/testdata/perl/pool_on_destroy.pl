# on_destroy and a joiner from one call see the coroutine end in a later call.
$| = 1;
use Coro; use Coro qw(nready);
my $c = async_pool { print "call1\n"; $Coro::current->on_destroy(sub { print "od from call1 (@_)\n" }) };
my $j = async { my @v = $c->join; print "j: joined (@v)\n" };
cede;
print "main: c idle zombie=", ($c->is_zombie?1:0), " nready=", nready, "\n";
my $d = async_pool { print "call2 same=", ($Coro::current == $c ? 1 : 0), "\n"; cede; print "call2 terminates\n"; terminate("t2", "x") };
cede;
print "main: nready=", nready, "\n";
cede;
print "main: c zombie=", ($c->is_zombie?1:0), " join=(", join(",", $c->join), ")\n";
cede;
print "main: end\n";
