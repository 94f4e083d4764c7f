/*
 * What makes two findings the same bug (minimisation and exports keep it),
 * and the bracketed class every command prints first.
 */
#include <string.h>

#include "attack.h"

const char *atk_finding_class(const struct atk_finding *f)
{
	return sim_finding_kind_long_name(f->kind);
}

void atk_finding_identity(const struct atk_finding *f, bool class_only, char *buf, size_t len)
{
	if (class_only)
		snprintf(buf, len, "%s|%s", atk_finding_class(f), f->layout);
	else
		snprintf(buf, len, "%s|%s|%s|%s|%s|%s", atk_finding_class(f), f->layout, f->hardening,
			 f->syscall, f->object, f->field);
}

const char *atk_verdict_tag(const struct atk_verdict *v)
{
	return v->kind ? sim_finding_kind_long_name(v->kind) : atk_verdict_class_name(v->cls);
}
