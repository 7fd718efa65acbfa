# Coro::Signal: send and broadcast, with and without waiters.
use Coro;
use Coro::Signal;

my $sig = new Coro::Signal;

print "awaited ", ($sig->awaited ? 1 : 0), "\n";
$sig->send; # no waiter: remembered
$sig->send; # remembered once
$sig->wait; # returns at once
print "wait returned at once\n";

for my $n (1..3) {
   async {
      print "w$n waits\n";
      $sig->wait;
      print "w$n woken\n";
   };
}
cede;
print "awaited ", ($sig->awaited ? 1 : 0), "\n";
$sig->send;
print "send: awaited ", ($sig->awaited ? 1 : 0), "\n";
cede;
$sig->broadcast;
print "broadcast: awaited ", ($sig->awaited ? 1 : 0), "\n";
cede;
print "awaited ", ($sig->awaited ? 1 : 0), "\n";

$sig->broadcast; # no waiter: lost
my $late = async {
   print "late waits\n";
   $sig->wait;
   print "late woken\n";
};
cede;
print "awaited ", ($sig->awaited ? 1 : 0), "\n";

# a remembered send is forgotten by a broadcast
$sig->send; cede; # wakes late
$sig->send;       # remembered
$sig->broadcast;  # forgets it
async {
   print "last waits\n";
   $sig->wait;
   print "last woken\n";
};
cede;
print "awaited ", ($sig->awaited ? 1 : 0), "\n";

# send to a waiter that waits again before the woken one ran
async { print "x waits\n"; $sig->wait; print "x woken\n" };
cede;
$sig->send; # wakes last
$sig->send; # wakes x
$sig->send; # remembered
async { print "y waits\n"; $sig->wait; print "y returned\n" };
cede;
print "awaited ", ($sig->awaited ? 1 : 0), "\n";
