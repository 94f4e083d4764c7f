/* Memory partitions and domains: Zephyr's rules and error codes, host page size. */
#include <stdlib.h>
#include <string.h>

#include "sim_internal.h"

#define ATTR_KNOWN                                                                   \
	(K_MEM_PARTITION_P_R | K_MEM_PARTITION_P_W | K_MEM_PARTITION_P_X |            \
	 K_MEM_PARTITION_U_R | K_MEM_PARTITION_U_W | K_MEM_PARTITION_U_X)

static uint8_t user_rights(k_mem_partition_attr_t a)
{
	if (a & K_MEM_PARTITION_U_W)
		return R_RW;
	return (a & K_MEM_PARTITION_U_R) ? R_RO : R_NONE;
}

/* Zephyr's check_add_partition, in its order, plus "inside the arena". */
static int check_part(struct sim *s, const struct sim_part *have, unsigned nhave,
		      const struct k_mem_partition *p, struct sim_part *out)
{
	uintptr_t end;

	if (!p || !p->size)
		return -EINVAL;
	if ((p->attr & ~ATTR_KNOWN) ||
	    (K_MEM_PARTITION_IS_EXECUTABLE(p->attr) && K_MEM_PARTITION_IS_WRITABLE(p->attr)))
		return -EINVAL;
	if (p->start % s->page || p->size % s->page)
		return -EINVAL;
	end = p->start + p->size;
	if (end <= p->start)
		return -EINVAL;
	if (!sim_locate(s, (const void *)p->start, p->size, &out->off, &out->view))
		return -EINVAL;
	for (unsigned i = 0; i < nhave; i++)
		if (p->start < have[i].start + have[i].size && have[i].start < end)
			return -EINVAL;
	out->start = p->start;
	out->size = p->size;
	out->attr = p->attr;
	return 0;
}

struct sim_domain *sim_domain_of(struct sim *s, const struct k_mem_domain *k)
{
	for (unsigned i = 0; i < s->ndomains; i++)
		if (s->domains[i].k == k)
			return &s->domains[i];
	return NULL;
}

/* Recomputes the domain's page rights and refreshes its arena copy. */
SIM_NO_COVERAGE
void sim_domain_recompute(struct sim *s, struct sim_domain *d)
{
	struct k_mem_domain img;

	memset(d->urights, R_NONE, s->npages);
	memset(&img, 0, sizeof(img));
	img.num_partitions = d->nparts;
	img.id = d->id;
	for (unsigned i = 0; i < d->nparts; i++) {
		const struct sim_part *p = &d->parts[i];
		uint8_t r = user_rights(p->attr);

		for (size_t pg = p->off / s->page; pg < (p->off + p->size) / s->page; pg++)
			if (r > d->urights[pg])
				d->urights[pg] = r;
		img.partitions[i].start = sim_host_to_target(s, (void *)p->start);
		img.partitions[i].size = (uint32_t)p->size;
		img.partitions[i].attr = p->attr;
		img.partitions[i].used = 1;
	}
	sim_bd_write(s, d->k, &img, sizeof(img));
	/* A running user thread of this domain sees the change at once. */
	if (s->current && s->current->in_user_mode && !s->current->soft && s->current->dom == d)
		sim_rights_user(s, s->current);
}

static bool privileged_ok(struct sim *s)
{
	if (s->current && s->current->in_user_mode)
		sim_oops_current(s, SIM_OOPS_PRIVILEGED, "memory domain call from user mode");
	return true;
}

int k_mem_domain_init(struct k_mem_domain *domain, uint8_t num_parts,
		      struct k_mem_partition *parts[])
{
	struct sim *s = g_sim;
	struct sim_domain *d;
	struct sim_part tmp[SIM_DOMAIN_PARTS_MAX];
	size_t off;
	enum sim_view v;
	int err;

