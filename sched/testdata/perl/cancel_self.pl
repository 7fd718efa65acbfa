# self-cancel ($Coro::current->cancel) behaves like terminate: cleanup happens later in the manager.
$| = 1;
use Coro;
use Coro qw(nready);
use Guard;
our $self;
$self = async {
   my $g = guard { print "self: guard runs, current is ", ($Coro::current == $self ? "self" : $Coro::current == $Coro::manager ? "manager" : $Coro::current == $Coro::main ? "main" : "other"), "\n" };
   print "self: cancelling myself\n";
   $Coro::current->cancel("bye", 7);
   print "self: NOT REACHED\n";
};
# Go port, deviation 5: which coro runs on_destroy is not compared (Perl: the manager; Go: the dying coro).
$self->on_destroy(sub { print "self: on_destroy args=(@_)\n" });
async { print "peer runs, self zombie=", ($self->is_zombie ? 1 : 0), "\n" };
print "main: cede\n";
cede;
print "main: back, zombie=", ($self->is_zombie ? 1 : 0), " join=(", join(",", $self->join), ")\n";
# canceller is another coro: it continues immediately, victim cleaned synchronously
my $victim = async { my $g = guard { print "victim: guard\n" }; schedule };
my $killer = async { print "killer: cancel victim\n"; $victim->cancel("k"); print "killer: continues, victim zombie=", ($victim->is_zombie ? 1 : 0), "\n" };
cede;
print "main: end, victim join=(", join(",", $victim->join), ")\n";
