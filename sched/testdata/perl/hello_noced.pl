# async without cede: main exits, the async never runs (no output from it).
$| = 1;
use Coro;
async { print "hello\n"; };
print "main exits\n";
