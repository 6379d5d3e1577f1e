/*
 * agt_reconcile: close the gap between desired and actual state, one
 * instance at a time; one function per desired state.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_buf.h"
#include "mc_cleanup.h"
#include "mc_err.h"
#include "mc_log.h"
#include "ami_cache.h"
#include "hv_domain.h"
#include "agt_client.h"
#include "agt_conf.h"
#include "agt_images.h"
#include "agt_inst.h"
#include "agt_net.h"
#include "agt_reconcile.h"
#include "agt_snap.h"
#include "agt_vol.h"

#define FAILURES_MAX	3		/* steps failed in a row: give up */
#define CONSOLE_MAX	(64 * 1024)
#define EXPLAIN_MAX	(256 * 1024)

/* The record of id, made (and its saved state loaded) on first sight. */
static struct agt_inst *
inst_get(struct agt *a, const char *id)
{
	struct agt_inst	*nv;
	size_t		 i;

	for (i = 0; i < a->n_insts; i++)
		if (strcmp(a->insts[i].id, id) == 0)
			return &a->insts[i];
	if ((nv = realloc(a->insts, (a->n_insts + 1) * sizeof(*nv))) == NULL)
		return NULL;
	a->insts = nv;
	memset(&nv[a->n_insts], 0, sizeof(*nv));
	(void)snprintf(nv[a->n_insts].id, sizeof(nv[0].id), "%s", id);
	nv[a->n_insts].actual = MC_PROTO_ACTUAL_NONE;
	nv[a->n_insts].reboot_done = agt_inst_reboot_load(a->conf->state_dir,
	    id);
	return &nv[a->n_insts++];
}

/* A failed step: keep trying until FAILURES_MAX, then say failed. */
static enum mc_proto_actual_state
failed(struct agt_inst *in, const char *step, const struct mc_err *err)
{
	mc_log(MC_LOG_WARN, "instance step failed", "instance=%s step=%s "
	    "try=%d detail=%s", in->id, step, in->failures + 1, err->msg);
	(void)snprintf(in->error, sizeof(in->error), "%s: %.200s", step,
	    err->msg);
	if (++in->failures >= FAILURES_MAX)
		return MC_PROTO_ACTUAL_FAILED;
	return MC_PROTO_ACTUAL_PREPARING;
}

/* Every image w needs, fetched?  Else what to report meanwhile. */
static bool
images_ready(struct agt *a, const struct mc_proto_inst *w,
    struct agt_inst *in, enum mc_proto_actual_state *ret)
{
	const struct mc_proto_image	*imgs[] = { &w->image, &w->kernel,
	    &w->ramdisk };
	char				 url[2048], why[MC_PROTO_WHY_MAX + 1];
	size_t				 i;
	bool				 ready = true;

	for (i = 0; i < MC_NELEMS(imgs); i++) {
		if (imgs[i]->id[0] == '\0')
			continue;
		agt_client_image_url(a->client, imgs[i]->id, url, sizeof(url));
		switch (agt_images_ensure(a->images, imgs[i], url, why,
		    sizeof(why))) {
		case AGT_IMG_READY:
			break;
		case AGT_IMG_FETCHING:
			ready = false;
			*ret = MC_PROTO_ACTUAL_PREPARING;
			break;
		case AGT_IMG_FAILED:
			(void)snprintf(in->error, sizeof(in->error),
			    "image %s: %.200s", imgs[i]->id, why);
			*ret = MC_PROTO_ACTUAL_FAILED;
			return false;
		}
	}
	return ready;
}

/* Make the disk, define the domain from the wish, start it. */
static enum mc_proto_actual_state
launch(struct agt *a, const struct mc_proto_inst *w, struct agt_inst *in)
{
	struct hv_spec	spec;
	struct mc_err	err = { 0 };

	if (agt_inst_prepare(a->conf->state_dir, a->cache_dir, w, &err) < 0)
		return failed(in, "make the disk", &err);
	if (agt_inst_spec(a->conf->state_dir, a->cache_dir, w, a->kvm, &spec,
	    &err) < 0)
		return failed(in, "define the domain", &err);
	if (agt_vol_spec(a, w, &spec, &err) < 0)
		return failed(in, "attach the volumes", &err);
	if (w->nic.eni[0] != '\0') {
		agt_net_tap_name(a->net, w->id, spec.nic_tap);
		(void)snprintf(spec.nic_mac, sizeof(spec.nic_mac), "%s",
		    w->nic.mac);
	}
	if (hv_domain_define(a->hv, &spec, &err) < 0)
		return failed(in, "define the domain", &err);
	if (agt_net_tap_ready(a->net, w, &err) < 0)
		return failed(in, "make the network interface", &err);
	if (hv_domain_start(a->hv, w->id, &err) < 0)
		return failed(in, "start the domain", &err);
	mc_log(MC_LOG_INFO, "instance started", "instance=%s type=%s vcpus=%u "
	    "mem_mib=%u accel=%s", w->id, w->type, w->vcpus, w->mem_mib,
	    a->kvm ? "kvm" : "tcg");
	in->failures = 0;
	in->error[0] = '\0';
	in->explained = false;
	return MC_PROTO_ACTUAL_RUNNING;
}

