# Coro::Intro "wake me or deadlock", deterministic: the async does NOT wake main.
# A second, named coro stays blocked in schedule so the ps listing shows a user coro.
$| = 1;
use Coro;
my $wakeme = $Coro::current;
my $sleeper = async {
   $Coro::current->{desc} = "sleeper coro";
   print "sleeper: blocking forever\n";
   schedule;
};
async {
   print "async runs, not waking main\n";
   $wakeme->ready if 0;
};
print "main: schedule\n";
schedule;
print "NOT REACHED\n";
