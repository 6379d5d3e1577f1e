/*
 * ctl_vol_rules: volume types as one table (the ranges of the current
 * EC2 model), device names, and the attachment state table.
 */
#include <stdio.h>
#include <string.h>

#include "mc_cleanup.h"
#include "mc_err.h"
#include "mc_proto.h"
#include "ctl_vol_rules.h"

#define GP2_IOPS_PER_GIB	3	/* gp2's baseline */
#define GP2_IOPS_MIN		100
#define GP2_IOPS_MAX		16000
#define GP3_TPUT_MIN		125	/* MiB/s, also the default */
#define GP3_TPUT_MAX		2000
#define GP3_IOPS_PER_TPUT	4	/* 0.25 MiB/s per IOPS */

/*
 * One row per type.  Provisioned IOPS: a range, a most per GiB (checked
 * above the default, which every size gets), required or not.
 */
static const struct {
	const char	*name;
	long long	 min_gib, max_gib;
	long long	 iops_min, iops_max;	/* 0: none to provision */
	long long	 iops_per_gib;
	long long	 iops_default;
	bool		 iops_required;
	bool		 throughput;		/* provisioned MiB/s */
} types[CTL_VT__MAX] = {
	[CTL_VT_STANDARD] = { "standard", 1, 1024, 0, 0, 0, 0, false, false },
	[CTL_VT_IO1] = { "io1", 4, 16384, 100, 64000, 50, 0, true, false },
	[CTL_VT_IO2] = { "io2", 4, 65536, 100, 256000, 1000, 0, true, false },
	[CTL_VT_GP2] = { "gp2", 1, 16384, 0, 0, 0, 0, false, false },
	[CTL_VT_SC1] = { "sc1", 125, 16384, 0, 0, 0, 0, false, false },
	[CTL_VT_ST1] = { "st1", 125, 16384, 0, 0, 0, 0, false, false },
	[CTL_VT_GP3] = { "gp3", 1, 65536, 3000, 80000, 500, 3000, false, true },
};

const char *
ctl_vol_type_name(enum ctl_vol_type t)
{
	return t < CTL_VT__MAX ? types[t].name : "";
}

int
ctl_vol_type_parse(const char *s)
{
	size_t i;

	for (i = 0; s != NULL && i < CTL_VT__MAX; i++)
		if (strcmp(types[i].name, s) == 0)
			return (int)i;
	return -1;
}

static int
size_check(const struct ctl_vol_spec *s, struct mc_err *err)
{
	if (s->size_gib < types[s->type].min_gib)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE, "Volume "
		    "of %lldGiB is too small; minimum is %lldGiB.", s->size_gib,
		    types[s->type].min_gib);
	if (s->size_gib > types[s->type].max_gib)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE, "Volume "
		    "of %lldGiB is too large for volume type %s; maximum is "
		    "%lldGiB.", s->size_gib, types[s->type].name,
		    types[s->type].max_gib);
	return 0;
}

/* gp2's IOPS follow its size; others without provisioned IOPS have none. */
static int
iops_check(struct ctl_vol_spec *s, struct mc_err *err)
{
	long long lo = types[s->type].iops_min, hi = types[s->type].iops_max;
	long long per = types[s->type].iops_per_gib;

	if (hi == 0 && s->iops >= 0)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_COMBINATION, "The "
		    "parameter iops is not supported for %s volumes.",
		    types[s->type].name);
	if (hi == 0) {
		s->iops = s->type != CTL_VT_GP2 ? 0 :
		    s->size_gib * GP2_IOPS_PER_GIB;
		if (s->type == CTL_VT_GP2 && s->iops < GP2_IOPS_MIN)
			s->iops = GP2_IOPS_MIN;
		if (s->iops > GP2_IOPS_MAX)
			s->iops = GP2_IOPS_MAX;
		return 0;
	}
	if (s->iops < 0 && types[s->type].iops_required)
		return mc_err_set(err, MC_EC_MISSING_PARAMETER, "The parameter "
		    "iops must be specified for %s volumes.",
		    types[s->type].name);
	if (s->iops < 0)
		s->iops = types[s->type].iops_default;
	if (s->iops < lo || s->iops > hi)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE, "Volume "
		    "iops of %lld is too %s; %s is %lld.", s->iops,
		    s->iops < lo ? "low" : "high", s->iops < lo ? "minimum" :
		    "maximum", s->iops < lo ? lo : hi);
	if (s->iops > types[s->type].iops_default && s->iops > per * s->size_gib)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE, "Iops to "
		    "volume size ratio of %lld is too high; maximum is %lld "
		    "for %s volumes.", s->iops / s->size_gib, per,
		    types[s->type].name);
	return 0;
}

static int
throughput_check(struct ctl_vol_spec *s, struct mc_err *err)
{
	if (!types[s->type].throughput) {
		if (s->throughput >= 0)
			return mc_err_set(err, MC_EC_INVALID_PARAMETER_COMBINATION,
			    "The parameter throughput is not supported for %s "
			    "volumes.", types[s->type].name);
		s->throughput = 0;
		return 0;
	}
	if (s->throughput < 0)
		s->throughput = GP3_TPUT_MIN;
	if (s->throughput < GP3_TPUT_MIN || s->throughput > GP3_TPUT_MAX)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE, "Throughput "
		    "of %lld MiB/s is out of range; it must be between %d and "
		    "%d.", s->throughput, GP3_TPUT_MIN, GP3_TPUT_MAX);
	if (s->throughput > GP3_TPUT_MIN &&
	    s->throughput * GP3_IOPS_PER_TPUT > s->iops)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE, "Throughput "
		    "of %lld MiB/s is too high for %lld IOPS; the maximum is "
		    "0.25 MiB/s per IOPS.", s->throughput, s->iops);
	return 0;
}

