/*
 * ctl_itypes: the instance type catalog.  The built-in rows carry EC2's
 * published vCPU and memory figures for each name.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_conf.h"
#include "mc_err.h"
#include "ctl_itypes.h"

#define NAME_CHARS	"abcdefghijklmnopqrstuvwxyz0123456789.-"

/* name, vCPUs, MiB, current generation, free tier, burstable */
static const struct ctl_itype builtin[] = {
	{ "t2.nano",	1,  512,   false, false, true },
	{ "t2.micro",	1,  1024,  false, true,  true },
	{ "t2.small",	1,  2048,  false, false, true },
	{ "t2.medium",	2,  4096,  false, false, true },
	{ "t2.large",	2,  8192,  false, false, true },
	{ "t3.nano",	2,  512,   true,  false, true },
	{ "t3.micro",	2,  1024,  true,  true,  true },
	{ "t3.small",	2,  2048,  true,  false, true },
	{ "t3.medium",	2,  4096,  true,  false, true },
	{ "t3.large",	2,  8192,  true,  false, true },
	{ "t3.xlarge",	4,  16384, true,  false, true },
	{ "t3.2xlarge",	8,  32768, true,  false, true },
	{ "m5.large",	2,  8192,  true,  false, false },
	{ "m5.xlarge",	4,  16384, true,  false, false },
	{ "m5.2xlarge",	8,  32768, true,  false, false },
	{ "c5.large",	2,  4096,  true,  false, false },
	{ "c5.xlarge",	4,  8192,  true,  false, false },
	{ "c5.2xlarge",	8,  16384, true,  false, false },
	{ "r5.large",	2,  16384, true,  false, false },
	{ "r5.xlarge",	4,  32768, true,  false, false },
	{ "r5.2xlarge",	8,  65536, true,  false, false },
};

static int
parse_uint(const char *s, unsigned long min, unsigned long max,
    unsigned *ret)
{
	char		*end;
	unsigned long	 v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (*end != '\0' || errno != 0 || v < min || v > max)
		return -1;
	*ret = (unsigned)v;
	return 0;
}

int
ctl_itype_parse(const char *line, struct ctl_itype *ret, struct mc_err *err)
{
	char		 name[CTL_ITYPE_NAME_MAX + 2], vcpus[16], mem[16];
	char		 extra[2];
	struct ctl_itype t;
	size_t		 n;

	memset(&t, 0, sizeof(t));
	if (sscanf(line, "%65s %15s %15s %1s", name, vcpus, mem, extra) != 3)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "'%.64s' is not 'NAME VCPUS MEMORY_MIB'", line);
	n = strlen(name);
	if (n > CTL_ITYPE_NAME_MAX || strspn(name, NAME_CHARS) != n ||
	    name[0] == '.' || name[0] == '-')
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "'%.64s' is not a type name (1-%d of a-z 0-9 . -)", name,
		    CTL_ITYPE_NAME_MAX);
	if (parse_uint(vcpus, 1, CTL_ITYPE_VCPUS_MAX, &t.vcpus) < 0)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "vCPUs of '%s' must be 1 to %d", name, CTL_ITYPE_VCPUS_MAX);
	if (parse_uint(mem, CTL_ITYPE_MEM_MIN, CTL_ITYPE_MEM_MAX,
	    &t.mem_mib) < 0)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "memory of '%s' must be %d to %d MiB", name,
		    CTL_ITYPE_MEM_MIN, CTL_ITYPE_MEM_MAX);
	memcpy(t.name, name, n + 1);
	t.current = true;
	*ret = t;
	return 0;
}

static int
itype_cmp(const void *a, const void *b)
{
	return strcmp(((const struct ctl_itype *)a)->name,
	    ((const struct ctl_itype *)b)->name);
}

int
ctl_itypes_build(const struct mc_strv *extra, struct ctl_itypes *ret,
    struct mc_err *err)
{
	size_t			 nb = sizeof(builtin) / sizeof(builtin[0]);
	struct ctl_itypes	 c;
	struct ctl_itype	 t;
	size_t			 i, j;

	c.v = calloc(nb + extra->n, sizeof(*c.v));
	if (c.v == NULL)
		return mc_err_sys(err, ENOMEM, "out of memory");
	memcpy(c.v, builtin, sizeof(builtin));
	c.n = nb;
	for (i = 0; i < extra->n; i++) {
		if (ctl_itype_parse(extra->v[i], &t, err) < 0) {
			free(c.v);
			return -1;
		}
		for (j = 0; j < c.n && strcmp(c.v[j].name, t.name) != 0; j++)
			;
		c.v[j] = t;	/* replaces a type of that name, or appends */
		if (j == c.n)
			c.n++;
	}
	qsort(c.v, c.n, sizeof(*c.v), itype_cmp);
	*ret = c;
	return 0;
}

void
ctl_itypes_clear(struct ctl_itypes *c)
{
	free(c->v);
	c->v = NULL;
	c->n = 0;
}

const struct ctl_itype *
ctl_itypes_find(const struct ctl_itypes *c, const char *name)
{
	struct ctl_itype key;

	if (strlen(name) > CTL_ITYPE_NAME_MAX || c->n == 0)
		return NULL;
	memset(&key, 0, sizeof(key));
	memcpy(key.name, name, strlen(name) + 1);
	return bsearch(&key, c->v, c->n, sizeof(*c->v), itype_cmp);
}
