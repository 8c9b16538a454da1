#!/usr/bin/perl
# Unpacks upstream's generated simple tests (generated_tests.tsv, corpus
# README section 5) into OUTDIR/KEY files, every STEP-th test from the
# first (STEP 1: all of them), stripped of their #= header lines as
# strip_headers.pl strips a simple test. Prints "PATH EXPECT - - KEY"
# per test for simple_batch.sh (the generated tests have no TODO or
# DISABLED marker).
# Usage: unpack_generated.pl STEP OUTDIR < generated_tests.tsv
use strict;
use warnings;
my ($step, $dst) = @ARGV;
die "usage: unpack_generated.pl STEP OUTDIR\n" unless $step && $step > 0 && $dst;
my %esc = ('n' => "\n", 't' => "\t", 'r' => "\r", '\\' => '\\');
my $i = -1;
while (my $row = <STDIN>) {
	next if $row =~ /^#/;
	chomp $row;
	my ($p, $expect, undef, $content) = split /\t/, $row, 4;
	next unless defined $content;
	next if ++$i % $step;
	$content =~ s/\\([ntr\\])/$esc{$1}/g;
	(my $key = "gen_$p") =~ s{/}{_}g;
	open(my $out, '>:raw', "$dst/$key") or die "$dst/$key: $!";
	for my $l (split /(?<=\n)/, $content) {
		last if $l =~ /^#=DISABLED/;
		next if $l =~ /^#=DESCRIPTION/i;
		next if $l =~ /^#=(EXRESULT|TODO)/;
		print $out $l;
	}
	close $out;
	print "$p $expect - - $key\n";
}