int
ctl_vol_spec_check(struct ctl_vol_spec *s, struct mc_err *err)
{
	if (s->type >= CTL_VT__MAX)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "Unknown volume type");
	if (size_check(s, err) < 0 || iops_check(s, err) < 0 ||
	    throughput_check(s, err) < 0)
		return -1;
	return 0;
}

int
ctl_vol_spec_modify(const struct ctl_vol_spec *old, struct ctl_vol_spec *want,
    struct mc_err *err)
{
	if (want->size_gib < old->size_gib)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE, "New size "
		    "cannot be smaller than existing size (%lldGiB < %lldGiB).",
		    want->size_gib, old->size_gib);
	/* The old type's numbers still hold; gp2's follow the size. */
	if (want->type == old->type && want->type != CTL_VT_GP2) {
		if (want->iops < 0 && types[old->type].iops_max > 0)
			want->iops = old->iops;
		if (want->throughput < 0 && types[old->type].throughput)
			want->throughput = old->throughput;
	}
	return ctl_vol_spec_check(want, err);
}

/* The letters of a device's disk ("f" of /dev/xvdf1); false if none. */
static bool
disk_letters(const char *dev, char ret[3])
{
	static const char *const stems[] = { "/dev/sd", "/dev/xvd", "/dev/vd" };
	size_t i, n;

	if (!mc_proto_device_ok(dev))
		return false;
	for (i = 0; i < MC_NELEMS(stems); i++) {
		if (strncmp(dev, stems[i], strlen(stems[i])) != 0)
			continue;
		dev += strlen(stems[i]);
		n = strspn(dev, "abcdefghijklmnopqrstuvwxyz");
		memcpy(ret, dev, n);
		ret[n] = '\0';
		return n > 0 && n < 3;
	}
	return false;
}

bool
ctl_vol_device_ok(const char *dev)
{
	char letters[3];

	return dev != NULL && strlen(dev) <= MC_PROTO_DEVICE_MAX &&
	    disk_letters(dev, letters);
}

bool
ctl_vol_device_same(const char *a, const char *b)
{
	char la[3], lb[3];

	if (strcmp(a, b) == 0)
		return true;
	return disk_letters(a, la) && disk_letters(b, lb) &&
	    strcmp(la, lb) == 0;
}

int
ctl_vol_device_check(const char *dev, const char *root,
    const char *const *used, size_t n_used, struct mc_err *err)
{
	size_t i;

	if (!ctl_vol_device_ok(dev))
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE, "Value "
		    "(%.64s) for parameter device is invalid. %.64s is not a "
		    "valid EBS device name.", dev != NULL ? dev : "",
		    dev != NULL ? dev : "");
	for (i = 0; i <= n_used; i++) {
		const char *other = i < n_used ? used[i] : root;

		if (other != NULL && ctl_vol_device_same(dev, other))
			return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
			    "Invalid value '%s' for unixDevice. Attachment "
			    "point %s is already in use", dev, dev);
	}
	if (n_used >= CTL_VOL_ATTACH_MAX)
		return mc_err_set(err, MC_EC_ATTACHMENT_LIMIT_EXCEEDED, "The "
		    "instance has the most volumes it can have attached (%d)",
		    CTL_VOL_ATTACH_MAX);
	return 0;
}

static const char *const astate_names[CTL_VA__MAX] = {
	[CTL_VA_ATTACHING] = "attaching",
	[CTL_VA_ATTACHED] = "attached",
	[CTL_VA_DETACHING] = "detaching",
	[CTL_VA_DETACHED] = "detached",
};

const char *
ctl_vol_astate_name(enum ctl_vol_astate s)
{
	return s < CTL_VA__MAX ? astate_names[s] : "";
}

int
ctl_vol_astate_parse(const char *s)
{
	size_t i;

	for (i = 0; s != NULL && i < CTL_VA__MAX; i++)
		if (strcmp(astate_names[i], s) == 0)
			return (int)i;
	return -1;
}

/*
 * Rows: the state; columns: what is known of the domain.  An attachment
 * becomes attached once the domain has the disk (or there is no domain:
 * the next one is defined with it), and goes once the domain lost it.
 */
static const enum ctl_vol_astate next[CTL_VA__MAX][CTL_VS__MAX] = {
	[CTL_VA_ATTACHING] = { CTL_VA_ATTACHED, CTL_VA_ATTACHING,
	    CTL_VA_ATTACHED },
	[CTL_VA_ATTACHED] = { CTL_VA_ATTACHED, CTL_VA_ATTACHED,
	    CTL_VA_ATTACHED },
	[CTL_VA_DETACHING] = { CTL_VA_DETACHING, CTL_VA_DETACHED,
	    CTL_VA_DETACHED },
	[CTL_VA_DETACHED] = { CTL_VA_DETACHED, CTL_VA_DETACHED,
	    CTL_VA_DETACHED },
};

enum ctl_vol_astate
ctl_vol_astate_next(enum ctl_vol_astate s, enum ctl_vol_seen seen)
{
	if (s >= CTL_VA__MAX || seen >= CTL_VS__MAX)
		return s;
	return next[s][seen];
}

bool
ctl_vol_astate_wanted(enum ctl_vol_astate s)
{
	return s == CTL_VA_ATTACHING || s == CTL_VA_ATTACHED;
}
