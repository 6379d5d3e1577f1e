/*
 * hv_backup: live disk copies with virDomainBackupBegin (push mode, a
 * full backup), followed with virDomainGetJobStats and stopped with
 * virDomainAbortJob.  libvirt keeps the stats of the last job finished
 * when asked to (KEEP_COMPLETED), which is what makes polling
 * repeatable.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "mc_buf.h"
#include "mc_cleanup.h"
#include "mc_err.h"
#include "hv_backup.h"
#include "hv_conn.h"
#include "hv_domain.h"
#include "hv_domain_priv.h"

#define XML_MAX		(64 * 1024)
#define ROOT_TARGET	"vda"	/* hv_xml's root disk, not in hv_disk lists */

/* Safe inside a quoted XML attribute, and absolute. */
static bool
path_ok(const char *path)
{
	const char *p;

	if (path == NULL || path[0] != '/')
		return false;
	for (p = path; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || strchr("'\"<>&", *p) != NULL)
			return false;
	return true;
}

int
hv_backup_xml(const char *const targets[], size_t n, const char *target,
    const char *path, char **ret_xml, struct mc_err *err)
{
	struct mc_buf	b;
	bool		found = false;
	size_t		i;

	if (!path_ok(path))
		return mc_err_set(err, MC_EC_INTERNAL_ERROR, "bad backup path");
	mc_buf_init(&b, XML_MAX);
	mc_buf_addf(&b, "<domainbackup mode='push'>\n  <disks>\n");
	for (i = 0; i < n; i++) {
		if (strcmp(targets[i], target) != 0) {
			mc_buf_addf(&b, "    <disk name='%s' backup='no'/>\n",
			    targets[i]);
			continue;
		}
		found = true;
		mc_buf_addf(&b, "    <disk name='%s' backup='yes' type='file'>\n"
		    "      <driver type='qcow2'/>\n"
		    "      <target file='%s'/>\n    </disk>\n", targets[i], path);
	}
	mc_buf_addf(&b, "  </disks>\n</domainbackup>\n");
	if (!found || b.failed) {
		mc_buf_clear(&b);
		return mc_err_set(err, MC_EC_INTERNAL_ERROR, found ?
		    "out of memory" : "no disk %.16s to back up", target);
	}
	*ret_xml = mc_buf_steal(&b, NULL);
	return 0;
}

/* The <domainbackup> for domain name's disks as they are now. */
static int
xml_for(struct hv_conn *c, const char *name, const char *target,
    const char *path, char **ret_xml, struct mc_err *err)
{
	MC_AUTOFREE struct hv_disk	*disks = NULL;
	MC_AUTOFREE const char		**targets = NULL;
	size_t				 n = 0, i;

	if (hv_domain_disks(c, name, &disks, &n, err) < 0)
		return -1;
	if ((targets = calloc(n + 1, sizeof(*targets))) == NULL)
		return mc_err_sys(err, ENOMEM, "out of memory");
	targets[0] = ROOT_TARGET;
	for (i = 0; i < n; i++)
		targets[i + 1] = disks[i].target;
	/* Its own message lacks the domain's name: this one has it. */
	if (hv_backup_xml(targets, n + 1, target, path, ret_xml, NULL) < 0)
		return mc_err_set(err, MC_EC_INTERNAL_ERROR, "domain %s: no "
		    "disk %.16s to back up, or a bad path", name, target);
	return 0;
}

int
hv_backup_begin(struct hv_conn *c, const char *name, const char *target,
    const char *path, struct mc_err *err)
{
	MC_AUTODOMAIN virDomainPtr	 d = NULL;
	MC_AUTOFREE char		*xml = NULL;

	if (hv_dom_get(c, name, &d, err) < 0 ||
	    xml_for(c, name, target, path, &xml, err) < 0)
		return -1;
	if (virDomainBackupBegin(d, xml, NULL, 0) < 0)
		return hv_dom_err(err, name, "begin a backup");
	return 0;
}

/* A numeric field of a job's stats, or 0. */
static unsigned long long
stat_ull(virTypedParameterPtr p, int n, const char *field)
{
	unsigned long long v = 0;

	return virTypedParamsGetULLong(p, n, field, &v) == 1 ? v : 0;
}

