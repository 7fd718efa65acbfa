# Perl Coro's cede round trip: main and one async cede to each other.
# Prints nanoseconds per round trip for $ARGV[0] round trips.
use strict;
use Coro;
use Time::HiRes qw(time);
my $n = $ARGV[0] || 1000000;
my $stop = 0;
async { cede until $stop };
cede;                       # let it start
my $t0 = time;
cede for 1 .. $n;
my $t = time - $t0;
$stop = 1;
cede;
printf "%.1f\n", $t / $n * 1e9;
