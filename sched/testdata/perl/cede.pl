# Coro::Intro cede example.
$| = 1;
use Coro;
async {
   print "async 1\n";
   cede;
   print "async 2\n";
};
print "main 1\n";
cede;
print "main 2\n";
cede;
