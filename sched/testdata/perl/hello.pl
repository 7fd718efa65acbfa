# Coro::Intro first examples: async alone prints nothing; async + cede prints hello.
$| = 1;
use Coro;
async { print "hello\n"; };
print "main before cede\n";
cede;
print "main after cede\n";