static enum mc_proto_actual_state
want_running(struct agt *a, const struct mc_proto_inst *w,
    struct agt_inst *in, enum hv_state st)
{
	enum mc_proto_actual_state	 r = MC_PROTO_ACTUAL_PREPARING;
	struct mc_err			 err = { 0 };

	in->stop_asked_ms = 0;
	if (st == HV_STATE_RUNNING || st == HV_STATE_SHUTDOWN ||
	    st == HV_STATE_PAUSED) {
		if (w->reboot_seq > in->reboot_done && st == HV_STATE_RUNNING) {
			if (hv_domain_reboot(a->hv, w->id, false, &err) < 0)
				mc_log(MC_LOG_WARN, "reboot failed", "instance=%s "
				    "detail=%s", w->id, err.msg);
			else
				mc_log(MC_LOG_INFO, "instance rebooted",
				    "instance=%s", w->id);
			in->reboot_done = w->reboot_seq;
			(void)agt_inst_reboot_save(a->conf->state_dir, w->id,
			    in->reboot_done, NULL);
		}
		return MC_PROTO_ACTUAL_RUNNING;
	}
	/*
	 * Off while it should run.  Only a launch (pending) is started: an
	 * instance the controller believes running has powered itself off,
	 * and its shutdown behaviour is the controller's to apply.
	 */
	if (strcmp(w->state, "pending") != 0)
		return st == HV_STATE_NONE ? MC_PROTO_ACTUAL_NONE :
		    MC_PROTO_ACTUAL_SHUTOFF;
	if (in->failures >= FAILURES_MAX)
		return MC_PROTO_ACTUAL_FAILED;
	if (!images_ready(a, w, in, &r))
		return r;
	/* A launch that counts as running already keeps its reboots. */
	in->reboot_done = w->reboot_seq;
	return launch(a, w, in);
}

static enum mc_proto_actual_state
want_stopped(struct agt *a, const struct mc_proto_inst *w,
    struct agt_inst *in, enum hv_state st, int64_t now_ms)
{
	struct mc_err	err = { 0 };
	int64_t		grace = (int64_t)a->desired.stop_timeout_s * 1000;

	if (st != HV_STATE_RUNNING && st != HV_STATE_SHUTDOWN &&
	    st != HV_STATE_PAUSED) {
		in->stop_asked_ms = 0;
		return st == HV_STATE_NONE ? MC_PROTO_ACTUAL_NONE :
		    MC_PROTO_ACTUAL_SHUTOFF;
	}
	if (w->force || (in->stop_asked_ms > 0 &&
	    now_ms - in->stop_asked_ms >= grace)) {
		if (hv_domain_destroy(a->hv, w->id, &err) < 0)
			mc_log(MC_LOG_WARN, "hard stop failed, retrying",
			    "instance=%s detail=%s", w->id, err.msg);
		else
			mc_log(MC_LOG_INFO, "instance stopped hard", "instance=%s "
			    "forced=%s", w->id, w->force ? "yes" : "no");
	} else if (in->stop_asked_ms == 0) {
		if (hv_domain_shutdown(a->hv, w->id, &err) < 0)
			mc_log(MC_LOG_WARN, "ACPI shutdown failed", "instance=%s "
			    "detail=%s", w->id, err.msg);
		else
			mc_log(MC_LOG_INFO, "instance asked to shut down",
			    "instance=%s grace_s=%u", w->id,
			    a->desired.stop_timeout_s);
		in->stop_asked_ms = now_ms;
	}
	return MC_PROTO_ACTUAL_STOPPING;
}

/* Remove the domain and every file of instance id. */
static enum mc_proto_actual_state
remove_instance(struct agt *a, const char *id, enum hv_state st,
    struct agt_inst *in)
{
	struct mc_err err = { 0 };

