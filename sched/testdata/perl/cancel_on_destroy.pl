# cancel: suspended (blocked) coro vs ready coro; guard vs on_destroy vs joiners; canceller continues?
$| = 1;
use Coro;
use Coro qw(nready);
use Guard;
our $blocked; $blocked = async {
   my $g = guard { print "blocked: guard runs (current is ", ($Coro::current == $Coro::main ? "main" : $Coro::current == $blocked ? "blocked" : "other"), ")\n" };
   scope_guard { print "blocked: scope_guard runs\n" };
   print "blocked: sleeping\n";
   schedule;
   print "blocked: NOT REACHED\n";
};
$blocked->on_destroy(sub { print "blocked: on_destroy A args=(@_)\n" });
$blocked->on_destroy(sub { print "blocked: on_destroy B args=(@_)\n" });
async { print "joiner waits\n"; my @v = $blocked->join; print "joiner got (@v)\n" };
cede;
print "main: cancel blocked, nready=", nready, "\n";
$blocked->cancel("c1", "c2");
print "main: after cancel, zombie=", ($blocked->is_zombie ? 1 : 0), " nready=", nready, "\n";
print "main: join -> (", join(",", $blocked->join), ")\n";
# cancel a coro that is in the ready queue and never ran
my $rdy = async { print "rdy: NOT REACHED\n" };
$rdy->on_destroy(sub { print "rdy: on_destroy args=(@_)\n" });
async { print "other runs\n" };
print "main: nready before cancel=", nready, "\n";
$rdy->cancel(42);
# Go port, deviation 2: is_ready of the zombie is not compared (Perl says 1, Go's IsReady is false).
print "main: nready after cancel=", nready, " is_new=", ($rdy->is_new ? 1 : 0), "\n";
cede;
print "main: back, nready=", nready, "\n";
