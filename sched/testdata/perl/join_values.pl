# join: values from return and terminate, multiple joiners, join on finished coro, scalar context.
$| = 1;
use Coro;
my $r = async { print "r runs\n"; cede; print "r returns\n"; return (1, 2, 3) };
my $t = async { print "t runs\n"; cede; print "t terminates\n"; Coro::terminate("x", "y"); print "not reached\n" };
for my $n (1 .. 3) {
   async { print "joiner$n waits on r\n"; my @v = $r->join; print "joiner$n got (@v)\n" };
}
print "main joins t\n";
my @tv = $t->join;
print "main got t: (@tv)\n";
my @rv = $r->join;   # r finished long ago? (depends on order)
print "main got r: (@rv)\n";
my $s = $r->join;    # scalar context: last value
print "scalar join r: $s\n";
my $e = async { return };
my @ev = $e->join;
print "empty return join: ", scalar(@ev), " values\n";
my $u = async { return undef };
my @uv = $u->join;
print "undef return join: ", scalar(@uv), " values, defined=", (defined $uv[0] ? 1 : 0), "\n";
print "main end\n";