	if (st != HV_STATE_NONE && (hv_domain_destroy(a->hv, id, &err) < 0 ||
	    hv_domain_undefine(a->hv, id, &err) < 0)) {
		mc_log(MC_LOG_WARN, "cannot remove the domain, retrying",
		    "instance=%s detail=%s", id, err.msg);
		return MC_PROTO_ACTUAL_SHUTOFF;
	}
	if (agt_inst_remove(a->conf->state_dir, id, &err) < 0) {
		mc_log(MC_LOG_WARN, "cannot remove the files, retrying",
		    "instance=%s detail=%s", id, err.msg);
		return MC_PROTO_ACTUAL_SHUTOFF;
	}
	if (in == NULL || in->actual != MC_PROTO_ACTUAL_NONE)
		mc_log(MC_LOG_INFO, "instance removed", "instance=%s", id);
	return MC_PROTO_ACTUAL_NONE;
}

static enum hv_state
state_of(const struct hv_domain_info *doms, size_t n, const char *id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(doms[i].meta.instance_id, id) == 0)
			return doms[i].state;
	return HV_STATE_NONE;
}

static void
one_instance(struct agt *a, const struct mc_proto_inst *w,
    const struct hv_domain_info *doms, size_t n_doms, int64_t now_ms)
{
	struct agt_inst			*in = inst_get(a, w->id);
	enum hv_state			 st = state_of(doms, n_doms, w->id);
	enum mc_proto_actual_state	 now;

	if (in == NULL)
		return;
	in->seen = true;
	/* Stopped or copied for a snapshot: reported as it was meanwhile. */
	if (agt_snap_holds(a->snaps, w->id))
		return;
	switch (w->want) {
	case MC_PROTO_WANT_RUNNING:
		now = want_running(a, w, in, st);
		break;
	case MC_PROTO_WANT_STOPPED:
		now = want_stopped(a, w, in, st, now_ms);
		break;
	default:
		now = remove_instance(a, w->id, st, in);
		break;
	}
	/* Volumes follow a domain that exists, running or not. */
	if (now != MC_PROTO_ACTUAL_NONE && w->want != MC_PROTO_WANT_TERMINATED &&
	    agt_vol_sync(a, w, in))
		a->report_due = true;
	if (now != in->actual) {
		mc_log(MC_LOG_DEBUG, "instance actual state", "instance=%s "
		    "from=%s to=%s", w->id, mc_proto_actual_name(in->actual),
		    mc_proto_actual_name(now));
		in->actual = now;
		a->report_due = true;
	}
}

static bool
wanted(const struct agt *a, const char *id)
{
	size_t i;

	for (i = 0; i < a->desired.n; i++)
		if (strcmp(a->desired.v[i].id, id) == 0)
			return true;
	return false;
}

/*
 * Domains of ours the controller no longer lists (terminated and
 * forgotten, or placed elsewhere) go, with their files.  Only once a
 * desired state has been read: before that, "not listed" means nothing.
 */
static void
remove_orphans(struct agt *a, const struct hv_domain_info *doms, size_t n)
{
	size_t i;

	for (i = 0; a->have_desired && i < n; i++) {
		if (wanted(a, doms[i].meta.instance_id))
			continue;
		mc_log(MC_LOG_INFO, "removing a domain nobody wants",
		    "instance=%s state=%s", doms[i].meta.instance_id,
		    hv_state_name(doms[i].state));
		(void)remove_instance(a, doms[i].meta.instance_id,
		    doms[i].state, NULL);
	}
}

/* Drop the records of instances not in this round. */
static void
forget_unseen(struct agt *a)
{
	size_t i, o = 0;

	for (i = 0; i < a->n_insts; i++)
		if (a->insts[i].seen)
			a->insts[o++] = a->insts[i];
	if (o != a->n_insts)
		a->report_due = true;
	a->n_insts = o;
}

static void
report(struct agt *a, int64_t now_ms)
{
	struct mc_proto_report	 r;
	struct mc_err		 err = { 0 };
	size_t			 i;
	int			 rc;

	memset(&r, 0, sizeof(r));
	r.generation = a->desired.generation;
	if (a->n_insts > 0 && (r.v = calloc(a->n_insts, sizeof(*r.v))) == NULL)
		return;
	for (i = 0; i < a->n_insts; i++) {
		(void)snprintf(r.v[i].id, sizeof(r.v[i].id), "%s",
		    a->insts[i].id);
		r.v[i].state = a->insts[i].actual;
		r.v[i].reboot_seq = a->insts[i].reboot_done;
		(void)snprintf(r.v[i].error, sizeof(r.v[i].error), "%s",
		    a->insts[i].error);
		memcpy(r.v[i].vols, a->insts[i].vols, sizeof(r.v[i].vols));
		r.v[i].n_vols = a->insts[i].n_vols;
	}
	r.n = a->n_insts;
	if (agt_snap_report(a->snaps, &r) < 0) {
		free(r.v);
		return;
	}
	rc = agt_client_report(a->client, a->conf->name, &r, &err);
	free(r.v);
	free(r.snaps);
	if (rc < 0) {
		mc_log(MC_LOG_WARN, "report failed, retrying", "detail=%s",
		    err.msg);
		return;
	}
	if (rc > 0)
		a->need_register = true;
	a->report_due = false;
	a->last_report_ms = now_ms;
}

