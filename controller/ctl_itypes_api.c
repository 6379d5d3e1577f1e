/*
 * ctl_itypes_api: DescribeInstanceTypes, answered from the catalog with
 * EC2's filters and paging.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_cleanup.h"
#include "mc_err.h"
#include "ctl_api.h"
#include "ctl_filter.h"
#include "ctl_itypes.h"
#include "ctl_page.h"
#include "ctl_params.h"
#include "ctl_xml.h"

static const struct ctl_page_rules paging = { 5, 100, 100 };

enum field {
	F_NAME, F_CURRENT, F_FREE_TIER, F_BURSTABLE, F_VCPUS, F_CORES,
	F_THREADS, F_MEM, F_ARCH, F_ROOT, F_VIRT, F_USAGE, F_BOOT, F_FALSE,
};

/* The filters DescribeInstanceTypes accepts and the field each reads. */
static const struct ctl_filter_def filters[] = {
	{ "instance-type",			F_NAME },
	{ "current-generation",			F_CURRENT },
	{ "free-tier-eligible",			F_FREE_TIER },
	{ "burstable-performance-supported",	F_BURSTABLE },
	{ "vcpu-info.default-vcpus",		F_VCPUS },
	{ "vcpu-info.default-cores",		F_CORES },
	{ "vcpu-info.default-threads-per-core",	F_THREADS },
	{ "memory-info.size-in-mib",		F_MEM },
	{ "processor-info.supported-architecture", F_ARCH },
	{ "supported-root-device-type",		F_ROOT },
	{ "supported-virtualization-type",	F_VIRT },
	{ "supported-usage-class",		F_USAGE },
	{ "supported-boot-mode",		F_BOOT },
	{ "bare-metal",				F_FALSE },
	{ "hibernation-supported",		F_FALSE },
	{ "instance-storage-supported",		F_FALSE },
	{ "network-info.ipv6-supported",	F_FALSE },
	{ "dedicated-hosts-supported",		F_FALSE },
	{ "auto-recovery-supported",		F_FALSE },
};

static const char *
tf(bool b)
{
	return b ? "true" : "false";
}

static void
itype_values(const void *res, const struct ctl_filter *f,
    struct ctl_fvals *fv)
{
	const struct ctl_itype *t = res;

	switch ((enum field)f->field) {
	case F_NAME:		ctl_fvals_add(fv, t->name); break;
	case F_CURRENT:		ctl_fvals_add(fv, tf(t->current)); break;
	case F_FREE_TIER:	ctl_fvals_add(fv, tf(t->free_tier)); break;
	case F_BURSTABLE:	ctl_fvals_add(fv, tf(t->burstable)); break;
	case F_VCPUS:		/* FALLTHROUGH: one core per vCPU */
	case F_CORES:		ctl_fvals_addf(fv, "%u", t->vcpus); break;
	case F_THREADS:		ctl_fvals_add(fv, "1"); break;
	case F_MEM:		ctl_fvals_addf(fv, "%u", t->mem_mib); break;
	case F_ARCH:		ctl_fvals_add(fv, "x86_64"); break;
	case F_ROOT:		ctl_fvals_add(fv, "ebs"); break;
	case F_VIRT:		ctl_fvals_add(fv, "hvm"); break;
	case F_USAGE:		ctl_fvals_add(fv, "on-demand"); break;
	case F_BOOT:		ctl_fvals_add(fv, "legacy-bios"); break;
	case F_FALSE:		ctl_fvals_add(fv, "false"); break;
	}
}

static void
xml_list1(struct ctl_xml *x, const char *name, const char *item)
{
	ctl_xml_open(x, name);
	ctl_xml_str(x, "item", item);
	ctl_xml_close(x);
}

/*
 * One InstanceTypeInfo.  Guests see one core per vCPU and no SMT, which
 * is what the libvirt driver configures.
 */
