/*
 * ctl_house: the controller's periodic housekeeping, run by its main
 * loop once a second: notice hosts that went silent (and came back),
 * and forget terminated instances once their retention is over.
 */
#ifndef CTL_HOUSE_H
#define CTL_HOUSE_H

#include <stdint.h>

struct ctl_conf;
struct ctl_store;
struct mc_err;

/* One round.  Logs what it changes.  Returns 0, or -1 with err set. */
int	ctl_house_tick(struct ctl_store *store, const struct ctl_conf *conf,
	    int64_t now_ms, struct mc_err *err);

#endif /* CTL_HOUSE_H */
