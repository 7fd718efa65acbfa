# Coro::AnyEvent::poll sleeps until the event loop has run once: every
# ready coroutine runs first, lower priorities too.
$| = 1;
use Coro;
use Coro::AnyEvent;
my $low = async { print "low runs\n"; cede; print "low again\n" };
$low->prio(-1);
my $eq = async { print "eq runs\n"; cede; print "eq again\n" };
my $high = async { print "high runs\n"; Coro::AnyEvent::poll; print "high back from poll\n" };
$high->prio(1);
cede;
print "main polls\n";
Coro::AnyEvent::poll;
print "main back from poll\n";
Coro::AnyEvent::sleep 0;
print "main back from sleep 0\n";