	if (!s || !privileged_ok(s) || !domain)
		return -EINVAL;
	if (!sim_locate(s, domain, sizeof(*domain), &off, &v))
		return -EINVAL;
	if (num_parts > s->cfg.max_partitions || (num_parts && !parts))
		return -EINVAL;
	for (unsigned i = 0; i < num_parts; i++) {
		err = check_part(s, tmp, i, parts[i], &tmp[i]);
		if (err)
			return err;
	}
	d = sim_domain_of(s, domain);
	if (!d) {
		struct sim_kobj *o;
		char name[SIM_NAME_MAX];

		if (s->ndomains == SIM_MAX_DOMAINS)
			return -ENOMEM;
		d = &s->domains[s->ndomains];
		memset(d, 0, sizeof(*d));
		d->urights = malloc(s->npages);
		if (!d->urights)
			return -ENOMEM;
		d->k = domain;
		d->id = s->ndomains;
		sim_fmt(name, sizeof(name), "domain%u", d->id);
		o = sim_kobj_add(s, domain, sizeof(*domain), K_OBJ_MEM_DOMAIN, NULL, name, NULL, 0,
				 &err);
		if (!o) {
			free(d->urights);
			return err;
		}
		sim_kobj_mark_initialized(s, o);
		sim_copy_name(d->name, o->name, sizeof(d->name));
		s->ndomains++;
	}
	d->nparts = num_parts;
	memcpy(d->parts, tmp, num_parts * sizeof(tmp[0]));
	sim_domain_recompute(s, d);
	sim_event(s, SIM_EV_DOMAIN, "domain %s init with %u partitions", d->name, num_parts);
	return 0;
}

int k_mem_domain_add_partition(struct k_mem_domain *domain, struct k_mem_partition *part)
{
	struct sim *s = g_sim;
	struct sim_domain *d;
	struct sim_part np;
	int err;

	if (!s || !privileged_ok(s) || !domain)
		return -EINVAL;
	d = sim_domain_of(s, domain);
	if (!d)
		return -EINVAL;
	err = check_part(s, d->parts, d->nparts, part, &np);
	if (err)
		return err;
	if (d->nparts >= s->cfg.max_partitions)
		return -ENOSPC;
	d->parts[d->nparts++] = np;
	sim_domain_recompute(s, d);
	sim_event(s, SIM_EV_DOMAIN, "domain %s add partition 0x%08x+0x%zx attr 0x%x", d->name,
		  (unsigned)sim_host_to_target(s, (void *)part->start), part->size, part->attr);
	return 0;
}

int k_mem_domain_remove_partition(struct k_mem_domain *domain, struct k_mem_partition *part)
{
	struct sim *s = g_sim;
	struct sim_domain *d;

	if (!s || !privileged_ok(s) || !domain || !part)
		return -EINVAL;
	d = sim_domain_of(s, domain);
	if (!d)
		return -EINVAL;
	for (unsigned i = 0; i < d->nparts; i++) {
		if (d->parts[i].start != part->start || d->parts[i].size != part->size)
			continue;
		memmove(&d->parts[i], &d->parts[i + 1], (d->nparts - i - 1) * sizeof(d->parts[0]));
		d->nparts--;
		sim_domain_recompute(s, d);
		sim_event(s, SIM_EV_DOMAIN, "domain %s remove partition 0x%08x+0x%zx", d->name,
			  (unsigned)sim_host_to_target(s, (void *)part->start), part->size);
		return 0;
	}
	return -ENOENT;
}

int k_mem_domain_add_thread(struct k_mem_domain *domain, k_tid_t thread)
{
	struct sim *s = g_sim;
	struct sim_domain *d;
	struct sim_thread *t;

	if (!s || !privileged_ok(s) || !domain)
		return -EINVAL;
	d = sim_domain_of(s, domain);
	t = sim_thread_of(s, thread);
	if (!d || !t)
		return -EINVAL;
	t->dom = d;
	sim_event(s, SIM_EV_DOMAIN, "domain %s add thread %s", d->name, t->name);
	return 0;
}

void sim_domain_set_name(struct k_mem_domain *domain, const char *name)
{
	struct sim *s = g_sim;
	struct sim_domain *d = s ? sim_domain_of(s, domain) : NULL;

	if (!d || !name)
		return;
	sim_copy_name(d->name, name, sizeof(d->name));
	sim_kobj_set_name(s, domain, name);
}
