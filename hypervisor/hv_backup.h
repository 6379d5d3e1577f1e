/*
 * hv_backup: a live, crash-consistent copy of one disk of a running
 * domain, through libvirt's backup API in push mode: QEMU itself writes
 * a full (flattened, no backing file) qcow2 copy of the disk as it was
 * when the job began, while the guest runs on.  Start, poll and abort
 * are separate calls that return at once; the caller polls.  It copies
 * one disk per domain at a time (libvirt runs one job per domain).
 *
 * For every call: c and name are borrowed; name must be an instance id;
 * errors are InternalError naming the domain (libvirt's messages can
 * name host paths: log them, do not show them to EC2 clients).
 */
#ifndef HV_BACKUP_H
#define HV_BACKUP_H

#include <stdbool.h>
#include <stddef.h>

struct mc_err;
struct hv_conn;

enum hv_backup_state {
	HV_BACKUP_NONE,		/* no backup job known on the domain */
	HV_BACKUP_RUNNING,
	HV_BACKUP_DONE,		/* the copy is whole */
	HV_BACKUP_FAILED,	/* or aborted; see why */
	HV_BACKUP__MAX
};

/* Where a domain's backup job stands. */
struct hv_backup_status {
	enum hv_backup_state	state;
	unsigned		percent;	/* 0..100, of the bytes to copy */
	char			why[256];	/* FAILED: libvirt's reason */
};

/*
 * Begin copying disk target ("vda", "vdb"...) of running domain name
 * into a new qcow2 file at path (absolute; it must not exist: libvirt
 * makes it, and hands it to QEMU's user).  Every other disk is left
 * out.  Returns 0 once the job runs, or -1 with err set (no such
 * domain or disk, the domain is off, another job runs on it).
 */
int	hv_backup_begin(struct hv_conn *c, const char *name,
	    const char *target, const char *path, struct mc_err *err);

/*
 * Where the domain's backup job stands, into *ret: a running one, or
 * the last one finished (kept by libvirt until the next job, so this
 * may be asked again).  Returns 0, or -1 with err set (no such domain;
 * a domain that stopped has no job any more: NONE).
 */
int	hv_backup_poll(struct hv_conn *c, const char *name,
	    struct hv_backup_status *ret, struct mc_err *err);

/*
 * Abort the domain's running backup job; none running (or no domain
 * running) is not an error.  Returns 0, or -1 with err set.
 */
int	hv_backup_abort(struct hv_conn *c, const char *name,
	    struct mc_err *err);

/*
 * The <domainbackup> XML for copying target into path, given the
 * domain's disk targets (borrowed): target backed up, the others not.
 * *ret_xml is a new string the caller frees.  Returns 0, or -1 with
 * err set (target not among them, a path that is not absolute or holds
 * a quote, '<', '&' or a control character).
 */
int	hv_backup_xml(const char *const targets[], size_t n, const char *target,
	    const char *path, char **ret_xml, struct mc_err *err);

#endif /* HV_BACKUP_H */
