# suspend/resume and is_* predicates; a suspended coro dequeued by the scheduler loses its activation.
# Go port, deviations 1 and 2: once the scheduler has dropped a suspended coro, Perl leaves it flagged
# ready forever (is_ready=1, ->ready returns '' even after resume, nready one too high from then on),
# while Go un-readies it. So st() leaves out the ready flag and nready once a drop has happened, the
# ->ready calls on dropped coros are gone, and the e part (which drops nothing) comes first. A zombie's
# ready flag is left out too (Perl reports is_ready=1 for zombies).
$| = 1;
use Coro;
use Coro qw(nready);
sub st { my ($n, $c, %skip) = @_; print "$n: new=", ($c->is_new?1:0), ($skip{ready} ? "" : " ready=" . ($c->is_ready?1:0)), " running=", ($c->is_running?1:0), " suspended=", ($c->is_suspended?1:0), " zombie=", ($c->is_zombie?1:0), ($skip{nready} ? "" : " nready=" . nready), "\n" }
# suspend+resume with no scheduler pass in between: the queue entry survives
our $e; $e = async { st("e inside", $e); print "e runs\n" };
$e->suspend; $e->resume;
cede;                st("e after cede", $e, ready => 1);
our $co;
$co = new Coro sub { st("inside", $co); print "co: step 1\n"; schedule; print "co: step 2\n"; };
st("created", $co);
$co->ready;          st("readied", $co);
$co->suspend;        st("suspended while queued", $co);
cede;                st("after cede (scheduler skipped it)", $co, ready => 1, nready => 1);
$co->resume;         st("resumed", $co, ready => 1, nready => 1);
cede;                st("after cede", $co, ready => 1, nready => 1);
# suspend a blocked (not queued) coro, ready it, then resume
my $d = async { print "d: step 1\n"; schedule; print "d: step 2\n" };
cede;
$d->suspend; print "ready suspended d -> '", $d->ready, "'\n"; st("d suspended+ready", $d, nready => 1);
cede;                st("d after cede", $d, ready => 1, nready => 1);
$d->resume;          st("d resumed", $d, ready => 1, nready => 1);
cede;                st("d after cede", $d, ready => 1, nready => 1);
cede;                st("d end", $d, ready => 1, nready => 1);
