# Coro::Channel: several blocked getters served in order; a bounded channel with several blocked putters;
# size while putters wait; get woken but value taken by a non-blocking get first.
$| = 1;
use Coro;
my $q = new Coro::Channel;
for my $g (1..3) { async { print "g$g waits\n"; my $v = $q->get; print "g$g got $v (size ", $q->size, ")\n" } }
cede;
$q->put($_) for qw(x y);
print "main: put x y, size ", $q->size, " nready=", Coro::nready(), "\n";
print "main: own get -> ", $q->get, " size ", $q->size, "\n";
cede;
print "main: back size ", $q->size, "\n";
$q->put("z");
cede;
print "-- bounded\n";
my $b = new Coro::Channel 2;   # holds 1
for my $p (qw(a b c)) { async { print "$p puts\n"; $b->put($p); print "$p put returned (size ", $b->size, ")\n" } }
cede;
print "main: size ", $b->size, "\n";
for (1..3) { print "main: get ", $b->get, " size ", $b->size, "\n"; }
cede;
print "main: size ", $b->size, "\n";
cede;
print "-- shutdown with waiting getters\n";
my $s = new Coro::Channel;
for my $g (1..2) { async { my $v = $s->get; print "s$g got ", (defined $v ? $v : "undef"), "\n" } }
cede;
$s->put("only");
$s->shutdown;
cede;
print "main: size ", $s->size, " get ", (defined $s->get ? "value" : "undef"), "\n";
