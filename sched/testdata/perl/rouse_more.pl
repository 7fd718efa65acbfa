# rouse_cb edge cases: two calls before the wait, older callback after a newer one, undef values,
# a throw into a coro waiting in rouse_wait, and rouse_wait of a callback made in another coro.
$| = 1;
use Coro;
use Coro qw(nready);
my $cb1 = rouse_cb;
my $cb2 = rouse_cb;
$cb1->("one", undef, "three");
$cb1->("ignored");
$cb2->();
my @a = rouse_wait $cb1;
print "cb1: ", scalar(@a), " values (", join(",", map { defined $_ ? $_ : "undef" } @a), ")\n";
my @b = rouse_wait;   # most recent: cb2
print "default (cb2): ", scalar(@b), " values\n";
# a callback made by main, waited for by another coro
my $cb3 = rouse_cb;
my $w = async { print "w: waits on main's cb\n"; my @v = rouse_wait $cb3; print "w: got (@v)\n" };
cede;
print "main: calling cb3, nready=", nready, "\n";
$cb3->(7, 8);
print "main: nready=", nready, "\n";
cede;
# throw into a coro blocked in rouse_wait
my $cb4;
my $t = async { $cb4 = rouse_cb; my @v = eval { rouse_wait $cb4 }; print "t: ", ($@ ? "died: $@" : "got (@v)\n"); };
cede;
$t->throw("rx\n");
cede;
print "main: after throw, calling cb4 late\n";
$cb4->("late");
cede;
# callback called twice from two coros: first wins, second readies nothing
my $cb5 = rouse_cb;
async { print "c1 calls\n"; $cb5->("c1") };
async { print "c2 calls\n"; $cb5->("c2") };
my @r = rouse_wait $cb5;
print "main: got (@r) nready=", nready, "\n";
cede;
print "end\n";
