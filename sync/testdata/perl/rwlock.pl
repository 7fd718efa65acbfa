# Coro::RWLock: readers and writers interleaving, and Coro's writer
# handling (unlock prefers a waiting writer; readers are not held back
# by waiting writers).
use Coro;
use Coro::RWLock;

my $l = new Coro::RWLock;

sub reader {
   my ($n, $hold) = @_;
   async {
      print "$n wants to read\n";
      $l->rdlock;
      print "$n reads\n";
      cede for 1..$hold;
      print "$n done reading\n";
      $l->unlock;
   };
}

sub writer {
   my ($n, $hold) = @_;
   async {
      print "$n wants to write\n";
      $l->wrlock;
      print "$n writes\n";
      cede for 1..$hold;
      print "$n done writing\n";
      $l->unlock;
   };
}

reader "r1", 2;
reader "r2", 1;
writer "w1", 1;
reader "r3", 3;   # gets in although w1 waits
writer "w2", 1;
cede while Coro::nready;
print "-- idle\n";

print "main trywrlock ", ($l->trywrlock ? 1 : 0), "\n";
print "main tryrdlock ", ($l->tryrdlock ? 1 : 0), "\n";
reader "r4", 0;
reader "r5", 0;
writer "w3", 0;
cede;
print "main unlocks\n";
$l->unlock;  # readies w3, not the readers
cede while Coro::nready;
print "-- idle\n";

print "main tryrdlock ", ($l->tryrdlock ? 1 : 0), "\n";
print "main tryrdlock ", ($l->tryrdlock ? 1 : 0), "\n";
print "main trywrlock ", ($l->trywrlock ? 1 : 0), "\n";
writer "w4", 0;
writer "w5", 0;
cede;
$l->unlock;
print "main unlocked one\n";
cede;
$l->unlock;
print "main unlocked both\n";
# w4 is readied; a reader that asks before w4 runs still gets in
print "main tryrdlock ", ($l->tryrdlock ? 1 : 0), "\n";
cede;
print "main unlocks\n";
$l->unlock;
cede while Coro::nready;
print "-- idle\n";
