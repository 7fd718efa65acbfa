# async_pool hands out the same coroutine again: its Coro::Specific values
# kept, its priority and description reset after each call.
$| = 1;
use Coro;
use Coro qw(nready);
use Coro::Specific;
my $sp = new Coro::Specific;
my %seen; my $n = 0;
sub id { my $c = shift; $seen{$c} //= ++$n }
print "main desc=[", $Coro::current->desc, "] prio=", $Coro::current->prio, "\n";
my $p1 = async_pool { print "p1: desc=[", $Coro::current->desc, "] prio=", $Coro::current->prio, " specific=", ($$sp // "undef"), " id=", id($Coro::current), "\n"; $Coro::current->prio(2); $Coro::current->desc("changed"); $$sp = "p1val"; };
print "main: p1 returned object id=", id($p1), " nready=", nready, " is_new=", ($p1->is_new?1:0), "\n";
cede;
print "main: p1 after run: desc=[", $p1->desc, "] prio=", $p1->prio, " zombie=", ($p1->is_zombie?1:0), " is_new=", ($p1->is_new?1:0), "\n";
my $p2 = async_pool { print "p2: desc=[", $Coro::current->desc, "] prio=", $Coro::current->prio, " specific=", ($$sp // "undef"), " id=", id($Coro::current), "\n"; };
print "main: p2 object id=", id($p2), " desc before it runs=[", $p2->desc, "]\n";
cede;
async { print "plain runs\n" };
my $p3 = async_pool { print "p3 runs prio=", $Coro::current->prio, " id=", id($Coro::current), "\n"; cede; print "p3 again\n" };
$p3->prio(1);
cede;
print "main: back nready=", nready, "\n";
cede;
print "main: end\n";
