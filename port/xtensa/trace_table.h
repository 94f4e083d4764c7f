/* Traces embedded by gen_traces.cmake for the on-target trace runner. */
#ifndef HEAPSIM_XT_TRACE_TABLE_H
#define HEAPSIM_XT_TRACE_TABLE_H

#include <stddef.h>

struct trace_entry {
	const char *name;       /* golden file name, e.g. "000" */
	const char *text;       /* the trace file, verbatim (not NUL-terminated) */
	size_t len;
	size_t bytes;           /* "# bytes" */
	unsigned word;          /* "# word" (32 when absent) */
	const char *hardening;  /* "# hardening", lower case; NULL: the default */
};

extern const struct trace_entry trace_table[];
extern const unsigned trace_count;

#endif
