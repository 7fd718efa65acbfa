# on_destroy and joiners across calls; prio changes; cede inside calls; killall with idle ones.
$| = 1;
use Coro; use Coro qw(nready);
my %seen; my $n = 0;
sub id { my $c = shift; $seen{$c} //= ++$n }
my $a = async_pool { print "a1: id=", id($Coro::current), " prio=", $Coro::current->prio, "\n"; $Coro::current->on_destroy(sub { print "a: od1 (@_)\n" }); $Coro::current->prio(-1); cede; print "a1: after cede prio=", $Coro::current->prio, "\n" };
$a->prio(1);
my $j = async { my @v = $a->join; print "j: a joined (@v)\n" };
cede;
print "main: nready=", nready, " a prio=", $a->prio, "\n";
cede; cede;
print "main: a desc=", $a->desc, " prio=", $a->prio, " zombie=", ($a->is_zombie?1:0), "\n";
my $a2 = async_pool { print "a2: same=", ($Coro::current == $a ? 1 : 0), " prio=", $Coro::current->prio, "\n"; $Coro::current->on_destroy(sub { print "a: od2 (@_)\n" }); cede; print "a2: terminate\n"; terminate("a2v") };
$a2->prio(-2);
cede;
print "main: back nready=", nready, "\n";
cede; cede;
print "main: a zombie=", ($a->is_zombie?1:0), "\n";
my @p = map { my $i = $_; async_pool { print "p$i runs id=", id($Coro::current), "\n"; cede; print "p$i ends\n" } } 1..3;
cede; cede; cede;
print "main: pool idle nready=", nready, "\n";
$_->on_destroy(sub { print "idle od (@_)\n" }) for @p;
Coro::killall;
print "main: after killall zombies=", join(" ", map { $_->is_zombie?1:0 } @p), "\n";
my $q = async_pool { print "q runs id=", id($Coro::current), "\n" };
cede;
print "main: end\n";
