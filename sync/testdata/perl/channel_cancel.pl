# Coro::Channel: a putter cancelled while waiting for space (its value stays), then gets.
$| = 1;
use Coro;
my $q = new Coro::Channel 2;   # holds 1
$q->put("first");
my $p = async { print "p puts second\n"; $q->put("second"); print "p: NOT REACHED\n" };
cede;
print "size ", $q->size, "\n";
$p->cancel;
print "p cancelled, size ", $q->size, "\n";
print "get ", $q->get, " size ", $q->size, "\n";
print "get ", $q->get, " size ", $q->size, "\n";
my $p2 = async { print "p2 puts third\n"; $q->put("third"); print "p2 put returned\n" };
cede;
print "size ", $q->size, "\n";
$q->put("fourth") if 0;
print "get ", $q->get, " size ", $q->size, "\n";
cede;
print "end size ", $q->size, "\n";
