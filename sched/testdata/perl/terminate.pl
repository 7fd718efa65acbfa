# terminate(@values) from a nested sub: unwinds (guards, local restore), on_destroy, joiners get values.
$| = 1;
use Coro;
use Guard;
our $g = "global";
sub inner { my $gd = guard { print "inner guard\n" }; print "inner: terminate\n"; terminate("v1", "v2"); print "NOT REACHED\n" }
# Go port, deviation 3: "my" guards of OUTER frames run only at global destruction in Perl, while Go runs
# every defer as the coro unwinds; so outer frames use scope_guard (which unwinds at once in Perl too).
sub outer { local $g = "localised"; scope_guard { print "outer guard (g=$g)\n" }; inner(); print "NOT REACHED\n" }
my $co = async {
   scope_guard { print "top guard\n" };
   eval { outer(); }; print "NOT REACHED (eval does not catch terminate)\n";
};
$co->on_destroy(sub { print "on_destroy 1 (@_)\n" });
$co->on_destroy(sub { print "on_destroy 2 (@_)\n" });
async { print "joiner: waiting\n"; my @v = $co->join; print "joiner: got (@v)\n" };
async { print "bystander runs\n" };
print "main: join\n";
my @v = $co->join;
print "main: got (@v), g=$g\n";
# terminate with no args and in main-less context
my $e = async { terminate };
print "empty terminate join: ", scalar(my @x = $e->join), " values\n";
