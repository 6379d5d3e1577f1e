/*
 * st: the back-end table, and the checks every call passes before a
 * back end sees it.  A back end is a row here and an st_ops in its own
 * file; nothing else changes when one is added.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mc_cleanup.h"
#include "mc_err.h"
#include "mc_id.h"
#include "st_priv.h"

struct st_pool {
	const struct st_ops	*ops;
	void			*be;
};

static const struct st_ops *const backends[] = {
	&st_dir_ops,
};

int
st_pool_open(const struct st_pool_conf *conf, struct st_pool **ret,
    struct mc_err *err)
{
	MC_AUTOFREE struct st_pool	*p = NULL;
	const char			*name = conf->backend;
	size_t				 i;

	for (i = 0; i < MC_NELEMS(backends); i++)
		if (name != NULL && strcmp(backends[i]->name, name) == 0)
			break;
	if (i == MC_NELEMS(backends))
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "unknown storage back end \"%.32s\"",
		    name != NULL ? name : "");
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return mc_err_sys(err, errno, "out of memory");
	p->ops = backends[i];
	if (p->ops->open(conf, &p->be, err) < 0)
		return -1;
	*ret = mc_steal_ptr(&p);
	return 0;
}

void
st_pool_free(struct st_pool *p)
{
	if (p == NULL)
		return;
	p->ops->free(p->be);
	free(p);
}

/* A source file: absolute (no option, no protocol), no control bytes. */
static int
source_check(const char *s, struct mc_err *err)
{
	const unsigned char *c = (const unsigned char *)s;

	if (s[0] != '/' || strnlen(s, PATH_MAX) == PATH_MAX)
		goto bad;
	for (; *c != '\0'; c++)
		if (*c < 0x20 || *c == 0x7f)
			goto bad;
	return 0;
bad:
	return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
	    "a volume's source must be an absolute path without control "
	    "characters");
}

int
st_vol_ensure(struct st_pool *p, const struct st_vol *v, struct mc_err *err)
{
	struct st_vol checked = *v;

	if (mc_id_check(MC_ID_VOLUME, v->id, err) < 0)
		return -1;
	if (v->size_gib < 1 || v->size_gib > ST_VOL_GIB_MAX)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "volume %s: size %llu GiB is not in 1..%d", v->id,
		    (unsigned long long)v->size_gib, ST_VOL_GIB_MAX);
	if ((unsigned)v->format >= AMI_FORMAT__MAX ||
	    (unsigned)v->source_format >= AMI_FORMAT__MAX)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "volume %s: unknown format", v->id);
	if (v->source != NULL && v->source[0] == '\0')
		checked.source = NULL;
	if (checked.source != NULL && source_check(checked.source, err) < 0)
		return -1;
	return p->ops->ensure(p->be, &checked, err);
}

int
st_vol_remove(struct st_pool *p, const char *id, struct mc_err *err)
{
	if (mc_id_check(MC_ID_VOLUME, id, err) < 0)
		return -1;
	return p->ops->remove(p->be, id, err);
}

static int
cmp_ids(const void *a, const void *b)
{
	return strcmp(((const struct st_vol_id *)a)->id,
	    ((const struct st_vol_id *)b)->id);
}

int
st_vol_list(struct st_pool *p, struct st_vol_id **ret, size_t *ret_n,
    struct mc_err *err)
{
	struct st_vol_id	*ids = NULL;
	size_t			 n = 0, i, o = 0;

	if (p->ops->list(p->be, &ids, &n, err) < 0)
		return -1;
	/* A back end may hold a volume twice (dir: in both formats). */
	if (n > 0)
		qsort(ids, n, sizeof(ids[0]), cmp_ids);
	for (i = 0; i < n; i++)
		if (o == 0 || strcmp(ids[o - 1].id, ids[i].id) != 0)
			ids[o++] = ids[i];
	if (o == 0) {
		free(ids);
		ids = NULL;
	}
	*ret = ids;
	*ret_n = o;
	return 0;
}

int
st_vol_size(struct st_pool *p, const char *id, uint64_t *ret_bytes,
    struct mc_err *err)
{
	if (mc_id_check(MC_ID_VOLUME, id, err) < 0)
		return -1;
	return p->ops->size(p->be, id, ret_bytes, err);
}

int
st_vol_disk(struct st_pool *p, const char *id, struct st_disk *ret,
    struct mc_err *err)
{
	if (mc_id_check(MC_ID_VOLUME, id, err) < 0)
		return -1;
	return p->ops->disk(p->be, id, ret, err);
}