/* Fill *ret from one answer of virDomainGetJobStats. */
static void
status_of(int type, virTypedParameterPtr p, int n, struct hv_backup_status *ret)
{
	unsigned long long	 total, done;
	const char		*msg = NULL;
	int			 op = -1;

	memset(ret, 0, sizeof(*ret));
	(void)virTypedParamsGetInt(p, n, VIR_DOMAIN_JOB_OPERATION, &op);
	if (op != VIR_DOMAIN_JOB_OPERATION_BACKUP)
		return;		/* none, or another kind of job */
	total = stat_ull(p, n, VIR_DOMAIN_JOB_DISK_TOTAL);
	done = stat_ull(p, n, VIR_DOMAIN_JOB_DISK_PROCESSED);
	if (total > 0)
		ret->percent = done >= total ? 100 : (unsigned)(done * 100 / total);
	switch (type) {
	case VIR_DOMAIN_JOB_BOUNDED:
	case VIR_DOMAIN_JOB_UNBOUNDED:
		ret->state = HV_BACKUP_RUNNING;
		break;
	case VIR_DOMAIN_JOB_COMPLETED:
		ret->state = HV_BACKUP_DONE;
		ret->percent = 100;
		break;
	case VIR_DOMAIN_JOB_FAILED:
	case VIR_DOMAIN_JOB_CANCELLED:
		ret->state = HV_BACKUP_FAILED;
		(void)virTypedParamsGetString(p, n, VIR_DOMAIN_JOB_ERRMSG, &msg);
		(void)snprintf(ret->why, sizeof(ret->why), "%s", msg != NULL ?
		    msg : type == VIR_DOMAIN_JOB_CANCELLED ? "aborted" :
		    "the backup job failed");
		break;
	default:
		break;
	}
}

/* The stats of the running job, or (completed) of the last one. */
static int
job_stats(virDomainPtr d, const char *name, bool completed,
    struct hv_backup_status *ret, struct mc_err *err)
{
	virTypedParameterPtr	p = NULL;
	int			n = 0, type = VIR_DOMAIN_JOB_NONE;
	unsigned int		flags = completed ?
	    VIR_DOMAIN_JOB_STATS_COMPLETED | VIR_DOMAIN_JOB_STATS_KEEP_COMPLETED :
	    0;

	if (virDomainGetJobStats(d, &type, &p, &n, flags) < 0) {
		/* A domain that is off has no job, and says so this way. */
		if (virDomainIsActive(d) == 0) {
			memset(ret, 0, sizeof(*ret));
			return 0;
		}
		return hv_dom_err(err, name, "read its job");
	}
	status_of(type, p, n, ret);
	virTypedParamsFree(p, n);
	return 0;
}

int
hv_backup_poll(struct hv_conn *c, const char *name,
    struct hv_backup_status *ret, struct mc_err *err)
{
	MC_AUTODOMAIN virDomainPtr	d = NULL;
	struct hv_backup_status		st;

	if (hv_dom_get(c, name, &d, err) < 0 ||
	    job_stats(d, name, false, &st, err) < 0)
		return -1;
	if (st.state == HV_BACKUP_NONE && job_stats(d, name, true, &st,
	    err) < 0)
		return -1;
	*ret = st;
	return 0;
}

int
hv_backup_abort(struct hv_conn *c, const char *name, struct mc_err *err)
{
	MC_AUTODOMAIN virDomainPtr	d = NULL;
	struct hv_backup_status		st;
	int				rc;

	if ((rc = hv_dom_find(c, name, &d, err)) <= 0)
		return rc;
	if (job_stats(d, name, false, &st, err) < 0)
		return -1;
	if (st.state != HV_BACKUP_RUNNING)
		return 0;
	/* It may end by itself between the two calls: not an error. */
	if (virDomainAbortJob(d) < 0 && job_stats(d, name, false, &st,
	    NULL) == 0 && st.state == HV_BACKUP_RUNNING)
		return hv_dom_err(err, name, "abort its backup");
	return 0;
}
