# Coro.pm doc: a coro that blocks with no references left is destroyed (cancelled) at once.
$| = 1;
use Coro;
use Guard;
async {
   my $guard = Guard::guard { print "destroyed\n" };
   print "async: schedule while 1\n";
   schedule while 1;
};
print "main: cede\n";
cede;
print "main: back from cede\n";
my $kept = async { my $g = Guard::guard { print "kept: destroyed\n" }; schedule };
cede;
print "main: kept is alive, dropping last reference\n";
undef $kept;
print "main: end\n";
