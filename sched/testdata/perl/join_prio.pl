# joiners of different priorities; prio change of a blocked coro before it is readied; terminate with values.
$| = 1;
use Coro;
use Coro qw(nready);
my $t = async { print "t: blocks\n"; schedule; print "t: terminating\n"; sub { terminate("a", undef, "c") }->(); print "NOT REACHED\n" };
my @p = (-1, 2, 0, 1, 0);
for my $i (0..$#p) {
   my $co = async { my @v = $t->join; print "j$i(prio $p[$i]) got (", join(",", map { defined $_ ? $_ : "undef" } @v), ")\n" };
   $co->prio($p[$i]);
}
cede;
print "main: all joined? nready=", nready, "\n";
cede while nready;
print "main: t prio -> 3 while blocked, then ready\n";
$t->prio(3);
async { print "normal runs\n" };
$t->ready;
cede;
print "main: after cede nready=", nready, "\n";
Coro::cede_notself while nready;
print "end\n";
