# schedule with nothing ready and an idle handler that wakes sleepers one at a time.
$| = 1;
use Coro;
use Coro qw(nready);
my @sleepers;
my $calls = 0;
$Coro::idle = new Coro sub {
   while () {
      $calls++;
      my $c = shift @sleepers;
      print "idle call $calls nready=", nready, " waking ", ($c ? $c->{name} : "nobody"), "\n";
      $c->ready if $c;
      schedule;
   }
};
for my $n (qw(a b c)) {
   my $co = async { print "$n: sleeps\n"; push @sleepers, $Coro::current; schedule; print "$n: woken, nready=", nready, "\n"; };
   $co->{name} = $n;
}
$Coro::current->{name} = "main";
cede;
print "main: sleeps last, nready=", nready, "\n";
push @sleepers, $Coro::current;
schedule;
print "main: woken after $calls idle calls, nready=", nready, "\n";
# a woken coro that readies another before the idle runs again
my $x = async { print "x: sleeps\n"; schedule; print "x: woken\n" };
$x->{name} = "x";
my $y = async { print "y: sleeps\n"; push @sleepers, $Coro::current; schedule; print "y: woken, readies x\n"; $x->ready };
$y->{name} = "y";
cede;
push @sleepers, $Coro::current;
schedule;
print "main: end after $calls idle calls\n";
