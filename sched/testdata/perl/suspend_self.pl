# a coro suspends itself and cedes: the scheduler drops it; another resumes and readies it.
$| = 1;
use Coro;
use Coro qw(nready);
my $a = async { print "a: suspend self, cede\n"; $Coro::current->suspend; cede; print "a: back (suspended=", ($Coro::current->is_suspended?1:0), ")\n" };
cede;
print "main: a suspended=", ($a->is_suspended?1:0), " nready=", nready, "\n";
cede;
print "main: after cede (a dropped), a new=", ($a->is_new?1:0), " zombie=", ($a->is_zombie?1:0), "\n";
$a->resume;
print "main: resumed a, is_suspended=", ($a->is_suspended?1:0), "\n";
cede;
print "main: a did not run (activation lost)\n";
# resume before the scheduler reaches it keeps the activation
my $b = async { print "b: suspend self, cede\n"; $Coro::current->suspend; cede; print "b: back\n" };
cede;
$b->resume;
cede;
print "main: b zombie=", ($b->is_zombie?1:0), "\n";
# suspended running coro that calls schedule after readying itself
my $c = async { print "c: ready self, suspend, schedule\n"; $Coro::current->ready; $Coro::current->suspend; schedule; print "c: back\n" };
async { print "d runs\n" };
cede;
print "main: c suspended=", ($c->is_suspended?1:0), " zombie=", ($c->is_zombie?1:0), "\n";
