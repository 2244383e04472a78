/*
 * Shared declarations of the clean program (tests/clean): correct code
 * that exercises everything instrumentation meets in real programs and
 * must run without a single report in every build.
 */
#ifndef CLEAN_H
#define CLEAN_H

#include <stddef.h>
#include <stdint.h>

#define noinline __attribute__((noinline))

/* Hide a value from the optimiser (see tests/catalog/catalog.h). */
#define hide(x) ({ __typeof__((x) + 0) hide_v_ = (x); __asm__("" : "+r"(hide_v_)); hide_v_; })

/* Print "clean: <msg>" on stderr and exit 1: a wrong result, not a report. */
__attribute__((noreturn, format(printf, 1, 2))) void fail(const char *fmt, ...);
#define CHECK(cond) do { if (!(cond)) fail("%s:%d: %s", __FILE__, __LINE__, #cond); } while (0)

/*
 * Hand instrumented code a buffer in the frame of an uninstrumented
 * function: that frame's shadow is never rewritten by a prologue, so any
 * poison left behind on the stack (by frames abandoned without
 * __asan_handle_no_return clearing them) makes the instrumented reads and
 * writes report.  Like libc handing a stack buffer to a callback.
 */
void probe_stack(void);

/* Instrumented busy work on stack arrays; returns a checksum. */
long stack_work(int depth);

void section_recursion(void);
void section_varargs(void);
void section_large_frame(void);
void section_alloca(void);
void section_mem(void);
void section_qsort(void);
void section_edges(void);
void section_tls(void);
void section_threads(void);
void section_longjmp(void);
void section_signals(void);
void section_siglongjmp(void);
void section_siglongjmp_altstack(void);
void section_contexts(void);
void section_exit(void);

#endif
