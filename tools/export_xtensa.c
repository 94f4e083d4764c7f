#include "export.h"
#include "heapsim.h"
int export_xtensa(const struct proof_finding *pf, const struct export_run *x, const char *out)
{
	(void)pf; (void)x; (void)out;
	return HEAPSIM_EXIT_USAGE;
}
