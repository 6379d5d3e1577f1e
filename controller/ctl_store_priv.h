/*
 * ctl_store internals shared with its schema file and tests.
 */
#ifndef CTL_STORE_PRIV_H
#define CTL_STORE_PRIV_H

#include <stddef.h>

/* Migration i takes the schema from version i to i + 1. */
extern const char *const	ctl_store_migrations[];
extern const size_t		ctl_store_n_migrations;

#endif /* CTL_STORE_PRIV_H */
