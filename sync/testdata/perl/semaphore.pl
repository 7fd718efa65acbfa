# Coro::Semaphore: waiters, try, adjust, wait, guard, and how a woken
# waiter competes with a coroutine that downs before it runs.
use Coro;
use Coro::Semaphore;

my %name;
sub names { join ",", map $name{$_}, @_ }

my $s = new Coro::Semaphore 0;
print "count ", $s->count, " waiters ", scalar $s->waiters, "\n";
for my $n (qw(a b c)) {
   my $co = async {
      print "$n down\n";
      $s->down;
      print "$n got it (count ", $s->count, ")\n";
   };
   $name{$co} = $n;
}
cede;
print "count ", $s->count, " waiters ", names($s->waiters), "\n";
$s->up;  # readies a, takes it off the list
print "up: count ", $s->count, " waiters ", names($s->waiters), "\n";
print "main try ", ($s->try ? 1 : 0), " count ", $s->count, "\n"; # main takes it before a runs
cede;    # a finds nothing and queues again, at the end
print "count ", $s->count, " waiters ", names($s->waiters), "\n";
print "main try ", ($s->try ? 1 : 0), "\n";

$s->adjust (2); # readies b and c
print "adjust 2: count ", $s->count, " waiters ", names($s->waiters), "\n";
cede;
print "count ", $s->count, " waiters ", names($s->waiters), "\n";
$s->adjust (-3);
print "adjust -3: count ", $s->count, "\n";
$s->up; $s->up;
print "two ups: count ", $s->count, " waiters ", names($s->waiters), "\n";
$s->adjust (2);
print "adjust 2: count ", $s->count, " waiters ", names($s->waiters), "\n";
cede;
print "count ", $s->count, "\n";

# wait: like down without taking, and it passes the wake-up on
my $t = new Coro::Semaphore 0;
for my $n (qw(w1 d w2)) {
   my $co = async {
      print "$n blocks\n";
      if ($n eq "d") { $t->down } else { $t->wait }
      print "$n returns (count ", $t->count, ")\n";
   };
   $name{$co} = $n;
}
cede;
$t->up;
print "up: waiters ", names($t->waiters), "\n";
cede;
print "count ", $t->count, " waiters ", names($t->waiters), "\n";
$t->up;
cede;
print "count ", $t->count, " waiters ", names($t->waiters), "\n";
$t->wait;
print "main wait returned at once (count ", $t->count, ")\n";

# guard
my $u = new Coro::Semaphore 2;
{
   my $g1 = $u->guard;
   my $g2 = $u->guard;
   print "two guards: count ", $u->count, "\n";
   my $co = async { print "g3 waits\n"; my $g3 = $u->guard; print "g3 holds (count ", $u->count, ")\n" };
   $name{$co} = "g3";
   cede;
   print "waiters ", names($u->waiters), "\n";
}
print "guards gone: count ", $u->count, " waiters ", scalar $u->waiters, "\n";
cede;
print "count ", $u->count, "\n";

# a waiter woken and then cancelled before it ran passes the wake-up on
my $v = new Coro::Semaphore 0;
my @co;
for my $n (qw(p q r)) {
   my $co = async { print "$n waits\n"; $v->down; print "$n got it\n" };
   $name{$co} = $n;
   push @co, $co;
}
cede;
$v->up;
print "up: waiters ", names($v->waiters), "\n";
$co[0]->cancel;
print "p cancelled: count ", $v->count, " waiters ", names($v->waiters), "\n";
cede;
print "count ", $v->count, " waiters ", names($v->waiters), "\n";
