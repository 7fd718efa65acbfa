# throw at a joiner, combined with cancel/safe_cancel of the joiner or of the target.
$| = 1;
use Coro; use Coro qw(nready); use Guard;
sub joiner { my ($name, $t) = @_; async { scope_guard { print "$name: guard\n" }; my @v = eval { $t->join }; print "$name: join ", ($@ ? "died: $@" : "returned (@v)\n"); "${name}v" } }
sub target { my ($name) = @_; async { scope_guard { print "$name: guard\n" }; schedule; "${name}v" } }
my $t1 = target("t1");
my $j1 = joiner("j1", $t1);
cede;
$j1->throw("x1\n");
$j1->cancel("c1");
print "j1 zombie=", ($j1->is_zombie?1:0), " join=(", join(",", $j1->join), ") nready=", nready, "\n";
$t1->ready; cede;
my $t2 = target("t2");
my $j2 = joiner("j2", $t2);
cede;
$j2->throw("x2\n");
$t2->safe_cancel("s2");
print "t2 sc nready=", nready, "\n";
cede;
print "after cede nready=", nready, "\n";
cede;
my $t4 = target("t4");
my $j4 = joiner("j4", $t4);
cede;
$j4->throw("x4\n");
$t4->cancel("c4");
print "t4 cancelled nready=", nready, "\n";
$j4->throw(undef);
cede;
my $t5 = target("t5");
my $j5 = joiner("j5", $t5);
cede;
$j5->ready;
$t5->safe_cancel("s5");
print "j5 readied, t5 sc nready=", nready, "\n";
cede;
print "after cede nready=", nready, "\n";
cede;
print "main: end\n";
