# join/cancel interplay: joined coro cancelled by a third; multiple joiners; join on self; join after zombie.
$| = 1;
use Coro;
use Coro qw(nready);
my $t = async { print "t: blocks\n"; schedule; print "t: NOT REACHED\n" };
my @j;
for my $n (1 .. 3) {
   push @j, async { print "j$n: join t\n"; my @v = $t->join; print "j$n: got (@v) nready=", nready, "\n" };
}
async { print "k: cancel t\n"; $t->cancel("k1", "k2"); print "k: after cancel nready=", nready, "\n" };
print "main: cede\n";
cede;
print "main: back nready=", nready, "\n";
cede;
print "main: back2 nready=", nready, "\n";
# joiner is itself cancelled while joining
my $u = async { schedule };
my $ju = async { my $g = Guard::guard(sub { print "ju: unwound\n" }); print "ju: join u\n"; $u->join; print "ju: NOT REACHED\n" };
cede;
$ju->cancel;
print "main: ju cancelled, zombie=", ($ju->is_zombie ? 1 : 0), "\n";
$u->cancel("uval");
print "main: u cancelled\n";
cede;
print "main: join ju -> (", join(",", $ju->join), ")\n";
my $w = async { schedule };
$w->on_destroy(sub { print "w: on_destroy (@_)\n" });
async { my @v = $w->join; print "jw1 (@v)\n" };
$w->on_destroy(sub { print "w: on_destroy2 (@_)\n" });
async { my @v = $w->join; print "jw2 (@v)\n" };
cede;
async { print "late runs\n" };
$w->cancel(1, 2);
print "main: cancelled w, nready=", nready, "\n";
cede;
print "end\n";
