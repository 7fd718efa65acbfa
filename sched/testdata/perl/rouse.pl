# rouse_cb / rouse_wait: normal wait, callback called before wait, arguments, only first call counts.
$| = 1;
use Coro;
# 1: wait first, callback later from another coro
my $cb = rouse_cb;
async { print "async: calling cb(1,2,3)\n"; $cb->(1, 2, 3); print "async: after cb\n"; $cb->(9); print "async: second call ignored\n" };
print "main: rouse_wait\n";
my @r = rouse_wait $cb;
print "main: got (@r)\n";
# 2: callback called before rouse_wait (no scheduling needed), default cb = most recent
my $cb2 = rouse_cb;
$cb2->("early", "args");
print "main: nready after early cb=", Coro::nready(), "\n";
my @r2 = rouse_wait;
print "main: got (@r2) without blocking\n";
# 3: scalar context returns last argument; no args -> empty list
my $cb3 = rouse_cb;
async { $cb3->("a", "b", "last") };
my $s = rouse_wait $cb3;
print "main: scalar rouse_wait = $s\n";
my $cb4 = rouse_cb;
async { $cb4->() };
my @e = rouse_wait $cb4;
print "main: no-arg cb -> ", scalar(@e), " values\n";
# 4: cb only readies the coro WAITING in rouse_wait, not its creator (6.57 semantics)
my $cb5 = rouse_cb;
my $caller = async { $cb5->("x"); print "caller: main is_ready=", ($Coro::main->is_ready ? 1 : 0), " nready=", Coro::nready(), "\n"; };
$caller->join;   # main blocked in join, not in rouse_wait
print "main: rouse_wait after the fact -> (", join(",", rouse_wait($cb5)), ")\n";
# 5: only one waiter per callback
my $cb6 = rouse_cb;
async { my @v = rouse_wait $cb6; print "w1 got (@v)\n" };
# Go port: only the fact of the error is compared; the wording is Perl's ("only one thread can wait") vs Go's.
async { eval { rouse_wait $cb6 }; print "w2 error: ", ($@ =~ /only one \w+ can wait for a rouse callback/ ? "only one waiter allowed" : "none: $@"), "\n" };
cede;
$cb6->(5);
print "main: called cb6\n";
cede;
print "main end\n";
