/*
 * libFuzzer harness for the query parser: decodes the input as a form
 * body, then runs what the front door runs on it (parameter check,
 * filters, list indices).  Any crash, leak or sanitizer report is a bug.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "mc_err.h"
#include "ctl_filter.h"
#include "ctl_params.h"
#include "ctl_query.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct ctl_pspec specs[] = {
	{ "InstanceType.N", CTL_P_STR },
	{ "MaxResults", CTL_P_INT },
	{ "DryRun", CTL_P_BOOL },
	{ "Filter.N.Name", CTL_P_STR },
	{ "Filter.N.Value.N", CTL_P_STR },
};

static const struct ctl_filter_def defs[] = {
	{ "instance-type", 0 },
	{ "tag:*", 1 },
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctl_query	  q;
	struct ctl_filters	  f = { NULL, 0 };
	struct mc_err		  err = { 0 };
	const char		**list = NULL;
	size_t			  n = 0;
	long long		  v;
	bool			  b;

	ctl_query_init(&q);
	if (ctl_query_add(&q, (const char *)data, size, &err) == 0 &&
	    ctl_query_finish(&q, &err) == 0) {
		(void)ctl_params_check(&q, specs, 5, &err);
		(void)ctl_params_int(&q, "MaxResults", 5, 1000, &v, &err);
		(void)ctl_params_bool(&q, "DryRun", &b, &err);
		if (ctl_params_strlist(&q, "InstanceType", &list, &n, &err) == 0)
			free(list);
		if (ctl_filters_parse(&q, defs, 2, &f, &err) == 0)
			ctl_filters_clear(&f);
		if (q.n > 0)
			ctl_query_remove(&q, q.v[0].key);
	}
	ctl_query_clear(&q);
	return 0;
}
