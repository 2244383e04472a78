#!/bin/sh
# kallsyms.sh NM ELF OUT.S: the function symbols of ELF, sorted by address,
# as the table src/riscv/symbolize.c searches (struct rv_ksym), in section
# .kallsyms.  ELF empty ("-"): an empty table, for the first link.
set -eu
nm=$1 elf=$2 out=$3
{
	echo '	.section .kallsyms, "a"'
	echo '	.balign 8'
	echo '	.globl rv_kallsyms_count, rv_kallsyms, rv_kallsyms_names'
	if [ "$elf" = - ]; then
		echo 'rv_kallsyms_count: .quad 0'
		echo 'rv_kallsyms:'
		echo 'rv_kallsyms_names: .byte 0'
	else
		"$nm" -n -S --defined-only "$elf" | awk '
		NF == 4 && ($3 == "T" || $3 == "t" || $3 == "W") && $4 !~ /^\.L/ { a[n] = $1; s[n] = $2; nm[n] = $4; n++ }
		NF == 3 && ($2 == "T" || $2 == "t") && $3 !~ /^\.L/ { a[n] = $1; s[n] = "0"; nm[n] = $3; n++ }
		END {
			printf "rv_kallsyms_count: .quad %d\nrv_kallsyms:\n", n
			off = 0
			for (i = 0; i < n; i++) {
				printf "\t.quad 0x%s, 0x%s, %d\n", a[i], s[i], off
				off += length(nm[i]) + 1
			}
			printf "rv_kallsyms_names:\n"
			for (i = 0; i < n; i++)
				printf "\t.asciz \"%s\"\n", nm[i]
		}'
	fi
	echo '	.section .note.GNU-stack, "", @progbits'
} > "$out"
