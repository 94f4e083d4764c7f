/* Findings as data: a readable report and a JSON record with stable keys. */
#include <string.h>

#include "attack.h"
#include "sim.h"

static void hex_bytes(FILE *out, const uint8_t *b, unsigned n)
{
	for (unsigned i = 0; i < n && i < ATK_FINDING_BYTES; i++)
		fprintf(out, "%02x", b[i]);
}

void atk_finding_print(const struct atk_finding *f, FILE *out)
{
	fprintf(out, "==heapsim== FINDING %s in %s on layout %s, hardening %s, profile %s%s\n",
		sim_finding_kind_long_name(f->kind), f->target, f->layout[0] ? f->layout : "-",
		f->hardening[0] ? f->hardening : "-", f->profile[0] ? f->profile : "-",
		f->by_design ? " (known by design on this layout)" : "");
	fprintf(out, "==heapsim==   %s\n", f->message);
	if (f->op >= 0)
		fprintf(out, "==heapsim==   at operation #%ld", f->op);
	else
		fprintf(out, "==heapsim==  ");
	if (f->syscall[0])
		fprintf(out, " in syscall %s", f->syscall);
	fputc('\n', out);
	if (f->object[0] || f->object_type[0])
		fprintf(out, "==heapsim==   object: %s %s%s%s +0x%zx\n", f->object_type, f->object,
			f->field[0] ? " field " : "", f->field, f->offset);
	if (f->nbytes) {
		fprintf(out, "==heapsim==   bytes: ");
		hex_bytes(out, f->old_bytes, f->nbytes);
		fprintf(out, " -> ");
		hex_bytes(out, f->new_bytes, f->nbytes);
		fputc('\n', out);
	}
	fprintf(out, "==heapsim==   input sha1 %s; replay: heapsim replay crash-%s --target %s\n",
		f->input_sha1, f->input_sha1, f->target);
}

static void json_str(FILE *out, const char *key, const char *s, bool comma)
{
	fprintf(out, "\"%s\":", key);
	sim_json_string(out, s);
	if (comma)
		fputc(',', out);
}

void atk_finding_json(const struct atk_finding *f, FILE *out)
{
	fputc('{', out);
	json_str(out, "kind", sim_finding_kind_long_name(f->kind), true);
	json_str(out, "target", f->target, true);
	json_str(out, "layout", f->layout, true);
	json_str(out, "hardening", f->hardening, true);
	json_str(out, "oracle", f->oracle[0] ? f->oracle : "all", true);
	fprintf(out, "\"word_bits\":%u,", f->word_bits);
	json_str(out, "profile", f->profile, true);
	if (f->seeded)
		fprintf(out, "\"seed\":%llu,", (unsigned long long)f->seed);
	else
		fprintf(out, "\"seed\":null,");
	fprintf(out, "\"op\":%ld,", f->op);
	json_str(out, "message", f->message, true);
	json_str(out, "syscall", f->syscall, true);
	json_str(out, "object", f->object, true);
	json_str(out, "object_type", f->object_type, true);
	json_str(out, "field", f->field, true);
	fprintf(out, "\"taddr\":\"0x%llx\",\"offset\":%zu,", (unsigned long long)f->taddr,
		f->offset);
	fprintf(out, "\"old_bytes\":\"");
	hex_bytes(out, f->old_bytes, f->nbytes);
	fprintf(out, "\",\"new_bytes\":\"");
	hex_bytes(out, f->new_bytes, f->nbytes);
	fprintf(out, "\",\"by_design\":%s,", f->by_design ? "true" : "false");
	json_str(out, "input_sha1", f->input_sha1, false);
	fputs("}\n", out);
}

void atk_chain_add(char *chain, size_t len, enum sim_finding_kind k)
{
	size_t n = strlen(chain);
	const char *name = sim_finding_kind_long_name(k);

	/* a cut name would read as another kind: drop it whole */
	if (n + (n ? 1 : 0) + strlen(name) < len)
		snprintf(chain + n, len - n, "%s%s", n ? ">" : "", name);
}

bool atk_event_by_design(const char *layout, const struct atk_event *ev)
{
	const struct ll_layout *l = ll_layout_find(layout);

	return l && l->kobj_exposed &&
	       (ev->f.kind == SIM_FINDING_KOBJ_CHANGED || ev->f.kind == SIM_FINDING_KERNEL_TRUSTS_USER);
}
