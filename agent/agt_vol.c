/*
 * agt_vol: an instance's volumes, level-triggered like the rest.  Each
 * round the domain's extra disks (libvirt's view: the live guest, or the
 * definition of a stopped domain) are compared with the attachments the
 * controller wants: missing ones get their storage made in the pool and
 * are attached (hot or cold), unwanted ones are detached (asked again
 * each round until the guest lets go), attached ones grow to their
 * wanted size, and what the domain has is what the agent reports.  A
 * volume made from a snapshot waits, unattached, until the snapshot's
 * file is in the host's cache.  libvirt is the record: an agent killed
 * in the middle finds, after its restart, each volume either in the
 * domain or not, and carries on from there.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_cleanup.h"
#include "mc_err.h"
#include "mc_log.h"
#include "hv_domain.h"
#include "st.h"
#include "ami_cache.h"
#include "agt_client.h"
#include "agt_images.h"
#include "agt_inst.h"
#include "agt_reconcile.h"
#include "agt_vol.h"

#define POOL_CHECK_MS	30000	/* how often unlisted storage is removed */
#define GIB		(1024ULL * 1024 * 1024)

/* The volume id behind a serial "vol0123...": "vol-0123...". */
static bool
vol_of_serial(const char *serial, char *id, size_t idsz)
{
	if (strncmp(serial, "vol", 3) != 0 || serial[3] == '\0')
		return false;
	return snprintf(id, idsz, "vol-%s", serial + 3) < (int)idsz;
}

static bool
target_free(const struct hv_disk *have, size_t n, char letter)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strncmp(have[i].target, "vd", 2) == 0 &&
		    have[i].target[2] == letter && have[i].target[3] == '\0')
			return false;
	return true;
}

/*
 * The target of device (borrowed) in a domain with disks have: the
 * device's own letter where it has one and it is free (/dev/sdf and
 * /dev/xvdf are vdf), else the first free of vdb..vdz.  "" when none
 * is left.
 */
static void
target_for(const char *device, const struct hv_disk *have, size_t n,
    char *buf, size_t bufsz)
{
	static const char *const stems[] = { "/dev/xvd", "/dev/sd", "/dev/vd" };
	const char	*l;
	char		 pref = 0, c;
	size_t		 i;

	for (i = 0; i < sizeof(stems) / sizeof(stems[0]); i++) {
		if (strncmp(device, stems[i], strlen(stems[i])) != 0)
			continue;
		l = device + strlen(stems[i]);
		if (l[0] >= 'b' && l[0] <= 'z' && (l[1] == '\0' ||
		    (l[1] >= '1' && l[1] <= '9')))
			pref = l[0];
		break;
	}
	if (pref != 0 && target_free(have, n, pref)) {
		(void)snprintf(buf, bufsz, "vd%c", pref);
		return;
	}
	for (c = 'b'; c <= 'z'; c++)
		if (target_free(have, n, c)) {
			(void)snprintf(buf, bufsz, "vd%c", c);
			return;
		}
	buf[0] = '\0';
}

/*
 * Is the snapshot volume v is made from in the host's cache?  Starts
 * its download (agt_images) when not; path gets its file.  Returns 1
 * when it is there, 0 while it downloads, -1 with err set when it
 * cannot be had.
 */
static int
source_ready(struct agt *a, const struct mc_proto_vol *v, char *path,
    size_t pathsz, struct mc_err *err)
{
	char why[MC_PROTO_WHY_MAX + 1], url[2048];

	agt_client_image_url(a->client, v->source.id, url, sizeof(url));
	switch (agt_images_ensure(a->images, &v->source, url, why,
	    sizeof(why))) {
	case AGT_IMG_READY:
		return ami_cache_path(a->cache_dir, v->source.id, path, pathsz,
		    err) < 0 ? -1 : 1;
	case AGT_IMG_FETCHING:
		return 0;
	default:
		return mc_err_set(err, MC_EC_INTERNAL_ERROR, "snapshot %s: %s",
		    v->source.id, why);
	}
}

