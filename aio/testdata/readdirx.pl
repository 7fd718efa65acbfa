# aio_readdirx of the directory given, in each order, as TestReaddirxAsIOAIO
# prints Readdirx's: "flags -> returned flags: name/type ...".
use strict;
use IO::AIO;

my $dir = shift;
for my $flags (0, IO::AIO::READDIR_DIRS_FIRST, IO::AIO::READDIR_STAT_ORDER,
               IO::AIO::READDIR_DIRS_FIRST | IO::AIO::READDIR_STAT_ORDER) {
   aio_readdirx $dir, $flags | IO::AIO::READDIR_DENTS, sub {
      my ($entries, $got) = @_ or die "readdirx $dir: $!";
      print "$flags -> $got:", (map " $_->[0]/$_->[1]", @$entries), "\n";
   };
   IO::AIO::flush;
}
