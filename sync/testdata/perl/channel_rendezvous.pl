# A channel of max 1: put waits until a get has taken the value. Two
# putters and two getters interleave.
use Coro;

my $q = new Coro::Channel 1;

for my $p (qw(a b)) {
   async {
      for my $i (1..2) {
         print "$p put $p$i\n";
         $q->put ("$p$i");
         print "$p put $p$i returned\n";
      }
   };
}

for my $g (1..2) {
   async {
      for (1..2) {
         print "getter $g waits\n";
         my $v = $q->get;
         print "getter $g got $v (size ", $q->size, ")\n";
      }
   };
}

cede while Coro::nready;
print "size ", $q->size, "\n";
