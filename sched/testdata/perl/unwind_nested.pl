# cancel unwinding: savestack (scope_guard, local) unwinds fully LIFO; "my" guards of OUTER sub frames leak until global destruction.
$| = 1;
use Coro; use Guard;
our $l = "orig";
sub inner { scope_guard { print "inner scope_guard\n" }; my $g = guard { print "inner lexical guard\n" }; schedule; }
sub outer { local $l = "loc"; scope_guard { print "outer scope_guard l=$l\n" }; my $g = guard { print "outer lexical guard\n" }; inner(); }
my $co = async { scope_guard { print "top scope_guard\n" }; my $g = guard { print "top lexical guard\n" }; { my $b = guard { print "top block guard\n" }; outer(); } };
$co->on_destroy(sub { print "on_destroy l=$l\n" });
cede; print "cancel\n"; $co->cancel; print "after cancel l=$l\n";
my $d = async { my $g = guard { print "d top lexical guard\n" }; { my $b = guard { print "d block guard\n" }; schedule } };
cede; print "cancel d\n"; $d->cancel; print "after cancel d\n";
print "end\n";
