# Coro::killall from main: which coros are cancelled, in which order; new, ready, blocked and ceded ones.
$| = 1;
use Coro;
use Coro qw(nready);
use Guard;
my @c;
for my $n (qw(a b c d e)) {
   my $co;
   if ($n eq "a" or $n eq "c") { $co = async { scope_guard { print "$n: unwound\n" }; schedule } }
   elsif ($n eq "b") { $co = async { scope_guard { print "$n: unwound\n" }; cede; print "b: NOT REACHED\n" } }
   elsif ($n eq "d") { $co = new Coro sub { print "d: NOT REACHED\n" } }
   else { $co = async { print "e: NOT REACHED\n" } }
   $co->on_destroy(sub { print "$n: on_destroy\n" });
   push @c, $co;
}
cede;
my $f = async { print "f: NOT REACHED\n" };
$f->on_destroy(sub { print "f: on_destroy\n" });
print "main: nready=", nready, " killall\n";
Coro::killall;
print "main: after killall nready=", nready, " zombies=", join("", map { $_->is_zombie ? 1 : 0 } @c, $f), "\n";
cede;
print "main: end\n";
