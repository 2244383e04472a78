# Reports of a KUnit run, one line each, named after the case that
# printed them (the "ok N case" line that follows them):
# case|bug type|title function|access|description
function close_report() {
	if (bug != "") pend[np++] = bug "|" fn "|" acc "|" loc
	bug = ""; loc = ""; acc = ""
}
{ sub(/^\[[^]]*\] /, ""); sub(/\r$/, "") }
/^BUG: KASAN: / {
	close_report()
	line = $0; sub(/^BUG: KASAN: /, "", line)
	n = index(line, " in "); bug = substr(line, 1, n - 1); fn = substr(line, n + 4); sub(/\+0x.*/, "", fn)
	getline; a = $0; sub(/^\[[^]]*\] /, "", a)
	if (a ~ /^Free of addr/) acc = "Free"
	else { split(a, w, " "); acc = w[1] (a ~ / of size / ? " " w[4] : "") }
	next
}
bug != "" && /^The buggy address is located / {
	l = $0; sub(/^The buggy address is located /, "", l)
	getline; r = $0; sub(/^\[[^]]*\] /, "", r); sub(/^ /, "", r); sub(/ \[[0-9a-fx]*, [0-9a-fx]*\)$/, "", r)
	loc = loc (loc ? "; " : "") l " " r; next
}
bug != "" && /^The buggy address belongs to / {
	l = $0; sub(/^The buggy address belongs to /, "", l); sub(/ at [0-9a-fx]*$/, "", l)
	if (l ~ /^stack of task /) l = "stack of task"
	sub(/ starting at .*/, "", l)
	if (l ~ /^the variable:$/) { getline; v = $0; sub(/^\[[^]]*\] /, "", v); sub(/^ /, "", v); l = l " " v }
	loc = loc (loc ? "; " : "") l; next
}
/^    (not )?ok [0-9]+ / {
	close_report()
	kc = $0; sub(/^    (not )?ok [0-9]+ /, "", kc); sub(/ #.*/, "", kc)
	for (i = 0; i < np; i++) print kc "|" pend[i]
	np = 0; next
}
