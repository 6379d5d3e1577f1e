/*
 * hv_domain: one libvirt call per lifecycle step of an instance's
 * domain, looked up by name (the instance id), with libvirt's errors
 * turned into mc_err naming the domain.  It keeps no state of its own
 * and never waits for a guest: the agent's loop does.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "mc_cleanup.h"
#include "mc_err.h"
#include "mc_id.h"
#include "hv_conn.h"
#include "hv_domain.h"
#include "hv_domain_priv.h"

/*
 * What libvirt may keep beside a definition and would otherwise refuse
 * to undefine.  We make no checkpoints and boot no UEFI (NVRAM): add
 * those flags with them (the test driver rejects them).
 */
#define UNDEFINE_FLAGS	(VIR_DOMAIN_UNDEFINE_MANAGED_SAVE | \
			 VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA)

static const char *const state_names[HV_STATE__MAX] = {
	[HV_STATE_NONE] = "none",	[HV_STATE_SHUTOFF] = "shutoff",
	[HV_STATE_RUNNING] = "running",	[HV_STATE_SHUTDOWN] = "shutdown",
	[HV_STATE_PAUSED] = "paused",	[HV_STATE_CRASHED] = "crashed",
	[HV_STATE_OTHER] = "other",
};

/* Indexed by virDomainState; later libvirt states are HV_STATE_OTHER. */
static const enum hv_state virt_states[] = {
	[VIR_DOMAIN_NOSTATE] = HV_STATE_OTHER,
	[VIR_DOMAIN_RUNNING] = HV_STATE_RUNNING,
	[VIR_DOMAIN_BLOCKED] = HV_STATE_RUNNING,	/* waiting on I/O */
	[VIR_DOMAIN_PAUSED] = HV_STATE_PAUSED,
	[VIR_DOMAIN_SHUTDOWN] = HV_STATE_SHUTDOWN,
	[VIR_DOMAIN_SHUTOFF] = HV_STATE_SHUTOFF,
	[VIR_DOMAIN_CRASHED] = HV_STATE_CRASHED,
	[VIR_DOMAIN_PMSUSPENDED] = HV_STATE_PAUSED,
};

void
hv_dom_freep(virDomainPtr *dp)
{
	if (*dp != NULL)
		(void)virDomainFree(*dp);
}

int
hv_dom_err(struct mc_err *err, const char *name, const char *what)
{
	return mc_err_set(err, MC_EC_INTERNAL_ERROR, "domain %s: cannot %s: %s",
	    name, what, virGetLastErrorMessage());
}

int
hv_dom_find(struct hv_conn *c, const char *name, virDomainPtr *ret,
    struct mc_err *err)
{
	virDomainPtr d;

	if (mc_id_check(MC_ID_INSTANCE, name, NULL) < 0)
		return mc_err_set(err, MC_EC_INVALID_INSTANCE_ID_MALFORMED,
		    "domain name \"%.64s\" is not an instance id",
		    name != NULL ? name : "");
	if ((d = virDomainLookupByName(hv_conn_virt(c), name)) != NULL) {
		*ret = d;
		return 1;
	}
	if (virGetLastErrorCode() == VIR_ERR_NO_DOMAIN) {
		virResetLastError();
		return 0;
	}
	return hv_dom_err(err, name, "look it up");
}

int
hv_dom_get(struct hv_conn *c, const char *name, virDomainPtr *ret,
    struct mc_err *err)
{
	int rc = hv_dom_find(c, name, ret, err);

	if (rc == 0)
		return mc_err_set(err, MC_EC_INTERNAL_ERROR,
		    "domain %s does not exist", name);
	return rc < 0 ? -1 : 0;
}

int
hv_domain_define(struct hv_conn *c, const struct hv_spec *spec,
    struct mc_err *err)
{
	MC_AUTOFREE char	*xml = NULL;
	MC_AUTODOMAIN virDomainPtr d = NULL;

	if (hv_xml_domain(spec, &xml, err) < 0)
		return -1;
	/* Schema validation catches what libvirt would silently drop. */
	d = virDomainDefineXMLFlags(hv_conn_virt(c), xml,
	    VIR_DOMAIN_DEFINE_VALIDATE);
	if (d == NULL)
		return hv_dom_err(err, spec->instance_id, "define it");
	return 0;
}

int
hv_domain_start(struct hv_conn *c, const char *name, struct mc_err *err)
{
	MC_AUTODOMAIN virDomainPtr d = NULL;

	if (hv_dom_get(c, name, &d, err) < 0)
		return -1;
	if (virDomainCreate(d) < 0)
		return hv_dom_err(err, name, "start it");
	return 0;
}

int
hv_domain_shutdown(struct hv_conn *c, const char *name, struct mc_err *err)
{
	MC_AUTODOMAIN virDomainPtr d = NULL;

	if (hv_dom_get(c, name, &d, err) < 0)
		return -1;
	if (virDomainShutdownFlags(d, VIR_DOMAIN_SHUTDOWN_ACPI_POWER_BTN) < 0)
		return hv_dom_err(err, name, "shut it down");
	return 0;
}

int
hv_domain_destroy(struct hv_conn *c, const char *name, struct mc_err *err)
{
	MC_AUTODOMAIN virDomainPtr d = NULL;
	int			rc;

	if ((rc = hv_dom_find(c, name, &d, err)) <= 0)
		return rc;
	if (virDomainIsActive(d) == 0)
		return 0;
	if (virDomainDestroy(d) == 0)
		return 0;
	/* It may have stopped, or gone, since we looked. */
	rc = virGetLastErrorCode();
	if (rc == VIR_ERR_OPERATION_INVALID || rc == VIR_ERR_NO_DOMAIN) {
		virResetLastError();
		return 0;
	}
	return hv_dom_err(err, name, "destroy it");
}

