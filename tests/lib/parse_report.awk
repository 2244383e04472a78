# parse_report.awk: read a program's stderr (or a log) and print, as
# key=value lines, the fields of its FIRST KASAN report, as run-tests.sh
# checks them.  Addresses are printed in lower case without 0x and
# leading zeros.
#
#   reports       number of "BUG: KASAN:" lines (all reports)
#   vmkasan_lines number of lines starting with "vmkasan:"
#   type, func    BUG: KASAN: <type> in <func>+0x../0x..
#   rw, size      Read|Write of size <size> at addr <addr> by task <task>
#   addr, task    (size is empty for "Read at addr ..." fault reports)
#   trace1        the first line of the call trace
#   var           the variable named after "belongs to the variable:"
#   located       1 if "The buggy address belongs to stack of task <loc_task>\n
#   loc_task      and is located at offset <loc_offset> in frame:" (offset empty if
#   loc_addr      not given); loc_addr: the access address, which Linux describes
#   loc_offset
#   frame_kind    frame ("at offset N in frame:"), alloca ("..below the frame:") or none
#   frame_func    the function on the line after it
#   objects       names of the frame's objects (":line" removed), space separated
#   objstart_NAME the offset at which the frame object NAME starts
#   described     number of lines starting "The buggy address "
#   page_desc     1: "belongs to the physical page:", 2: "is in the struct page of ..."
#   page_dump     the line after it
#   vm_desc       1 if "The buggy address belongs to the virtual mapping at"
#   loc_n, loc_rel, region_size, region_start
#                 "The buggy address is located <loc_n> bytes <loc_rel> of\n
#                 [<region_state> ]<region_size>-byte region [<region_start>, ...)"
#                 (loc_rel: right, left or inside; region_state: allocated, freed
#                 or empty)
#   slab_obj, slab_cache
#                 "The buggy address belongs to the object at <slab_obj>\n
#                 which belongs to the cache <slab_cache> of size N"
#   mem           1 if the "Memory state around the buggy address:" block is there
#   mem_rows      number of shadow rows in it; mem_marked: rows starting with '>'
#   mem_caret     1 if the line after the '>' row holds a '^'
#   mem_caret_ok  1 if the caret is under a non-zero shadow byte whose granule
#                 holds a byte of [addr, addr+size) of the access line
#   mem_why       why mem_caret_ok is 0

function hexval(s,    i, v, c) {
	s = tolower(s)
	sub(/^0x/, "", s)
	v = 0
	for (i = 1; i <= length(s); i++) {
		c = index("0123456789abcdef", substr(s, i, 1))
		if (c == 0)
			return -1
		v = v * 16 + c - 1
	}
	return v
}

function normhex(s) {
	s = tolower(s)
	sub(/^0x/, "", s)
	sub(/^0+/, "", s)
	return s == "" ? "0" : s
}

BEGIN {
	reports = 0; vmk = 0; state = ""
	type = func = rw = size = addr = task = trace1 = var = loc_task = frame_func = objects = ""
	loc_addr = loc_offset = ""
	located = 0; frame_kind = "none"; mem = 0; rows = 0; marked = 0; caret = 0; caret_ok = 0
	why = "no '>' row"; in_first = 0
}

/^vmkasan:/ { vmk++ }

/^BUG: KASAN: / {
	reports++
	if (reports == 1) {
		in_first = 1
		# the type may have spaces ("double-free or invalid-free")
		type = $0
		sub(/^BUG: KASAN: /, "", type)
		sub(/ in [^ ]*$/, "", type)
		func = $NF
		sub(/\+.*/, "", func)
		state = "access"
		next
	} else {
		in_first = 0
	}
}

!in_first { next }

/^==================================================================$/ { in_first = 0; next }

# Counted before any rule below can 'next' past a description line.
/^The buggy address / { described++ }

state == "access" {
	# "Access of addr A by task T": a fault whose direction is unknown
	# (a general protection fault); "Free of addr ...": a bad free.
	if (match($0, /^(Read|Write|Access|Free|Map|Reference) /)) {
		rw = $1
		if ($0 ~ / of an unknown address by task /) {
			addr = "unknown"
			task = $NF
		} else if ($2 == "of" && $3 == "size") {
			size = $4
			addr = normhex($7)
			task = $10
		} else {
			addr = normhex($4)
			task = $7
		}
	}
	state = ""
	next
}

/^Call Trace:$/ { state = "trace"; next }
state == "trace" { trace1 = $0; state = ""; next }

/^The buggy address belongs to the variable:$/ { state = "var"; next }
state == "var" { var = $1; sub(/\+.*/, "", var); state = ""; next }

