/*
 * hv_domain_disk: volumes on an instance's domain.  Each call reads the
 * definition (and the live XML while the domain runs), decides what is
 * missing where, and makes one libvirt call with AFFECT_CONFIG and/or
 * AFFECT_LIVE for exactly that, so that every call may be repeated.
 * It never waits for a guest: a hot unplug is asked for, then polled.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "mc_cleanup.h"
#include "mc_err.h"
#include "hv_conn.h"
#include "hv_domain.h"
#include "hv_domain_priv.h"

/* A domain's extra disks as defined and, while it runs, as running. */
struct views {
	bool		 live;		/* it runs: run[] was read */
	struct hv_disk	*conf, *run;
	size_t		 n_conf, n_run;
};

static void
views_clear(struct views *v)
{
	free(v->conf);
	free(v->run);
	memset(v, 0, sizeof(*v));
}

static int
disks_read(virDomainPtr d, const char *name, unsigned int flags,
    struct hv_disk **ret, size_t *ret_n, struct mc_err *err)
{
	MC_AUTOFREE char *xml = virDomainGetXMLDesc(d, flags);

	if (xml == NULL)
		return hv_dom_err(err, name, "read its XML");
	return hv_xml_parse_disks(xml, ret, ret_n, err);
}

static int
views_read(virDomainPtr d, const char *name, struct views *v,
    struct mc_err *err)
{
	int active = virDomainIsActive(d);

	if (active < 0)
		return hv_dom_err(err, name, "read its state");
	v->live = active == 1;
	if (disks_read(d, name, VIR_DOMAIN_XML_INACTIVE, &v->conf, &v->n_conf,
	    err) < 0)
		return -1;
	if (v->live && disks_read(d, name, 0, &v->run, &v->n_run, err) < 0)
		return -1;
	return 0;
}

static bool
same_source(const struct hv_disk *a, const struct hv_disk *b)
{
	return a->type == b->type && a->format == b->format &&
	    strcmp(a->path, b->path) == 0 &&
	    strcmp(a->protocol, b->protocol) == 0 &&
	    strcmp(a->name, b->name) == 0;
}

/*
 * Is disk among list[0..n)?  Returns 1 (the same disk), 0 (neither its
 * target nor its serial is used), or -1 with err set (either is used by
 * another disk).
 */
static int
disk_place(const struct hv_disk *list, size_t n, const struct hv_disk *disk,
    const char *name, struct mc_err *err)
{
	const struct hv_disk	*l;
	size_t			 i;

	for (i = 0; i < n; i++) {
		l = &list[i];
		if (strcmp(l->target, disk->target) != 0 &&
		    strcmp(l->serial, disk->serial) != 0)
			continue;
		if (strcmp(l->target, disk->target) == 0 &&
		    strcmp(l->serial, disk->serial) == 0 &&
		    same_source(l, disk))
			return 1;
		return mc_err_set(err, MC_EC_INTERNAL_ERROR, "domain %s: "
		    "cannot attach disk %s (%s): %s is taken by disk %s (%s)",
		    name, disk->target, disk->serial,
		    strcmp(l->target, disk->target) == 0 ? "its target" :
		    "its serial", l->target, l->serial);
	}
	return 0;
}

int
hv_domain_disk_attach(struct hv_conn *c, const char *name,
    const struct hv_disk *disk, struct mc_err *err)
{
	MC_AUTODOMAIN virDomainPtr	 d = NULL;
	MC_CLEANUP(views_clear) struct views v = { 0 };
	MC_AUTOFREE char		*xml = NULL;
	unsigned int			 flags = 0;
	char				 what[64];
	int				 rc;

	if (hv_xml_disk(disk, &xml, err) < 0 ||
	    hv_dom_get(c, name, &d, err) < 0 ||
	    views_read(d, name, &v, err) < 0)
		return -1;
	if ((rc = disk_place(v.conf, v.n_conf, disk, name, err)) < 0)
		return -1;
	flags |= rc == 0 ? VIR_DOMAIN_AFFECT_CONFIG : 0;
	if (v.live &&
	    (rc = disk_place(v.run, v.n_run, disk, name, err)) < 0)
		return -1;
	flags |= v.live && rc == 0 ? VIR_DOMAIN_AFFECT_LIVE : 0;
	if (flags == 0)
		return 0;
	if (virDomainAttachDeviceFlags(d, xml, flags) == 0)
		return 0;
	(void)snprintf(what, sizeof(what), "attach disk %s", disk->target);
	return hv_dom_err(err, name, what);
}

/* The disk in list[0..n) whose target or serial is which, or NULL. */
static const struct hv_disk *
disk_find(const struct hv_disk *list, size_t n, const char *which)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(list[i].target, which) == 0 ||
		    strcmp(list[i].serial, which) == 0)
			return &list[i];
	return NULL;
}

/* Does the running guest still have it?  0 no, 1 yes, -1 error. */
static int
still_live(virDomainPtr d, const char *name, const char *which,
    struct mc_err *err)
{
	MC_AUTOFREE struct hv_disk	*run = NULL;
	size_t				 n = 0;

