# An async_pool coroutine ends, running on_destroy and waking joiners,
# when its call terminates or is cancelled, or when the pool is full as
# the call returns; one that goes back to the pool does not.
$| = 1;
use Coro; use Coro qw(nready);
use Guard;
my $t = async_pool { print "t: terminate\n"; terminate("tv") };
$t->on_destroy(sub { print "t: on_destroy (@_)\n" });
print "main: join t -> (", join(",", $t->join), ")\n";
my $c = async_pool { scope_guard { print "c: guard\n" }; schedule };
$c->on_destroy(sub { print "c: on_destroy (@_)\n" });
cede;
$c->cancel("cv");
print "main: c zombie=", ($c->is_zombie?1:0), " join -> (", join(",", $c->join), ")\n";
my $r = async_pool { print "r: returns\n"; "rv" };
$r->on_destroy(sub { print "r: on_destroy (@_)\n" });
cede;
print "main: r zombie=", ($r->is_zombie?1:0), " desc=", $r->desc, "\n";
my $w = async { print "w: joining r\n"; my @v = $r->join; print "w: r joined (@v)\n" };
cede;
my $q = async_pool { print "q: same as r: ", ($Coro::current == $r ? 1 : 0), "\n"; terminate "qv" };
cede;
print "main: end\n";
