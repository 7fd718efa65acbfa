# cancel unwinding: the savestack (scope_guard, local) unwinds fully, LIFO, across nested sub frames.
# Go port, deviation 3: Perl frees the "my" guards of OUTER sub frames only at global destruction, while
# Go runs every defer as the coro unwinds; so the outer frames use scope_guards (which unwind at once in
# Perl too). The innermost frame keeps its "my" guard, which Perl runs at cancel time as well.
$| = 1;
use Coro; use Guard;
our $l = "orig";
sub inner { scope_guard { print "inner scope_guard\n" }; my $g = guard { print "inner lexical guard\n" }; schedule; }
sub outer { local $l = "loc"; scope_guard { print "outer scope_guard l=$l\n" }; scope_guard { print "outer second scope_guard\n" }; inner(); }
my $co = async { scope_guard { print "top scope_guard\n" }; scope_guard { print "top second scope_guard\n" }; { scope_guard { print "top block scope_guard\n" }; outer(); } };
$co->on_destroy(sub { print "on_destroy l=$l\n" });
cede; print "cancel\n"; $co->cancel; print "after cancel l=$l\n";
my $d = async { my $g = guard { print "d top lexical guard\n" }; { my $b = guard { print "d block guard\n" }; schedule } };
cede; print "cancel d\n"; $d->cancel; print "after cancel d\n";
print "end\n";