/*
 * The disk of volume v in the pool, at target; its storage made first
 * (from its snapshot when it has one).  Returns 0, AGT_VOL_WAIT while
 * the snapshot downloads (attach it a later round), -1 with err set.
 */
#define AGT_VOL_WAIT	1
static int
disk_of(struct agt *a, const struct mc_proto_vol *v, const char *target,
    struct hv_disk *d, struct mc_err *err)
{
	struct st_vol	sv;
	struct st_disk	sd;
	char		src[PATH_MAX];
	int		rc;

	memset(&sv, 0, sizeof(sv));
	sv.id = v->id;
	sv.size_gib = v->size_gib;
	sv.format = strcmp(v->format, "raw") == 0 ? AMI_FORMAT_RAW :
	    AMI_FORMAT_QCOW2;
	/* Only a volume not made yet needs its snapshot's file. */
	if (v->source.id[0] != '\0' && st_vol_size(a->pool, v->id,
	    &(uint64_t){ 0 }, NULL) < 0) {
		if ((rc = source_ready(a, v, src, sizeof(src), err)) <= 0)
			return rc < 0 ? -1 : AGT_VOL_WAIT;
		sv.source = src;
		sv.source_format = strcmp(v->source.format, "raw") == 0 ?
		    AMI_FORMAT_RAW : AMI_FORMAT_QCOW2;
	}
	if (st_vol_ensure(a->pool, &sv, err) < 0 ||
	    st_vol_disk(a->pool, v->id, &sd, err) < 0)
		return -1;
	memset(d, 0, sizeof(*d));
	(void)snprintf(d->target, sizeof(d->target), "%s", target);
	if (hv_serial_for(v->id, d->serial, err) < 0)
		return -1;
	d->type = sd.type == ST_DISK_NETWORK ? HV_DISK_NETWORK : HV_DISK_FILE;
	d->format = sd.format == AMI_FORMAT_RAW ? HV_FORMAT_RAW :
	    HV_FORMAT_QCOW2;
	(void)snprintf(d->path, sizeof(d->path), "%s", sd.path);
	return 0;
}

int
agt_vol_spec(struct agt *a, const struct mc_proto_inst *w,
    struct hv_spec *spec, struct mc_err *err)
{
	const struct mc_proto_vol	*v;
	char				 t[8];
	size_t				 i;
	int				 rc = 0;

	spec->n_disks = 0;
	for (i = 0; i < w->n_vols && i < HV_DISKS_MAX; i++) {
		if ((v = mc_proto_desired_volume(&a->desired,
		    w->vols[i].vol)) == NULL)
			continue;
		target_for(w->vols[i].device, spec->disks, spec->n_disks, t,
		    sizeof(t));
		if (t[0] == '\0' || (rc = disk_of(a, v, t,
		    &spec->disks[spec->n_disks], err)) < 0)
			return t[0] == '\0' ? mc_err_set(err,
			    MC_EC_ATTACHMENT_LIMIT_EXCEEDED, "no disk slot "
			    "left for %s", v->id) : -1;
		/* Its snapshot still downloads: agt_vol_sync attaches it. */
		if (rc != AGT_VOL_WAIT)
			spec->n_disks++;
	}
	return 0;
}

static const struct mc_proto_attach *
wanted(const struct mc_proto_inst *w, const char *vol)
{
	size_t i;

	for (i = 0; i < w->n_vols; i++)
		if (strcmp(w->vols[i].vol, vol) == 0)
			return &w->vols[i];
	return NULL;
}

