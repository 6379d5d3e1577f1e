/*
 * hv_xml_parse: what we read back from a domain's XML, on the reader of
 * hv_xml_read.c: minicloud's ids from our element in <metadata> (found
 * by its namespace URI).
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "mc_cleanup.h"
#include "mc_err.h"
#include "mc_id.h"
#include "hv_xml.h"
#include "hv_xml_priv.h"

/* Children of our element, by local name. */
static const struct {
	const char	*name;
	size_t		 off;
} meta_fields[] = {
	{ "id",			offsetof(struct hv_meta, instance_id) },
	{ "account",		offsetof(struct hv_meta, account_id) },
	{ "image",		offsetof(struct hv_meta, image_id) },
	{ "reservation",	offsetof(struct hv_meta, reservation_id) },
};

struct meta_walk {
	bool		found;		/* our element has opened */
	size_t		inst;		/* its depth while open; 0 outside */
	struct hv_meta	meta;
};

static bool
elem_is(const struct hv_xr_elem *e, const char *name)
{
	return e->local_len == strlen(name) &&
	    memcmp(e->local, name, e->local_len) == 0;
}

static int
meta_open(struct hv_xr *x, const struct hv_xr_elem *e, void *ctx)
{
	struct meta_walk	*w = ctx;
	size_t			 i;

	if (!e->ours)
		return 0;
	if (!w->found && elem_is(e, "instance")) {
		w->found = true;
		w->inst = e->depth;
		return 0;
	}
	if (w->inst == 0 || e->depth != w->inst + 1)
		return 0;
	for (i = 0; i < MC_NELEMS(meta_fields); i++)
		if (elem_is(e, meta_fields[i].name))
			hv_xr_text(x, (char *)&w->meta + meta_fields[i].off,
			    sizeof(w->meta.instance_id));
	return 0;
}

static int
meta_close(struct hv_xr *x, const struct hv_xr_elem *e, void *ctx)
{
	struct meta_walk *w = ctx;

	(void)x;
	if (e->depth == w->inst)
		w->inst = 0;
	return 0;
}

int
hv_xml_parse_meta(const char *domain_xml, struct hv_meta *ret,
    struct mc_err *err)
{
	static const struct hv_xr_ops	 ops = { meta_open, meta_close };
	struct meta_walk		 w;

	memset(&w, 0, sizeof(w));
	if (hv_xr_run(domain_xml, &ops, &w, err) < 0)
		return -1;
	if (!w.found)
		return 0;
	hv_xr_trim(w.meta.instance_id);
	hv_xr_trim(w.meta.account_id);
	hv_xr_trim(w.meta.image_id);
	hv_xr_trim(w.meta.reservation_id);
	if (mc_id_check(MC_ID_INSTANCE, w.meta.instance_id, NULL) < 0)
		return mc_err_set(err, MC_EC_INTERNAL_ERROR,
		    "domain metadata has no well-formed instance id");
	*ret = w.meta;
	return 1;
}
