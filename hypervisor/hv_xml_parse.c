/*
 * hv_xml_parse: what we read back from a domain's XML, on the reader of
 * hv_xml_read.c: minicloud's ids from our element in <metadata> (found
 * by its namespace URI), and the extra disks in <devices>.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
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

/* Where the disk walk is: depths of the open elements it cares for. */
struct disk_walk {
	struct hv_disk	*out;		/* HV_DISKS_MAX of them */
	size_t		 n;
	size_t		 devices, disk, source, auth;	/* 0: not open */
	bool		 keep;		/* device='disk' of a type we know */
	struct hv_disk	 cur;
	/* Other disks' values may be longer than hv_disk's fields. */
	char		 target[32], serial[256], fmt[16];
};

/* An attribute into a field; a longer value fails the walk. */
#define ATTR(x, name, field)	hv_xr_attr(x, name, field, sizeof(field))

static int
disk_start(struct hv_xr *x, struct disk_walk *w, size_t depth)
{
	char type[16], device[16];

	memset(&w->cur, 0, sizeof(w->cur));
	w->target[0] = w->serial[0] = w->fmt[0] = '\0';
	w->disk = depth;
	if (ATTR(x, "type", type) < 0 || ATTR(x, "device", device) < 0)
		return -1;
	w->cur.type = strcmp(type, "file") == 0 ? HV_DISK_FILE :
	    HV_DISK_NETWORK;
	w->keep = strcmp(device, "disk") == 0 &&
	    (strcmp(type, "file") == 0 || strcmp(type, "network") == 0);
	return 0;
}

static int
disk_host(struct hv_xr *x, struct disk_walk *w)
{
	struct hv_disk_host	*h;
	char			 port[16], *end;
	unsigned long		 v;

	if (w->cur.n_hosts == HV_DISK_HOSTS_MAX)
		return hv_xr_fail(x, "too many hosts of a disk");
	h = &w->cur.hosts[w->cur.n_hosts++];
	if (ATTR(x, "name", h->name) < 0 || ATTR(x, "port", port) < 0)
		return -1;
	if (port[0] == '\0')
		return 0;
	v = strtoul(port, &end, 10);
	if (strspn(port, "0123456789") != strlen(port) || *end != '\0' ||
	    v > 65535)
		return hv_xr_fail(x, "bad port of a disk's host");
	h->port = (unsigned)v;
	return 0;
}

/* A child of <disk>, or of its <source> or <auth>. */
static int
disk_child(struct hv_xr *x, struct disk_walk *w, const struct hv_xr_elem *e)
{
	struct hv_disk	*d = &w->cur;
	bool		 in_disk = e->depth == w->disk + 1;

	if (in_disk && elem_is(e, "driver"))
		return ATTR(x, "type", w->fmt);
	if (in_disk && elem_is(e, "target"))
		return ATTR(x, "dev", w->target);
	if (in_disk && elem_is(e, "serial"))
		hv_xr_text(x, w->serial, sizeof(w->serial));
	if (in_disk && elem_is(e, "source")) {
		w->source = e->depth;
		if (ATTR(x, "file", d->path) < 0 ||
		    ATTR(x, "protocol", d->protocol) < 0)
			return -1;
		return ATTR(x, "name", d->name);
	}
	if (w->source != 0 && e->depth == w->source + 1 && elem_is(e, "host"))
		return disk_host(x, w);
	/* libvirt writes <auth> in <disk> or in its <source>. */
	if ((in_disk || (w->source != 0 && e->depth == w->source + 1)) &&
	    elem_is(e, "auth")) {
		w->auth = e->depth;
		return ATTR(x, "username", d->auth_user);
	}
	if (w->auth != 0 && e->depth == w->auth + 1 && elem_is(e, "secret"))
		return ATTR(x, "uuid", d->auth_secret);
	return 0;
}

static int
disks_open(struct hv_xr *x, const struct hv_xr_elem *e, void *ctx)
{
	struct disk_walk *w = ctx;

	if (e->prefixed)
		return 0;
	if (e->depth == 2 && elem_is(e, "devices"))
		w->devices = e->depth;
	else if (w->devices != 0 && e->depth == w->devices + 1 &&
	    elem_is(e, "disk"))
		return disk_start(x, w, e->depth);
	else if (w->disk != 0 && e->depth > w->disk)
		return disk_child(x, w, e);
	return 0;
}

/* The <disk> has ended: keep it if it is an extra disk we can describe. */
static int
disk_end(struct hv_xr *x, struct disk_walk *w)
{
	struct hv_disk	*d = &w->cur;
	size_t		 f;

	w->disk = 0;
	hv_xr_trim(w->serial);
	for (f = 0; f < HV_FORMAT__MAX; f++)
		if (strcmp(w->fmt, hv_format_name((enum hv_format)f)) == 0)
			break;
	if (!w->keep || f == HV_FORMAT__MAX || strlen(w->target) != 3 ||
	    strncmp(w->target, "vd", 2) != 0 || w->target[2] < 'b' ||
	    w->target[2] > 'z' || strlen(w->serial) > HV_SERIAL_MAX)
		return 0;
	if (w->n == HV_DISKS_MAX)
		return hv_xr_fail(x, "too many extra disks");
	d->format = (enum hv_format)f;
	memcpy(d->target, w->target, sizeof(d->target));
	memcpy(d->serial, w->serial, sizeof(d->serial));
	w->out[w->n++] = *d;
	return 0;
}

static int
disks_close(struct hv_xr *x, const struct hv_xr_elem *e, void *ctx)
{
	struct disk_walk *w = ctx;

	if (e->depth == w->auth)
		w->auth = 0;
	if (e->depth == w->source)
		w->source = 0;
	if (e->depth == w->devices)
		w->devices = 0;
	if (e->depth == w->disk)
		return disk_end(x, w);
	return 0;
}

int
hv_xml_parse_disks(const char *domain_xml, struct hv_disk **ret,
    size_t *ret_n, struct mc_err *err)
{
	static const struct hv_xr_ops	 ops = { disks_open, disks_close };
	MC_AUTOFREE struct disk_walk	*w = calloc(1, sizeof(*w));
	MC_AUTOFREE struct hv_disk	*out = NULL;

	if (w == NULL || (out = calloc(HV_DISKS_MAX, sizeof(*out))) == NULL)
		return mc_err_sys(err, ENOMEM, "out of memory");
	w->out = out;
	if (hv_xr_run(domain_xml, &ops, w, err) < 0)
		return -1;
	if (w->n == 0)
		free(mc_steal_ptr(&out));
	*ret = mc_steal_ptr(&out);
	*ret_n = w->n;
	return 0;
}
