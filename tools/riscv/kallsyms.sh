#!/bin/sh
# kallsyms.sh NM ELF OUT.S: the function symbols of ELF and its exported
# data symbols, sorted by address, as the table src/riscv/symbolize.c
# searches (struct rv_ksym: flags 1 a function, 2 exported: global with
# default visibility, what a module may use, src/riscv/module.c; the
# runtime's internals are hidden), in section .kallsyms.  ELF empty
# ("-"): an empty table, for the first link.
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
		readelf=${nm%nm}readelf
		{ "$readelf" -sW "$elf" | awk '($5 == "GLOBAL" || $5 == "WEAK") && $6 == "DEFAULT" && $7 != "UND" { print "X", $8 }'
		  "$nm" -n -S --defined-only "$elf"; } | awk '
		BEGIN { n = 0 }
		$1 == "X" { exported[$2] = 1; next }
		function add(addr, size, type, name) {
			f = (type ~ /^[TtW]$/ ? 1 : 0) + (type ~ /^[TtWDdBbRrGgSsVv]$/ && (name in exported) ? 2 : 0)
			if (!f || name ~ /^\.L/)
				return
			a[n] = addr; s[n] = size; fl[n] = f; nm[n] = name; n++
		}
		NF == 4 { add($1, $2, $3, $4) }
		NF == 3 { add($1, "0", $2, $3) }
		END {
			printf "rv_kallsyms_count: .quad %d\nrv_kallsyms:\n", n
			off = 0
			for (i = 0; i < n; i++) {
				printf "\t.quad 0x%s, 0x%s\n\t.word %d, %d\n", a[i], s[i], off, fl[i]
				off += length(nm[i]) + 1
			}
			printf "rv_kallsyms_names:\n"
			for (i = 0; i < n; i++)
				printf "\t.asciz \"%s\"\n", nm[i]
		}'
	fi
	echo '	.section .note.GNU-stack, "", @progbits'
} > "$out"
