/*
 * ctl_test: helpers for the controller's unit tests.
 */
#ifndef CTL_TEST_H
#define CTL_TEST_H

#include "mc_test.h"

#include "mc_err.h"
#include "ctl_query.h"

/* Decode form text s into q (which the caller clears); must succeed. */
static inline void
ctl_test_query(struct ctl_query *q, const char *s)
{
	struct mc_err err = { 0 };

	ctl_query_init(q);
	assert_int_equal(ctl_query_add(q, s, strlen(s), &err), 0);
	assert_int_equal(ctl_query_finish(q, &err), 0);
}

#endif /* CTL_TEST_H */
