# rouse_wait takes the callback's results: a second wait on it returns at
# once with an empty list, and a wait without a callback uses up the
# default, which an explicit wait leaves in place.
$| = 1;
use Coro;
my $cb = rouse_cb;
$cb->(1, 2);
my @a = rouse_wait $cb;
print "explicit: (@a)\n";
my @b = rouse_wait $cb;
print "again: (@b) n=", scalar(@b), "\n";
my @c = rouse_wait;
print "default after explicit: (@c)\n";
my $cb2 = rouse_cb;
async { $cb2->(3) };
my @d = rouse_wait;
print "default: (@d)\n";
eval { rouse_wait };
print "default again: ", ($@ =~ /no default rouse callback/ ? "none left" : "($@)"), "\n";
$cb2->(4);
my @e = rouse_wait $cb2;
print "late call: (@e)\n";
