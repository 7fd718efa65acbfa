# ->throw: readies the target; exception raised when its schedule/cede returns; undef clears; new coro.
$| = 1;
use Coro;
use Coro qw(nready);
my $blk = async {
   print "blk: schedule\n";
   eval { schedule; print "blk: NOT REACHED\n" };
   print "blk: caught: $@";
   eval { cede; print "blk: next cede returned normally\n" };
};
cede;
print "main: throw to blocked, is_ready before=", ($blk->is_ready?1:0), "\n";
$blk->throw("boom\n");   # Go port: with "\n", so that Perl appends no " at FILE line N."
print "main: after throw is_ready=", ($blk->is_ready?1:0), " nready=", nready, "\n";
cede;
print "main: back\n";
cede;
# throw with undef clears a pending exception (but the ready from the first throw remains)
my $c = async { eval { schedule; print "c: resumed normally\n" }; print "c: \$\@='$@'\n" };
cede;
$c->throw("x"); $c->throw(undef);
cede;
# throw on a new (never run) coro: exception raised at start, body never runs, uncaught -> program dies
my $new = new Coro sub { print "new: body NOT REACHED\n" };
# Go port: no on_destroy here. Perl runs it at global destruction, after printing the die message;
# Go runs it while the panic unwinds the coro, before Run's caller sees the panic (deviations 3/4).
$new->throw("early\n");
print "main: new is_ready=", ($new->is_ready?1:0), "\n";
cede;
print "main: NOT REACHED\n";
