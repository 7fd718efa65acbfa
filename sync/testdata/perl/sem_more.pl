# Coro::Semaphore: adjust with waiters and negative counts, wait wakes followers, up with count<=0,
# a waiter whose wake-up is taken by try, try/down on zero.
$| = 1;
use Coro;
use Coro::Semaphore;
my %name;
sub names { join ",", map $name{$_}, @_ }
my $s = new Coro::Semaphore -1;
for my $n (qw(a b c d)) { my $co = async { print "$n down\n"; $s->down; print "$n got (count ", $s->count, ")\n" }; $name{$co} = $n }
cede;
print "count ", $s->count, " waiters ", names($s->waiters), "\n";
$s->up;
print "up: count ", $s->count, " waiters ", names($s->waiters), " nready=", Coro::nready(), "\n";
$s->adjust(3);
print "adjust 3: count ", $s->count, " waiters ", names($s->waiters), " nready=", Coro::nready(), "\n";
print "try ", ($s->try?1:0), " count ", $s->count, "\n";
cede;
print "count ", $s->count, " waiters ", names($s->waiters), "\n";
$s->adjust(-1);
$s->up;
print "adjust -1, up: count ", $s->count, " waiters ", names($s->waiters), "\n";
cede;
print "count ", $s->count, " waiters ", names($s->waiters), "\n";
$s->up; $s->up;
cede;
print "count ", $s->count, " waiters ", names($s->waiters), "\n";
print "-- wait with count > 0 and waiters\n";
my $t = new Coro::Semaphore 0;
for my $n (qw(w1 w2 d1)) { my $co = async { print "$n blocks\n"; if ($n =~ /^w/) { $t->wait } else { $t->down } print "$n returns (count ", $t->count, ")\n" }; $name{$co} = $n }
cede;
$t->adjust(2);
print "adjust 2: waiters ", names($t->waiters), " nready=", Coro::nready(), "\n";
$t->down;
print "main down: count ", $t->count, "\n";
cede;
print "count ", $t->count, " waiters ", names($t->waiters), "\n";
$t->wait;
print "main wait returned, count ", $t->count, " nready=", Coro::nready(), "\n";
cede;
print "end count ", $t->count, " waiters ", names($t->waiters), "\n";
