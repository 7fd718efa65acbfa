# suspend/resume and is_* predicates; a suspended coro dequeued by the scheduler loses its activation.
$| = 1;
use Coro;
use Coro qw(nready);
sub st { my ($n, $c) = @_; print "$n: new=", ($c->is_new?1:0), " ready=", ($c->is_ready?1:0), " running=", ($c->is_running?1:0), " suspended=", ($c->is_suspended?1:0), " zombie=", ($c->is_zombie?1:0), " nready=", nready, "\n" }
our $co;
$co = new Coro sub { st("inside", $co); print "co: step 1\n"; schedule; print "co: step 2\n"; };
st("created", $co);
$co->ready;          st("readied", $co);
$co->suspend;        st("suspended while queued", $co);
cede;                st("after cede (scheduler skipped it)", $co);
print "ready on it -> '", $co->ready, "'\n";
$co->resume;         st("resumed", $co);
print "ready after resume -> '", $co->ready, "'\n";
cede;                st("after cede", $co);
# suspend a blocked (not queued) coro, ready it, then resume
my $d = async { print "d: step 1\n"; schedule; print "d: step 2\n" };
cede;
$d->suspend; print "ready suspended d -> '", $d->ready, "'\n"; st("d suspended+ready", $d);
cede;                st("d after cede", $d);
$d->resume;          st("d resumed", $d);
cede;                st("d after cede", $d);
print "ready d again -> '", $d->ready, "'\n";
cede;                st("d end", $d);
# suspend+resume with no scheduler pass in between: the queue entry survives
our $e; $e = async { st("e inside", $e); print "e runs\n" };
$e->suspend; $e->resume;
cede;                st("e after cede", $e);