# Linux 6.12's words (report_generic.c): "The buggy address belongs to
# stack of task T/P\n and is located at offset N in frame:"; the address
# described is the access's.
/^The buggy address belongs to stack of task / {
	located = 1
	loc_task = $NF
	loc_addr = addr
	state = "stackloc"
	next
}
state == "stackloc" && /^ and is located at offset [0-9]+ in frame:$/ {
	loc_offset = $6; frame_kind = "frame"; state = "frame"; next
}
state == "stackloc" && /^ and is located in a dynamic alloca area below the frame:$/ {
	frame_kind = "alloca"; state = "frame"; next
}
state == "frame" { frame_func = $1; sub(/\+.*/, "", frame_func); state = ""; next }

/^ \[[0-9]+, [0-9]+\) '/ {
	name = $0
	sub(/^[^']*'/, "", name)
	sub(/'.*$/, "", name)
	sub(/:[0-9]+$/, "", name)
	objects = objects (objects == "" ? "" : " ") name
	start = $1
	sub(/^ *\[/, "", start)
	sub(/,$/, "", start)
	objstart[name] = start
	next
}

/^The buggy address belongs to the physical page:$/ { page_desc = 1; state = "pagedump"; next }
/^The buggy address is in the struct page of the physical page:$/ { page_desc = 2; state = "pagedump"; next }
state == "pagedump" { page_dump = $0; state = ""; next }
/^The buggy address belongs to the virtual mapping at$/ { vm_desc = 1 }
/^The buggy address is located [0-9]+ bytes (to the right|to the left|inside) of$/ {
	loc_n = $6
	loc_rel = ($8 == "inside") ? "inside" : $10
	state = "region"
	next
}
/^The buggy address belongs to the object at / { slab_obj = normhex($NF); state = "cache"; next }
state == "cache" {
	if ($1 == "which" && $5 == "cache") slab_cache = $6
	state = ""
	next
}
state == "region" {
	# Slab objects: " allocated 128-byte region [...)" (Linux 6.12)
	i = 1
	if ($1 == "allocated" || $1 == "freed") { region_state = $1; i = 2 }
	region_size = $i
	sub(/-byte$/, "", region_size)
	region_start = $(i + 2)
	gsub(/[\[,]/, "", region_start)
	region_start = normhex(region_start)
	state = ""
	next
}

/^Memory state around the buggy address:$/ { mem = 1; state = "mem"; next }

state == "mem" && /^[ >][0-9a-f]+:( [0-9a-f?][0-9a-f?])+$/ {
	rows++
	if (substr($0, 1, 1) == ">") {
		marked++
		row_line = $0
		row_addr = substr($0, 2, index($0, ":") - 2)
		state = "caret"
	}
	next
}

state == "caret" {
	state = "mem"
	c = index($0, "^")
	if (c == 0 || $0 !~ /^ *\^ *$/) { why = "no caret line after the '>' row"; next }
	caret = 1
	if ((c - 20) % 3 != 0 || c < 20) { why = "caret at column " c ", not under a shadow byte"; next }
	i = (c - 20) / 3
	byte = substr(row_line, c, 2)
	granule = hexval(row_addr) + 8 * i
	a = hexval(addr)
	s = (size == "" ? 1 : size + 0)
	if (byte == "00") { why = "caret under shadow byte 00"; next }
	if (granule > a + s - 1 || granule + 8 <= a) {
		why = "caret under the granule " i " of row " row_addr ", outside the access"
		next
	}
	caret_ok = 1
	why = ""
	next
}

END {
	print "reports=" reports
	print "vmkasan_lines=" vmk
	print "type=" type
	print "func=" func
	print "rw=" rw
	print "size=" size
	print "addr=" addr
	print "task=" task
	print "trace1=" trace1
	print "var=" var
	print "located=" located
	print "loc_task=" loc_task
	print "loc_addr=" loc_addr
	print "loc_offset=" loc_offset
	print "frame_kind=" frame_kind
	print "frame_func=" frame_func
	print "objects=" objects
	for (o in objstart)
		print "objstart_" o "=" objstart[o]
	print "described=" described + 0
	print "page_desc=" page_desc + 0
	print "page_dump=" page_dump
	print "vm_desc=" vm_desc + 0
	print "loc_n=" loc_n
	print "loc_rel=" loc_rel
	print "region_size=" region_size
	print "region_start=" region_start
	print "region_state=" region_state
	print "slab_obj=" slab_obj
	print "slab_cache=" slab_cache
	print "mem=" mem
	print "mem_rows=" rows
	print "mem_marked=" marked
	print "mem_caret=" caret
	print "mem_caret_ok=" caret_ok
	print "mem_why=" why
}
