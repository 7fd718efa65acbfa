# A throw at a coroutine waiting in join readies it, but join goes on
# waiting and dies once the joined coroutine has ended; throw(undef)
# withdraws it; a coroutine waiting in rouse_wait dies at once.
$| = 1;
use Coro; use Coro qw(nready);
my $target = async { schedule; print "target: resumed\n"; "tv" };
my $j = async { my @v = eval { $target->join }; print "j: join ", ($@ ? "died: $@" : "returned (@v)\n"); };
cede;
$j->throw("jx\n");
print "nready=", nready, " j is_ready=", ($j->is_ready?1:0), "\n";
cede; cede; cede;
print "main: after cedes nready=", nready, "\n";
$target->cancel("c");
print "main: cancelled target nready=", nready, "\n";
cede;
my $t2 = async { schedule; print "t2: resumed\n"; "t2v" };
my $j2 = async { my @v = eval { $t2->join }; print "j2: join ", ($@ ? "died: $@" : "returned (@v)\n"); };
cede;
$j2->throw("j2x\n");
$j2->throw(undef);
cede;
print "main: readying t2\n";
$t2->ready;
cede; cede;
my $t3 = async { schedule; print "t3: resumed\n"; "t3v" };
my $j3 = async { my @v = eval { $t3->join }; print "j3: join ", ($@ ? "died: $@" : "returned (@v)\n"); };
cede;
$j3->throw("first\n");
$j3->throw("second\n");
$t3->ready;
cede; cede;
my $cb = rouse_cb;
my $w = async { my @v = eval { rouse_wait $cb }; print "w: ", ($@ ? "died: $@" : "returned (@v)\n"); };
cede;
$w->throw("wx\n");
cede;
print "main: end\n";
