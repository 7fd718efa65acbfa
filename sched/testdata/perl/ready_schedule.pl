# ->ready return values, nready, $Coro::current->ready + schedule == cede.
$| = 1;
use Coro;
use Coro qw(nready);
my $co = new Coro sub { print "co runs, nready=", nready, "\n"; print "co: ready on running self -> '", $Coro::current->ready, "'\n"; print "co: is_ready=", ($Coro::current->is_ready ? 1 : 0), " nready=", nready, "\n"; schedule; print "co resumed after its self-ready\n" };
print "nready initially=", nready, "\n";
print "first ready -> '", $co->ready, "'\n";
print "second ready -> '", $co->ready, "'\n";
print "nready=", nready, "\n";
print "main: current->ready -> '", $Coro::current->ready, "'\n";
print "nready=", nready, "\n";
schedule;   # like cede: co runs first (queued earlier), then main
print "main back, nready=", nready, "\n";
cede;       # co (ready since it readied itself while running) resumes and terminates
# Go port, deviation 2: is_ready of a zombie is not compared (Perl says 1, Go's IsReady is false).
print "main back, nready=", nready, " co is_zombie=", ($co->is_zombie?1:0), "\n";
print "ready on zombie -> '", $co->ready, "' nready=", nready, "\n";
print "ready on main (running) -> '", $Coro::main->ready, "', again -> '", $Coro::main->ready, "'\n";
cede;       # main is queued twice? (no: single flag) -> returns
print "main end nready=", nready, "\n";
