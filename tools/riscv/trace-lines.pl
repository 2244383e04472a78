#!/usr/bin/perl
# SPDX-License-Identifier: MIT
#
# trace-lines.pl ELF: copy a guest's UART (stdin) to stdout, adding
# file:line to the call-trace lines of KASAN reports, from ELF's DWARF.
#
# The guest symbolizes its traces from the function table linked into
# it (func+0xoff/0xsize [prog+0xoff]); it has no DWARF.  The host has the
# ELF, so here each trace line gets " file:line" before its "[prog+0x..]",
# which is the hosted port's line format (README, "Reports").  This is
# the job the kernel's scripts/decode_stacktrace.sh does for a kernel
# log; the method is the same (the address from the line, then
# addr2line), the code is our own.
#
#   - The address is the image's start (ELF symbol __image_start) plus
#     the [prog+0xoff] offset, which the guest computes from the pc.
#   - A return address is looked up at pc - 1, as the hosted runtime and
#     the guest's own symbolizer do: the call is before it, and the
#     instruction after a call can belong to the next source line.  All
#     frames are return addresses except possibly the first one after
#     "Call Trace:", which is the faulting instruction itself when a trap
#     made the report.  The report does not say which, so the first frame
#     counts as a return address when the instruction ending at it is a
#     call (jal/jalr with rd = ra, or c.jalr); otherwise as the pc.
#   - addr2line runs once, as a coprocess, started at the first trace
#     line (most runs print none).  Tool: $VMKASAN_ADDR2LINE if set
#     ("none": add nothing), else riscv64-unknown-elf-addr2line, else
#     llvm-addr2line(-NN).  No tool, an ELF without symbols or lines, or a
#     tool that fails: lines pass through unchanged.
#   - Output stays live: complete lines go out as they come; a partial
#     line that waits more than a quarter second (a prompt) goes out as it
#     is, and the rest of that line is passed on undecorated.
use strict;
use warnings;
use IO::Handle;
use IPC::Open2;

my $elf = shift @ARGV // die "usage: trace-lines.pl ELF\n";
(my $prog = $elf) =~ s{.*/}{};
STDOUT->autoflush(1);

# ---- the ELF: __image_start, and bytes at an address (PT_LOAD) ----
my ($elf_read, $image_start, @loads, $elf_fh);

sub elf_load {
	return $image_start if $elf_read;
	$elf_read = 1;
	open($elf_fh, '<:raw', $elf) or return undef;
	my $h;
	read($elf_fh, $h, 64) == 64 or return undef;
	return undef unless substr($h, 0, 4) eq "\x7fELF" && ord(substr($h, 4, 1)) == 2
		&& ord(substr($h, 5, 1)) == 1;	# ELF64, little-endian
	my ($phoff, $shoff) = unpack('Q<Q<', substr($h, 32, 16));
	my ($phentsize, $phnum, $shentsize, $shnum) = unpack('v v v v', substr($h, 54, 8));
	for my $i (0 .. $phnum - 1) {
		my $p = pread($phoff + $i * $phentsize, 56) // return undef;
		my ($type, $flags, $off, $vaddr, $paddr, $filesz) = unpack('V V Q< Q< Q< Q<', $p);
		push @loads, [$vaddr, $off, $filesz] if $type == 1;
	}
	my @sh;
	for my $i (0 .. $shnum - 1) {
		my $s = pread($shoff + $i * $shentsize, 64) // return undef;
		push @sh, [unpack('V V Q< Q< Q< Q< V V Q< Q<', $s)];
	}
	for my $s (@sh) {
		next unless $s->[1] == 2;	# SHT_SYMTAB
		my $strtab = $sh[$s->[6]] or next;
		my $syms = pread($s->[4], $s->[5]) // next;
		my $strs = pread($strtab->[4], $strtab->[5]) // next;
		for (my $o = 0; $o + 24 <= length $syms; $o += 24) {
			my ($name, $info, $other, $shndx, $value) = unpack('V C C v Q<', substr($syms, $o, 24));
			my $end = index($strs, "\0", $name);
			if (substr($strs, $name, $end - $name) eq '__image_start') {
				$image_start = $value;
				last;
			}
		}
	}
	return $image_start;
}

