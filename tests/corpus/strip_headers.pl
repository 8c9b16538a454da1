#!/usr/bin/perl
# Reads the simple-test manifest (simple_tests.tsv) on stdin and, for each
# test, writes its text to OUTDIR/KEY (KEY: the path with '/' turned into
# '_') without its #=DESCRIPTION (any case), #=EXRESULT and #=TODO lines
# and without everything from #=DISABLED on, as upstream's simple.pl
# feeds a test to the parser (bytes kept exactly). Prints
# "PATH EXPECT TODO DISABLED KEY" per test for xargs.
# Usage: strip_headers.pl SIMPLE_TESTS_DIR OUTDIR < simple_tests.tsv
use strict;
use warnings;
my ($src, $dst) = @ARGV;
while (my $row = <STDIN>) {
	next if $row =~ /^#/;
	chomp $row;
	my ($p, $expect, $todo, $disabled) = split /\t/, $row;
	next unless defined $disabled;
	open(my $in, '<:raw', "$src/$p") or die "$src/$p: $!";
	(my $key = $p) =~ s{/}{_}g;
	open(my $out, '>:raw', "$dst/$key") or die "$dst/$key: $!";
	while (my $l = <$in>) {
		last if $l =~ /^#=DISABLED/;
		next if $l =~ /^#=DESCRIPTION/i;
		next if $l =~ /^#=(EXRESULT|TODO)/;
		print $out $l;
	}
	close $out;
	close $in;
	print "$p $expect $todo $disabled $key\n";
}