/* Attach what w wants and the domain lacks; detach what it has extra. */
static void
converge(struct agt *a, const struct mc_proto_inst *w,
    const struct hv_disk *have, size_t n)
{
	const struct mc_proto_vol	*v;
	struct hv_disk			 d;
	struct mc_err			 err = { 0 };
	char				 id[MC_PROTO_ID_MAX + 1], t[8];
	size_t				 i, k;
	int				 rc;

	for (i = 0; i < w->n_vols; i++) {
		for (k = 0; k < n && (!vol_of_serial(have[k].serial, id,
		    sizeof(id)) || strcmp(id, w->vols[i].vol) != 0); k++)
			;
		if (k < n || (v = mc_proto_desired_volume(&a->desired,
		    w->vols[i].vol)) == NULL)
			continue;
		target_for(w->vols[i].device, have, n, t, sizeof(t));
		err.code = MC_EC_NONE;
		if (t[0] != '\0' && (rc = disk_of(a, v, t, &d, &err)) ==
		    AGT_VOL_WAIT)
			continue;	/* its snapshot downloads: next round */
		if (t[0] == '\0' || rc < 0 ||
		    hv_domain_disk_attach(a->hv, w->id, &d, &err) < 0)
			mc_log(MC_LOG_WARN, "cannot attach a volume, retrying",
			    "instance=%s volume=%s detail=%s", w->id, v->id,
			    t[0] == '\0' ? "no disk slot left" : err.msg);
		else
			mc_log(MC_LOG_INFO, "volume attached", "instance=%s "
			    "volume=%s device=%s target=%s", w->id, v->id,
			    w->vols[i].device, t);
	}
	for (k = 0; k < n; k++) {
		if (!vol_of_serial(have[k].serial, id, sizeof(id)) ||
		    wanted(w, id) != NULL)
			continue;
		err.code = MC_EC_NONE;
		rc = hv_domain_disk_detach(a->hv, w->id, have[k].serial, &err);
		if (rc < 0)
			mc_log(MC_LOG_WARN, "cannot detach a volume, retrying",
			    "instance=%s volume=%s detail=%s", w->id, id,
			    err.msg);
		else if (rc == 0)
			mc_log(MC_LOG_INFO, "volume detached", "instance=%s "
			    "volume=%s", w->id, id);
	}
}

/* in->vols from the domain's disks; true when it changed. */
static bool
record(const struct mc_proto_inst *w, struct agt_inst *in,
    const struct hv_disk *have, size_t n)
{
	const struct mc_proto_attach	*want;
	struct mc_proto_attach		 now[MC_PROTO_INST_VOLS];
	uint64_t			 gib[MC_PROTO_INST_VOLS];
	size_t				 k, m = 0, j;
	bool				 changed;

	memset(now, 0, sizeof(now));
	memset(gib, 0, sizeof(gib));
	for (k = 0; k < n && m < MC_PROTO_INST_VOLS; k++) {
		if (!vol_of_serial(have[k].serial, now[m].vol,
		    sizeof(now[m].vol)))
			continue;
		want = wanted(w, now[m].vol);
		(void)snprintf(now[m].device, sizeof(now[m].device), "%s",
		    want != NULL ? want->device : "/dev/sd");
		if (want == NULL)	/* one we detach: its letter */
			(void)snprintf(now[m].device, sizeof(now[m].device),
			    "/dev/sd%s", have[k].target + 2);
		for (j = 0; j < in->n_vols; j++)	/* what it was grown to */
			if (strcmp(in->vols[j].vol, now[m].vol) == 0)
				gib[m] = in->vol_gib[j];
		m++;
	}
	memcpy(in->vol_gib, gib, sizeof(gib));
	changed = !in->vols_known || m != in->n_vols ||
	    memcmp(now, in->vols, sizeof(now)) != 0;
	memcpy(in->vols, now, sizeof(now));
	in->n_vols = m;
	in->vols_known = true;
	return changed;
}

/*
 * Grow attached volume k of in to v's size where it is smaller: through
 * QEMU while the domain runs (the guest sees it at once), else the
 * image itself.  0, or -1 with err set (tried again next round).
 */
