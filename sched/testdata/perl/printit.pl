# Coro::Intro printit example: per-coro lexicals (and @_) survive cede.
$| = 1;
use Coro;
sub printit {
   my ($string) = @_;
   cede;
   print $string;
}
async { printit "Hello, " };
async { printit "World!\n" };
cede; cede; # do it
print "main done\n";
