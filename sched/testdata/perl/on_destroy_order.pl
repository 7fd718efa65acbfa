# on_destroy: callbacks run LIFO; args for return / terminate / cancel; joiners are readied in the same LIFO pass.
$| = 1;
use Coro;
sub watch {
   my ($name, $co) = @_;
   $co->on_destroy(sub { print "$name: cb1 (@_)\n" });
   async { my @v = $co->join; print "$name: joiner A woke (@v)\n" };
   $co->on_destroy(sub { print "$name: cb2 (@_)\n" });
   async { my @v = $co->join; print "$name: joiner B woke (@v)\n" };
   $co->on_destroy(sub { print "$name: cb3 (@_)\n" });
}
my $ret = async { cede; print "ret: returning\n"; return ("r1", "r2") };
my $term = async { cede; print "term: terminating\n"; Coro::terminate("t1") };
my $canc = async { schedule };
watch("ret", $ret); watch("term", $term); watch("canc", $canc);
cede;   # everybody starts; joiners block
print "main: cancel canc\n";
$canc->cancel("c1", undef, "c3");
print "main: cede\n";
cede;
print "main: cede again\n";
cede;
print "main: part 2\n";
# joiners and callbacks share one LIFO list: the ready-queue order of woken coros shows it
my $v = async { schedule };
my $x = new Coro sub { print "X (readied by cb1) runs\n" };
my $y = new Coro sub { print "Y (readied by cb2) runs\n" };
$v->on_destroy(sub { $x->ready });
async { $v->join; print "J (joiner) runs\n" };
cede;
$v->on_destroy(sub { $y->ready });
$v->cancel;
cede;
print "main: final\n";