sub pread {
	my ($off, $n) = @_;
	my $b;
	seek($elf_fh, $off, 0) or return undef;
	return (read($elf_fh, $b, $n) // 0) == $n ? $b : undef;
}

sub bytes_at {
	my ($va, $n) = @_;
	for my $l (@loads) {
		my ($vaddr, $off, $filesz) = @$l;
		return pread($off + $va - $vaddr, $n) if $va >= $vaddr && $va + $n <= $vaddr + $filesz;
	}
	return undef;
}

# Does the instruction that ends at pc call (link into ra)?
sub after_call {
	my ($pc) = @_;
	my $w = bytes_at($pc - 4, 4);
	if (defined $w) {
		my $i = unpack('V', $w);
		my $op = $i & 0x7f;
		my $rd = ($i >> 7) & 0x1f;
		return 1 if ($op == 0x6f || $op == 0x67) && $rd == 1;	# jal / jalr ra
	}
	my $c = bytes_at($pc - 2, 2);
	if (defined $c) {
		my $i = unpack('v', $c);
		# c.jalr rs1: funct4 1001, rs1 != 0, rs2 = 0, op 10
		return 1 if ($i & 0xf07f) == 0x9002 && ($i & 0x0f80);
	}
	return 0;
}

# ---- addr2line as a coprocess ----
my ($tool_state, $a2l_in, $a2l_out, $a2l_pid) = ('unknown');

sub find_tool {
	my $t = $ENV{VMKASAN_ADDR2LINE};
	if (defined $t && $t ne '') {
		return $t eq 'none' ? undef : $t;
	}
	my @names = ('riscv64-unknown-elf-addr2line', 'llvm-addr2line');
	push @names, map { "llvm-addr2line-$_" } reverse 11 .. 25;
	for my $n (@names) {
		for my $d (split /:/, $ENV{PATH} // '') {
			return "$d/$n" if -x "$d/$n";
		}
	}
	return undef;
}

sub start_tool {
	$tool_state = 'off';
	defined elf_load() or return;
	my $t = find_tool() // return;
	$a2l_pid = eval { open2($a2l_out, $a2l_in, $t, '-e', $elf) } or return;
	$a2l_in->autoflush(1);
	$tool_state = 'on';
}

sub file_line {
	my ($addr) = @_;
	start_tool() if $tool_state eq 'unknown';
	return undef unless $tool_state eq 'on';
	local $SIG{PIPE} = 'IGNORE';
	unless (printf {$a2l_in} "0x%x\n", $addr) {
		$tool_state = 'off';
		return undef;
	}
	my $r = readline($a2l_out);
	unless (defined $r) {
		$tool_state = 'off';
		return undef;
	}
	chomp $r;
	$r =~ s/ \(discriminator \d+\)$//;
	return undef if $r =~ /^\?\?:/ || $r !~ /:[1-9]\d*$/;	# ??:0, file:0, file:?
	return $r;
}

# ---- the lines ----
my $first_frame = 0;	# the next line is the first frame of a Call Trace

sub decorate {
	my ($line) = @_;
	my ($body, $eol) = $line =~ /^(.*?)(\r?\n?)$/s;
	my $first = $first_frame;
	$first_frame = $body =~ /^Call Trace:$/;
	my ($head, $off, $tail);
	if ($body =~ /^( \S+\+0x[0-9a-f]+\/0x[0-9a-f]+)( \[\Q$prog\E\+0x([0-9a-f]+)\])$/) {
		($head, $tail, $off) = ($1, $2, hex $3);
	} elsif ($body =~ /^( \Q$prog\E\+0x([0-9a-f]+))$/) {
		($head, $tail, $off) = ($1, '', hex $2);
	} else {
		return $line;
	}
	my $base = elf_load() // return $line;
	my $pc = $base + $off;
	my $where = file_line($first && !after_call($pc) ? $pc : $pc - 1) // return $line;
	return "$head $where$tail$eol";
}

# Read what is there, hand on whole lines; a partial line goes out as it
# is after a quarter second without its end.
my ($buf, $passing) = ('', 0);	# passing: a line already partly out
my $rin = '';
vec($rin, fileno(STDIN), 1) = 1;
for (;;) {
	my $rout;
	my $n = select($rout = $rin, undef, undef, length $buf ? 0.25 : undef);
	if ($n == 0) {
		print $buf;
		$buf = '';
		$passing = 1;
		next;
	}
	my $got = sysread(STDIN, $buf, 65536, length $buf);
	next if !defined $got && $!{EINTR};
	last unless $got;
	while ((my $nl = index($buf, "\n")) >= 0) {
		my $line = substr($buf, 0, $nl + 1, '');
		if ($passing) {
			print $line;
			$passing = 0;
			$first_frame = 0;
		} else {
			# a bug here must not cost the guest its output
			my $d = eval { decorate($line) };
			print defined $d ? $d : $line;
		}
	}
}
print $buf;
if ($a2l_pid) {
	close $a2l_in;
	waitpid($a2l_pid, 0);
}
