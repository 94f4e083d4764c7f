/*
 * Build profiles (heap.h): the one table of what each profile turns on.
 *
 * production: SOF's release images. No CONFIG_ASSERT, so every check
 *   upstream makes only with __ASSERT is absent; Zephyr's hardening default
 *   without asserts is BASIC. Undefined behaviour gives what Xtensa computes.
 * debug: SOF's debug overlay. Asserts on (upstream CHECK()s too at EXTREME),
 *   default MODERATE; no sanitizer, so undefined behaviour is still the
 *   target's. The golden traces were made in this configuration (asserts on).
 * fuzz: SOF's fuzz builds (native_sim with ASan/UBSan): asserts on and the
 *   allocator's undefined behaviour trapped, default FULL.
 */
#include "heap.h"

static const struct sys_heap_profile_info profiles[SYS_HEAP_PROFILE_COUNT] = {
	[SYS_HEAP_PROFILE_PRODUCTION] = { "production", false, false, SYS_HEAP_HARDENING_BASIC,
					  "no asserts, target arithmetic, BASIC" },
	[SYS_HEAP_PROFILE_DEBUG] = { "debug", true, false, SYS_HEAP_HARDENING_MODERATE,
				     "asserts on, MODERATE" },
	[SYS_HEAP_PROFILE_FUZZ] = { "fuzz", true, true, SYS_HEAP_HARDENING_FULL,
				    "asserts and sanitizers, FULL" },
};

const struct sys_heap_profile_info *sys_heap_profile_info(enum sys_heap_profile p)
{
	return (unsigned)p < SYS_HEAP_PROFILE_COUNT ? &profiles[p] : NULL;
}

const char *sys_heap_profile_name(enum sys_heap_profile p)
{
	return (unsigned)p < SYS_HEAP_PROFILE_COUNT ? profiles[p].name : "?";
}

int sys_heap_profile_parse(const char *name)
{
	for (int i = 0; name && i < SYS_HEAP_PROFILE_COUNT; i++) {
		const char *a = name, *b = profiles[i].name;

		while (*a && (*a | 0x20) == *b) {
			a++;
			b++;
		}
		if (*a == 0 && *b == 0)
			return i;
	}
	return -1;
}

const char *sys_heap_profile_choices(void)
{
	return "production, debug, fuzz";
}

void sys_heap_config_profile(struct sys_heap_config *cfg, enum sys_heap_profile p)
{
	const struct sys_heap_profile_info *info = sys_heap_profile_info(p);

	if (!info)
		return;
	cfg->asserts = info->asserts;
	cfg->ub_traps = info->ub_traps;
	/* upstream CHECK() is an __ASSERT: no asserts, no internal checks */
	cfg->internal_checks = info->asserts && cfg->hardening >= SYS_HEAP_HARDENING_EXTREME;
}