static void
itype_xml(struct ctl_xml *x, const struct ctl_itype *t)
{
	ctl_xml_open(x, "item");
	ctl_xml_str(x, "instanceType", t->name);
	ctl_xml_bool(x, "currentGeneration", t->current);
	ctl_xml_bool(x, "freeTierEligible", t->free_tier);
	xml_list1(x, "supportedUsageClasses", "on-demand");
	xml_list1(x, "supportedRootDeviceTypes", "ebs");
	xml_list1(x, "supportedVirtualizationTypes", "hvm");
	ctl_xml_bool(x, "bareMetal", false);
	ctl_xml_open(x, "processorInfo");
	xml_list1(x, "supportedArchitectures", "x86_64");
	ctl_xml_close(x);
	ctl_xml_open(x, "vCpuInfo");
	ctl_xml_int(x, "defaultVCpus", t->vcpus);
	ctl_xml_int(x, "defaultCores", t->vcpus);
	ctl_xml_int(x, "defaultThreadsPerCore", 1);
	ctl_xml_close(x);
	ctl_xml_open(x, "memoryInfo");
	ctl_xml_int(x, "sizeInMiB", t->mem_mib);
	ctl_xml_close(x);
	ctl_xml_bool(x, "instanceStorageSupported", false);
	ctl_xml_open(x, "networkInfo");
	ctl_xml_int(x, "maximumNetworkInterfaces", 1);
	ctl_xml_int(x, "ipv4AddressesPerInterface", 1);
	ctl_xml_int(x, "ipv6AddressesPerInterface", 0);
	ctl_xml_bool(x, "ipv6Supported", false);
	ctl_xml_close(x);
	ctl_xml_bool(x, "hibernationSupported", false);
	ctl_xml_bool(x, "burstablePerformanceSupported", t->burstable);
	ctl_xml_bool(x, "dedicatedHostsSupported", false);
	ctl_xml_bool(x, "autoRecoverySupported", false);
	xml_list1(x, "supportedBootModes", "legacy-bios");
	ctl_xml_close(x);
}

static bool
known_type(const void *ctx, const char *name)
{
	return ctl_itypes_find(ctx, name) != NULL;
}

/* Write the page of the catalog that the request selects. */
static void
write_page(const struct ctl_itypes *cat, const char **names, size_t n_names,
    const struct ctl_filters *f, const struct ctl_page *page,
    struct ctl_xml *out)
{
	char	token[CTL_PAGE_TOKEN_MAX];
	size_t	i, shown = 0;
	const struct ctl_itype *last = NULL;

	token[0] = '\0';
	ctl_xml_open(out, "instanceTypeSet");
	for (i = 0; i < cat->n; i++) {
		const struct ctl_itype *t = &cat->v[i];

		if (!ctl_params_selects(names, n_names, t->name) ||
		    !ctl_page_after(page, t->name) ||
		    !ctl_filters_match(f, itype_values, t))
			continue;
		if (shown == page->max) {
			ctl_page_token(last->name, token, sizeof(token));
			break;
		}
		itype_xml(out, t);
		last = t;
		shown++;
	}
	ctl_xml_close(out);
	if (token[0] != '\0')
		ctl_xml_str(out, "nextToken", token);
}

int
ctl_itypes_describe(const struct ctl_req *req, struct ctl_xml *out,
    struct mc_err *err)
{
	MC_AUTOFREE const char	**names = NULL;
	struct ctl_filters	  f = { NULL, 0 };
	struct ctl_page		  page;
	size_t			  n_names = 0;

	if (ctl_params_strlist(req->params, "InstanceType", &names, &n_names,
	    err) < 0 ||
	    ctl_params_all_known(names, n_names, known_type, req->api->itypes,
	    MC_EC_INVALID_INSTANCE_TYPE, "The following supplied instance "
	    "types do not exist: ", err) < 0 ||
	    ctl_page_parse(req->params, &paging, false, &page, err) < 0 ||
	    ctl_filters_parse(req->params, filters, MC_NELEMS(filters), &f, err) < 0)
		return -1;
	if (ctl_req_dry_run(req, err) < 0) {
		ctl_filters_clear(&f);
		return -1;
	}
	write_page(req->api->itypes, names, n_names, &f, &page, out);
	ctl_filters_clear(&f);
	return 0;
}
