# Coro::Specific: per-coro scalar (undef in each new coro); %$Coro::current keys; local per-coro.
$| = 1;
use Coro;
use Coro::Specific;
my $ref = new Coro::Specific;
$$ref = "main-value";
$Coro::current->{mykey} = "main-key";
our $shared = "shared";
for my $n (1, 2) {
   async {
      print "co$n: start specific=", (defined $$ref ? $$ref : "undef"), " mykey=", (defined $Coro::current->{mykey} ? $Coro::current->{mykey} : "undef"), "\n";
      $$ref = "co$n-value";
      $Coro::current->{mykey} = "co$n-key";
      $shared = "set-by-co$n";
      cede;
      print "co$n: after cede specific=$$ref mykey=$Coro::current->{mykey} shared=$shared\n";
   };
}
cede;
print "main: specific=$$ref mykey=$Coro::current->{mykey} shared=$shared\n";
cede;
my $ref2 = new Coro::Specific;
print "main: second specific initially ", (defined $$ref2 ? "defined" : "undef"), "\n";
# the per-coro variables documented in Coro::Intro: $_ and $@ are per coro
$_ = "main-underscore";
async { $_ = "co-underscore"; print "co: \$_=$_\n" };
cede;
print "main: \$_=$_\n";
