/* The tests' fatal-error handler (overrides the drop-in's weak default). */
#include <stdio.h>

#include "zephyr_test.h"

int fatal_seen;
unsigned int fatal_reason;

void k_sys_fatal_error_handler(unsigned int reason, const struct arch_esf *esf)
{
	(void)esf;
	fatal_seen++;
	fatal_reason = reason;
}

void check_fatal(unsigned int reason, const char *needle, const char *file, int line)
{
	if (fatal_seen != 1 || fatal_reason != reason ||
	    (needle && !strstr(heapsim_fatal_message(), needle)))
		fail_msg("%s:%d: want one fatal error %u mentioning \"%s\", got %d (last %u: \"%s\")",
			 file, line, reason, needle ? needle : "", fatal_seen, fatal_reason,
			 heapsim_fatal_message());
	fatal_seen = 0;
}

void check_no_fatal(const char *file, int line)
{
	if (fatal_seen)
		fail_msg("%s:%d: unexpected fatal error %u: \"%s\"", file, line, fatal_reason,
			 heapsim_fatal_message());
}
