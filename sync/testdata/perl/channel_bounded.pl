# A bounded channel (max 3: two values buffered) with a producer faster
# than its consumer, then shutdown.
use Coro;

my $q = new Coro::Channel 3;

my $producer = async {
   for my $i (1..7) {
      print "put $i (size ", $q->size, ")\n";
      $q->put ($i);
      print "put $i done (size ", $q->size, ")\n";
   }
   print "producer shuts down\n";
   $q->shutdown;
};

my $consumer = async {
   while () {
      my $v = $q->get;
      last unless defined $v;
      print "got $v (size ", $q->size, ")\n";
      cede; # slower than the producer
   }
   print "consumer sees end (size ", $q->size, ")\n";
};

$consumer->join;
print "after join: get ", (defined $q->get ? "value" : "undef"), ", size ", $q->size, "\n";
$q->put ("late");
print "late put: size ", $q->size, ", get ", $q->get, ", get ", (defined $q->get ? "value" : "undef"), "\n";
