/*
 * hv_domain: an instance's libvirt domain through its life: define
 * (create or replace the persistent definition from a spec), start,
 * ACPI shutdown, hard stop, reboot, undefine; its state; the domains
 * minicloud made on this host; volumes attached and detached, cold
 * (the definition) and hot (the running guest) (hv_domain_disk.c).
 * Each call is one bounded libvirt call (or a read and one call); the
 * agent's reconcile loop decides what to call and when.
 *
 * For every call: c and name are borrowed; name must be an instance id
 * (else InvalidInstanceID.Malformed: no other domain is touched).  Each
 * returns 0, or -1 with err set to InternalError and libvirt's message
 * naming the domain ("domain i-...: cannot start it: ..."); libvirt's
 * messages can name host paths, so they are for the log, not for EC2
 * clients.  A missing domain is an error unless the call says not.
 */
#ifndef HV_DOMAIN_H
#define HV_DOMAIN_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#include "hv_spec.h"
#include "hv_xml.h"

struct mc_err;
struct hv_conn;

enum hv_state {
	HV_STATE_NONE,		/* no such domain */
	HV_STATE_SHUTOFF,	/* defined, not running */
	HV_STATE_RUNNING,
	HV_STATE_SHUTDOWN,	/* running, shutting down */
	HV_STATE_PAUSED,
	HV_STATE_CRASHED,
	HV_STATE_OTHER,
	HV_STATE__MAX
};

/* One domain that carries minicloud's metadata. */
struct hv_domain_info {
	struct hv_meta	meta;
	enum hv_state	state;
};

/*
 * Define (or redefine) the persistent domain for spec (borrowed); also
 * fails with hv_spec_check's errors, and where libvirt's schema or
 * checks reject the XML.
 */
int	hv_domain_define(struct hv_conn *c, const struct hv_spec *spec,
	    struct mc_err *err);

/* Start the defined domain name (an instance id). */
int	hv_domain_start(struct hv_conn *c, const char *name,
	    struct mc_err *err);

/* Ask the guest to power off (ACPI power button); returns at once. */
int	hv_domain_shutdown(struct hv_conn *c, const char *name,
	    struct mc_err *err);

/*
 * Stop it now (pull the plug).  A domain already off, or none, is not
 * an error.
 */
int	hv_domain_destroy(struct hv_conn *c, const char *name,
	    struct mc_err *err);

/* Reboot: ACPI, the guest restarts itself; hard reset if hard is set. */
int	hv_domain_reboot(struct hv_conn *c, const char *name, bool hard,
	    struct mc_err *err);

/*
 * Remove the definition (the domain must be off: a running one is an
 * error).  None is not an error.
 */
int	hv_domain_undefine(struct hv_conn *c, const char *name,
	    struct mc_err *err);

/* The domain's state into *ret; HV_STATE_NONE when it does not exist. */
int	hv_domain_state(struct hv_conn *c, const char *name,
	    enum hv_state *ret, struct mc_err *err);

/*
 * The live (or defined) XML of domain name, for `minicloud explain`.
 * *ret_xml is a new string the caller frees with free().
 */
int	hv_domain_xml(struct hv_conn *c, const char *name, char **ret_xml,
	    struct mc_err *err);

/*
 * Every domain on the connection that carries minicloud's metadata
 * (others are left alone; one that vanishes meanwhile is skipped).  *ret
 * is a new array the caller frees (NULL when none), *ret_n its length.
 * A domain with our namespace but unreadable metadata is an error (from
 * hv_xml_parse_meta), not skipped: it needs a human.
 */
int	hv_domain_list(struct hv_conn *c, struct hv_domain_info **ret,
	    size_t *ret_n, struct mc_err *err);

/*
 * Attach disk (borrowed; checked as hv_disk_check does) to domain name:
 * to its definition, and while it runs to the guest too (hot plug).
 * Idempotent: where the same disk (target, serial, source) is there
 * already, nothing is done.  Another disk at its target, or its serial
 * on another disk, is an error (InternalError: "... is taken").
 */
int	hv_domain_disk_attach(struct hv_conn *c, const char *name,
	    const struct hv_disk *disk, struct mc_err *err);

#define HV_DETACH_PENDING	1	/* hv_domain_disk_detach: asked */

/*
 * Detach the extra disk of domain name whose target or serial is which
 * (borrowed): from the definition and, while the domain runs, from the
 * guest.  A hot unplug is asynchronous: it asks the guest (ACPI), which
 * must let go; a booted Linux guest takes well under a second, a guest
 * without ACPI hotplug never does, and a request made while the guest
 * is still in its firmware (booting, rebooting) is lost.  So this
 * returns at once, and the caller polls by calling it again, which
 * repeats the request.  Returns 0 when the disk is gone from both (or
 * never was there: idempotent), HV_DETACH_PENDING when the running
 * guest still has it, or -1 with err set.  Works on the disks
 * hv_xml_disk writes (alias "ua-" + serial).  "Gone" is libvirt's
 * view: QEMU may close the file a moment later, so attaching it again
 * at once (here or elsewhere) can fail on QEMU's image lock: try again.
 */
int	hv_domain_disk_detach(struct hv_conn *c, const char *name,
	    const char *which, struct mc_err *err);

#define HV_RESIZE_OFFLINE	1	/* hv_domain_disk_resize: not running */

/*
 * Grow the extra disk which (target or serial) of running domain name
 * to bytes, through QEMU (which holds the image; the guest sees the new
 * size at once).  Returns 0, HV_RESIZE_OFFLINE when the domain does not
 * run (grow the image itself then), or -1 with err set.
 */
int	hv_domain_disk_resize(struct hv_conn *c, const char *name,
	    const char *which, uint64_t bytes, struct mc_err *err);

/*
 * The extra disks domain name has now: those of the running guest
 * (live XML) while it runs, else those of its definition; see
 * hv_xml_parse_disks.  *ret is a new array the caller frees (NULL when
 * none), *ret_n its length.
 */
int	hv_domain_disks(struct hv_conn *c, const char *name,
	    struct hv_disk **ret, size_t *ret_n, struct mc_err *err);

/* "running", "shutoff", ... (a static string; "?" out of range). */
const char	*hv_state_name(enum hv_state s);

#endif /* HV_DOMAIN_H */
