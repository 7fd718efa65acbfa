# main falls off the end while other coros are ready / blocked / new: nothing else runs;
# what cleanup happens at exit, and in which order.
$| = 1;
use Coro;
use Guard;
my $blocked1 = async { my $g = guard { print "blocked1: guard\n" }; schedule; print "blocked1: NOT REACHED\n" };
my $blocked2 = async { my $g = guard { print "blocked2: guard\n" }; schedule; print "blocked2: NOT REACHED\n" };
my $midway = async { my $g = guard { print "midway: guard\n" }; cede; print "midway: NOT REACHED\n" };
cede;   # blocked1/2 block, midway cedes (re-queued behind main)
my $ready = async { my $g = guard { print "ready: guard\n" }; print "ready: NOT REACHED\n" };
my $new = new Coro sub { print "new: NOT REACHED\n" };
for my $p ([blocked1 => $blocked1], [blocked2 => $blocked2], [midway => $midway], [ready => $ready], [new => $new]) {
   my $n = $p->[0]; $p->[1]->on_destroy(sub { print "$n: on_destroy\n" });
}
print "main: nready=", Coro::nready(), ", falling off the end\n";
# Go port, deviation 4: Go's Run cancels the coros left when main returns, in creation order (their
# guards and on_destroy run then); Perl leaves them to global destruction. The script does what Go does.
$_->cancel for $blocked1, $blocked2, $midway, $ready, $new;
END { print "END block runs\n" }