	if (disks_read(d, name, 0, &run, &n, err) < 0)
		return -1;
	return disk_find(run, n, which) != NULL;
}

/*
 * A detach call failed.  The guest may have let go of the disk after an
 * earlier request, between our read and the call: then libvirt no
 * longer knows the alias.  Look again: gone everywhere is done; gone
 * from the guest but still defined is pending (the next call removes
 * the definition); still in the guest is the error in err.
 */
static int
detach_failed(virDomainPtr d, const char *name, const char *which,
    bool was_live, struct mc_err *err)
{
	MC_CLEANUP(views_clear) struct views	v = { 0 };
	struct mc_err				e2 = { 0 };

	if (!was_live || views_read(d, name, &v, &e2) < 0 ||
	    (v.live && disk_find(v.run, v.n_run, which) != NULL))
		return -1;
	if (err != NULL)
		memset(err, 0, sizeof(*err));
	return disk_find(v.conf, v.n_conf, which) != NULL ?
	    HV_DETACH_PENDING : 0;
}

int
hv_domain_disk_detach(struct hv_conn *c, const char *name,
    const char *which, struct mc_err *err)
{
	MC_AUTODOMAIN virDomainPtr	 d = NULL;
	MC_CLEANUP(views_clear) struct views v = { 0 };
	const struct hv_disk		*fc, *fl;
	char				 alias[HV_SERIAL_MAX + 8], what[64];
	unsigned int			 flags;

	if (which == NULL || which[0] == '\0' ||
	    strlen(which) > HV_SERIAL_MAX)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "a disk to detach is named by its target or serial");
	if (hv_dom_get(c, name, &d, err) < 0 ||
	    views_read(d, name, &v, err) < 0)
		return -1;
	fc = disk_find(v.conf, v.n_conf, which);
	fl = v.live ? disk_find(v.run, v.n_run, which) : NULL;
	if (fc == NULL && fl == NULL)
		return 0;
	if (fc != NULL && fl != NULL && strcmp(fc->serial, fl->serial) != 0)
		return mc_err_set(err, MC_EC_INTERNAL_ERROR, "domain %s: disk "
		    "%s is not the same disk defined and running", name, which);
	flags = (fc != NULL ? VIR_DOMAIN_AFFECT_CONFIG : 0) |
	    (fl != NULL ? VIR_DOMAIN_AFFECT_LIVE : 0);
	(void)snprintf(alias, sizeof(alias), HV_XML_ALIAS_PREFIX "%s",
	    fl != NULL ? fl->serial : fc->serial);
	if (virDomainDetachDeviceAlias(d, alias, flags) < 0) {
		(void)snprintf(what, sizeof(what), "detach disk %s", which);
		(void)hv_dom_err(err, name, what);
		return detach_failed(d, name, which, fl != NULL, err);
	}
	if (fl == NULL)
		return 0;
	switch (still_live(d, name, which, err)) {
	case 0:
		return 0;
	case 1:
		return HV_DETACH_PENDING;
	default:
		return -1;
	}
}

int
hv_domain_disks(struct hv_conn *c, const char *name, struct hv_disk **ret,
    size_t *ret_n, struct mc_err *err)
{
	MC_AUTODOMAIN virDomainPtr	d = NULL;
	int				active;

	if (hv_dom_get(c, name, &d, err) < 0)
		return -1;
	if ((active = virDomainIsActive(d)) < 0)
		return hv_dom_err(err, name, "read its state");
	return disks_read(d, name, active == 1 ? 0 : VIR_DOMAIN_XML_INACTIVE,
	    ret, ret_n, err);
}

int
hv_domain_disk_resize(struct hv_conn *c, const char *name, const char *which,
    uint64_t bytes, struct mc_err *err)
{
	MC_AUTODOMAIN virDomainPtr	 d = NULL;
	MC_CLEANUP(views_clear) struct views v = { 0 };
	const struct hv_disk		*fl;
	char				 what[64];

	if (which == NULL || which[0] == '\0' ||
	    strlen(which) > HV_SERIAL_MAX)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "a disk to grow is named by its target or serial");
	if (hv_dom_get(c, name, &d, err) < 0 ||
	    views_read(d, name, &v, err) < 0)
		return -1;
	if (!v.live)
		return HV_RESIZE_OFFLINE;
	if ((fl = disk_find(v.run, v.n_run, which)) == NULL)
		return mc_err_set(err, MC_EC_INTERNAL_ERROR, "domain %s has no "
		    "disk %s", name, which);
	/* By target: QEMU grows the image and tells the guest. */
	if (virDomainBlockResize(d, fl->target, (unsigned long long)bytes,
	    VIR_DOMAIN_BLOCK_RESIZE_BYTES) < 0) {
		(void)snprintf(what, sizeof(what), "grow disk %s", which);
		return hv_dom_err(err, name, what);
	}
	return 0;
}