static void
upload_console(struct agt *a, struct agt_inst *in)
{
	MC_AUTOFREE char	*text = NULL;
	struct mc_err		 err = { 0 };
	off_t			 before = in->console_sent;
	size_t			 n = 0;

	if (agt_inst_console(a->conf->state_dir, in->id, CONSOLE_MAX,
	    &in->console_sent, &text, &n, &err) <= 0)
		return;
	if (agt_client_put_text(a->client, a->conf->name, in->id, "console",
	    text, n, &err) < 0) {
		in->console_sent = before;	/* again next round */
		mc_log(MC_LOG_DEBUG, "console upload failed", "instance=%s "
		    "detail=%s", in->id, err.msg);
	}
}

/* Tell the controller what was wired, for `minicloud explain`. */
static void
upload_explain(struct agt *a, struct agt_inst *in)
{
	const struct mc_proto_inst *w = mc_proto_desired_inst(&a->desired,
	    in->id);
	MC_AUTOFREE char	*xml = NULL;
	MC_AUTOFREE char	*chain = NULL;
	struct mc_buf		 b;
	struct mc_err		 err = { 0 };
	char			 disk[PATH_MAX];

	if (hv_domain_xml(a->hv, in->id, &xml, &err) < 0 ||
	    agt_inst_path(a->conf->state_dir, in->id, "disk.qcow2", disk,
	    sizeof(disk), &err) < 0 || ami_overlay_info(disk, &chain, &err) < 0)
		return;
	mc_buf_init(&b, EXPLAIN_MAX);
	mc_buf_addf(&b, "## host %s: libvirt domain (virsh -c %s dumpxml %s)"
	    "\n\n%s\n## root disk chain (qemu-img info --backing-chain "
	    "%s)\n\n%s\n## serial console: %s/instances/%s/console.log\n",
	    a->conf->name, a->conf->libvirt_uri, in->id, xml, disk, chain,
	    a->conf->state_dir, in->id);
	if (w != NULL)
		agt_net_explain(a->net, w, &b);
	if (!b.failed && agt_client_put_text(a->client, a->conf->name, in->id,
	    "explain", b.data, b.len, &err) == 0)
		in->explained = true;
	mc_buf_clear(&b);
}

/* Does instance id's domain run, as this round left it? */
static bool
runs(void *arg, const char *id)
{
	const struct agt	*a = arg;
	size_t			 i;

	for (i = 0; i < a->n_insts; i++)
		if (strcmp(a->insts[i].id, id) == 0)
			return a->insts[i].actual == MC_PROTO_ACTUAL_RUNNING ||
			    a->insts[i].actual == MC_PROTO_ACTUAL_STOPPING;
	return false;
}

void
agt_reconcile(struct agt *a, int64_t now_ms)
{
	struct hv_domain_info	*doms = NULL;
	struct mc_err		 err = { 0 };
	size_t			 n_doms = 0, i;

	/*
	 * First: a job may hold an instance the loop below then skips, or
	 * start one again, which the domains listed after it must show.
	 */
	agt_snap_sync(a, now_ms);
	if (hv_domain_list(a->hv, &doms, &n_doms, &err) < 0) {
		mc_log(MC_LOG_WARN, "cannot list domains, retrying",
		    "detail=%s", err.msg);
		return;
	}
	for (i = 0; i < a->n_insts; i++)
		a->insts[i].seen = false;
	for (i = 0; a->have_desired && i < a->desired.n; i++)
		one_instance(a, &a->desired.v[i], doms, n_doms, now_ms);
	remove_orphans(a, doms, n_doms);
	free(doms);
	if (a->have_desired) {
		forget_unseen(a);
		agt_net_sync(a->net, &a->desired, runs, a, now_ms);
		agt_vol_clean(a, now_ms);
	}
	if (a->report_due || now_ms - a->last_report_ms >=
	    a->conf->report_interval_s * 1000)
		report(a, now_ms);
	for (i = 0; i < a->n_insts; i++) {
		upload_console(a, &a->insts[i]);
		if (a->insts[i].actual == MC_PROTO_ACTUAL_RUNNING &&
		    !a->insts[i].explained)
			upload_explain(a, &a->insts[i]);
	}
}

void
agt_reconcile_clear(struct agt *a)
{
	free(a->insts);
	a->insts = NULL;
	a->n_insts = 0;
	mc_proto_desired_clear(&a->desired);
}
