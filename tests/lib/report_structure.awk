# report_structure.awk: are the reports in a log whole and unmixed?
# Every report must be: a ruler line, the BUG line, the access line, ...,
# a closing ruler, with no BUG line anywhere else.  Prints "ok N" (N
# reports) or "bad: <line number>: <why>".
BEGIN { state = 0; n = 0; bad = "" }
bad != "" { next }
/^==================================================================$/ {
	if (state == 0) state = 1
	else if (state == 3) state = 0
	else bad = NR ": ruler inside a report's first lines"
	next
}
/^BUG: KASAN: / {
	if (state != 1) { bad = NR ": BUG line not right after an opening ruler"; next }
	state = 2; n++; next
}
state == 1 { bad = NR ": opening ruler not followed by a BUG line"; next }
state == 2 {
	if ($0 !~ /^(Read|Write) .* by task /) { bad = NR ": BUG line not followed by the access line"; next }
	state = 3; next
}
END {
	if (bad == "" && state != 0) bad = NR ": the last report is not closed"
	if (bad != "") print "bad: " bad
	else print "ok " n
}