int
hv_domain_reboot(struct hv_conn *c, const char *name, bool hard,
    struct mc_err *err)
{
	MC_AUTODOMAIN virDomainPtr d = NULL;

	if (hv_dom_get(c, name, &d, err) < 0)
		return -1;
	if (hard) {
		if (virDomainReset(d, 0) < 0)
			return hv_dom_err(err, name, "reset it");
		return 0;
	}
	/*
	 * libvirt presses the power button and, when the guest powers
	 * off, starts it again instead of stopping it (a "fake reboot").
	 */
	if (virDomainReboot(d, VIR_DOMAIN_REBOOT_ACPI_POWER_BTN) < 0)
		return hv_dom_err(err, name, "reboot it");
	return 0;
}

int
hv_domain_undefine(struct hv_conn *c, const char *name, struct mc_err *err)
{
	MC_AUTODOMAIN virDomainPtr d = NULL;
	int			rc;

	if ((rc = hv_dom_find(c, name, &d, err)) <= 0)
		return rc;
	/* Undefining a running domain would leave it running, transient. */
	if (virDomainIsActive(d) != 0)
		return mc_err_set(err, MC_EC_INTERNAL_ERROR,
		    "domain %s: cannot undefine it while it runs", name);
	if (virDomainUndefineFlags(d, UNDEFINE_FLAGS) == 0)
		return 0;
	if (virGetLastErrorCode() == VIR_ERR_NO_DOMAIN) {
		virResetLastError();
		return 0;
	}
	return hv_dom_err(err, name, "undefine it");
}

static enum hv_state
map_state(int st)
{
	if (st < 0 || (size_t)st >= MC_NELEMS(virt_states))
		return HV_STATE_OTHER;
	return virt_states[st];
}

int
hv_domain_state(struct hv_conn *c, const char *name, enum hv_state *ret,
    struct mc_err *err)
{
	MC_AUTODOMAIN virDomainPtr d = NULL;
	int			rc, st, reason;

	if ((rc = hv_dom_find(c, name, &d, err)) < 0)
		return -1;
	if (rc == 0) {
		*ret = HV_STATE_NONE;
		return 0;
	}
	if (virDomainGetState(d, &st, &reason, 0) == 0) {
		*ret = map_state(st);
		return 0;
	}
	if (virGetLastErrorCode() == VIR_ERR_NO_DOMAIN) {
		virResetLastError();
		*ret = HV_STATE_NONE;
		return 0;
	}
	return hv_dom_err(err, name, "read its state");
}

int
hv_domain_xml(struct hv_conn *c, const char *name, char **ret_xml,
    struct mc_err *err)
{
	MC_AUTODOMAIN virDomainPtr d = NULL;
	char			*xml;

	if (hv_dom_get(c, name, &d, err) < 0)
		return -1;
	if ((xml = virDomainGetXMLDesc(d, 0)) == NULL)
		return hv_dom_err(err, name, "read its XML");
	*ret_xml = xml;
	return 0;
}

/*
 * Fill *ret for d.  Returns 1 when d is minicloud's, 0 when it is not
 * or is gone (err untouched), -1 with err set.
 */
static int
dom_info(virDomainPtr d, struct hv_domain_info *ret, struct mc_err *err)
{
	MC_AUTOFREE char	*xml = virDomainGetXMLDesc(d, 0);
	const char		*name = virDomainGetName(d);
	int			 rc, st, reason;

	if (name == NULL)
		name = "?";
	if (xml == NULL || virDomainGetState(d, &st, &reason, 0) < 0) {
		if (virGetLastErrorCode() != VIR_ERR_NO_DOMAIN)
			return hv_dom_err(err, name, "read it");
		virResetLastError();
		return 0;
	}
	if ((rc = hv_xml_parse_meta(xml, &ret->meta, err)) <= 0)
		return rc;
	ret->state = map_state(st);
	return 1;
}

static void
domains_free(virDomainPtr *doms, int n)
{
	int i;

	for (i = 0; i < n; i++)
		(void)virDomainFree(doms[i]);
	free(doms);
}

int
hv_domain_list(struct hv_conn *c, struct hv_domain_info **ret,
    size_t *ret_n, struct mc_err *err)
{
	virDomainPtr			*doms = NULL;
	MC_AUTOFREE struct hv_domain_info *out = NULL;
	size_t				 n = 0;
	int				 n_doms, i, rc = 0;

	if ((n_doms = virConnectListAllDomains(hv_conn_virt(c), &doms, 0)) < 0)
		return mc_err_set(err, MC_EC_INTERNAL_ERROR,
		    "cannot list domains: %s", virGetLastErrorMessage());
	if (n_doms > 0 && (out = calloc((size_t)n_doms, sizeof(*out))) == NULL)
		rc = mc_err_sys(err, errno, "out of memory");
	for (i = 0; rc == 0 && i < n_doms; i++) {
		if ((rc = dom_info(doms[i], &out[n], err)) == 1)
			n++;
		rc = rc < 0 ? -1 : 0;
	}
	domains_free(doms, n_doms);
	if (rc < 0)
		return -1;
	if (n == 0)
		free(mc_steal_ptr(&out));
	*ret = mc_steal_ptr(&out);
	*ret_n = n;
	return 0;
}

const char *
hv_state_name(enum hv_state s)
{
	return (unsigned)s < HV_STATE__MAX ? state_names[s] : "?";
}
