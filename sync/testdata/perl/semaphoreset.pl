# Coro::SemaphoreSet: per-key semaphores, made on demand.
use Coro;
use Coro::SemaphoreSet;

my $set = new Coro::SemaphoreSet 2;

sub show { my $k = shift; print "  $k: count ", $set->count($k), " waiters ", (scalar $set->waiters($k)) || 0, "\n" }

for my $n (1..4) {
   async {
      my $key = $n % 2 ? "odd" : "even";
      print "t$n wants $key\n";
      my $g = $set->guard($key);
      print "t$n holds $key\n";
      cede;
      print "t$n releases $key\n";
   };
}
for my $n (5, 7) {
   async {
      print "t$n wants odd\n";
      $set->down ("odd");
      print "t$n holds odd\n";
      cede;
      $set->up ("odd");
      print "t$n released odd\n";
   };
}
cede;
show $_ for qw(odd even other);
cede while Coro::nready;
show $_ for qw(odd even other);

print "try other ", ($set->try ("other") ? 1 : 0), "\n";
print "try other ", ($set->try ("other") ? 1 : 0), "\n";
print "try other ", ($set->try ("other") ? 1 : 0), "\n";
show "other";
async { print "waiter waits for other\n"; $set->wait ("other"); print "waiter sees other free (count ", $set->count ("other"), ")\n" };
cede;
show "other";
$set->up ("other");
show "other";
cede;
$set->up ("other");
show "other";

my $zero = new Coro::SemaphoreSet 0;
print "zero: try ", ($zero->try ("k") ? 1 : 0), " count ", $zero->count ("k"), "\n";
async { print "z waits\n"; $zero->down ("k"); print "z got k\n" };
cede;
print "zero: count ", $zero->count ("k"), " waiters ", scalar $zero->waiters ("k"), "\n";
$zero->up ("k");
cede;
print "zero: count ", $zero->count ("k"), " waiters ", scalar $zero->waiters ("k"), "\n";