static int
grow_one(struct agt *a, const struct mc_proto_inst *w, struct agt_inst *in,
    size_t k, const struct mc_proto_vol *v, struct mc_err *err)
{
	struct st_vol	sv;
	char		serial[HV_SERIAL_MAX + 1];
	uint64_t	bytes;
	int		rc;

	if (st_vol_size(a->pool, v->id, &bytes, err) < 0)
		return -1;
	if (bytes < v->size_gib * GIB) {
		if (hv_serial_for(v->id, serial, err) < 0)
			return -1;
		rc = hv_domain_disk_resize(a->hv, w->id, serial,
		    v->size_gib * GIB, err);
		if (rc == HV_RESIZE_OFFLINE) {
			memset(&sv, 0, sizeof(sv));
			sv.id = v->id;
			sv.size_gib = v->size_gib;
			sv.format = strcmp(v->format, "raw") == 0 ?
			    AMI_FORMAT_RAW : AMI_FORMAT_QCOW2;
			rc = st_vol_ensure(a->pool, &sv, err);
		}
		if (rc < 0)
			return -1;
		mc_log(MC_LOG_INFO, "volume grown", "instance=%s volume=%s "
		    "gib=%llu", w->id, v->id, (unsigned long long)v->size_gib);
	}
	in->vol_gib[k] = v->size_gib;
	return 0;
}

/* ModifyVolume: attached volumes grown to their wanted size. */
static void
grow(struct agt *a, const struct mc_proto_inst *w, struct agt_inst *in)
{
	const struct mc_proto_vol	*v;
	struct mc_err			 err = { 0 };
	size_t				 k;

	for (k = 0; k < in->n_vols; k++) {
		if (wanted(w, in->vols[k].vol) == NULL ||
		    (v = mc_proto_desired_volume(&a->desired,
		    in->vols[k].vol)) == NULL || in->vol_gib[k] >= v->size_gib)
			continue;
		err.code = MC_EC_NONE;
		if (grow_one(a, w, in, k, v, &err) < 0)
			mc_log(MC_LOG_WARN, "cannot grow a volume, retrying",
			    "instance=%s volume=%s detail=%s", w->id, v->id,
			    err.msg);
	}
}

bool
agt_vol_sync(struct agt *a, const struct mc_proto_inst *w,
    struct agt_inst *in)
{
	MC_AUTOFREE struct hv_disk	*have = NULL;
	struct mc_err			 err = { 0 };
	size_t				 n = 0;
	bool				 changed;

	/* Nothing wanted, nothing known there: no libvirt call. */
	if (w->n_vols == 0 && in->vols_known && in->n_vols == 0)
		return false;
	if (hv_domain_disks(a->hv, w->id, &have, &n, &err) < 0)
		return false;	/* no domain (yet): nothing attached */
	converge(a, w, have, n);
	free(have);
	have = NULL;
	n = 0;
	if (hv_domain_disks(a->hv, w->id, &have, &n, &err) < 0)
		return false;
	changed = record(w, in, have, n);
	grow(a, w, in);
	return changed;
}

/* Whether the pool's volume id is one the desired state lists. */
static bool
listed(const struct agt *a, const char *id)
{
	return mc_proto_desired_volume(&a->desired, id) != NULL;
}

void
agt_vol_clean(struct agt *a, int64_t now_ms)
{
	MC_AUTOFREE struct st_vol_id	*ids = NULL;
	struct mc_err			 err = { 0 };
	size_t				 n = 0, i;

	if (!a->have_desired || now_ms - a->pool_checked_ms < POOL_CHECK_MS)
		return;
	a->pool_checked_ms = now_ms;
	if (st_vol_list(a->pool, &ids, &n, &err) < 0) {
		mc_log(MC_LOG_WARN, "cannot list the volume pool", "detail=%s",
		    err.msg);
		return;
	}
	for (i = 0; i < n; i++) {
		if (listed(a, ids[i].id))
			continue;
		err.code = MC_EC_NONE;
		/* Refused while a QEMU still holds it: next time. */
		if (st_vol_remove(a->pool, ids[i].id, &err) == 0)
			mc_log(MC_LOG_INFO, "volume storage removed", "volume=%s",
			    ids[i].id);
		else
			mc_log(MC_LOG_DEBUG, "volume storage kept for now",
			    "volume=%s detail=%s", ids[i].id, err.msg);
	}
}
