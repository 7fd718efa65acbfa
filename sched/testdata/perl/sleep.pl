# Coro::AnyEvent::sleep and Coro::Timer::timeout: sleepers wake in the
# order of their deadlines, main included; a timeout readies its coro once.
$| = 1;
use Coro;
use Coro::AnyEvent;
use Coro::Timer qw(timeout);
for my $ms (30, 10, 20) {
   async { Coro::AnyEvent::sleep $ms / 1000; print "slept $ms\n" };
}
print "main sleeps 50\n";
Coro::AnyEvent::sleep 0.05;
print "main woke\n";
my $t = timeout 0.01;
my $n = 0;
until ($t) { schedule; $n++ }
print "timeout fired after $n wake-up(s)\n";
async { print "async runs before main's sleep ends\n" };
Coro::AnyEvent::sleep 0.01;
print "done\n";
