/*
 * ctl_inst: instances in the store: the row, loading one or all of an
 * account's (or many at a time: ctl_inst_load.c), applying a
 * lifecycle step, and writing an instance as EC2's XML.  The actions
 * (ctl_instances_*.c) and the agents' API build on it.
 */
#ifndef CTL_INST_H
#define CTL_INST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "mc_id.h"
#include "mc_proto.h"
#include "ctl_lifecycle.h"
#include "ctl_tags.h"

struct ctl_eni;
struct ctl_vol_att;
struct ctl_xml;
struct mc_err;

#define CTL_INST_REASON_MAX	255

struct ctl_inst {
	char			id[MC_ID_MAX];
	char			account_id[16];
	char			reservation_id[MC_ID_MAX];
	int			launch_index;
	char			image_id[MC_ID_MAX];
	char			type[MC_PROTO_TYPE_MAX + 1];
	unsigned		vcpus, mem_mib, disk_gib;
	char			zone[MC_PROTO_ZONE_MAX + 1];
	char			host[MC_PROTO_NAME_MAX + 1];	/* "" : none */
	enum ctl_istate		state;
	enum mc_proto_want	want;
	bool			force_stop;
	unsigned		reboot_seq;
	char			actual[16];
	int64_t			launch_ms, state_ms, running_ms, terminated_ms;
	char			reason_code[64];
	char			reason_msg[CTL_INST_REASON_MAX + 1];
	char			transition[128];
	char			key_name[256];
	char			shutdown_behavior[16];	/* stop, terminate */
	bool			no_terminate;
	char			client_token[65];
	/* MetadataOptions, as EC2 names their values. */
	char			md_tokens[16];		/* optional, required */
	unsigned		md_hop_limit;
	char			md_endpoint[16];	/* enabled, disabled */
	char			md_tags[16];		/* enabled, disabled */
	struct ctl_tagkv	*tags;		/* owned; loaded on demand */
	size_t			 n_tags;
	struct ctl_eni		*eni;		/* owned; primary interface */
	char			root_device[MC_PROTO_DEVICE_MAX + 1];
	struct ctl_vol_att	*vols;		/* owned; attached volumes */
	size_t			 n_vols;
};

/* The SELECT list that ctl_inst_row reads, and its FROM clause. */
#define CTL_INST_SELECT \
	"SELECT i.id, i.account_id, i.reservation_id, i.launch_index, " \
	"i.image_id, i.instance_type, i.vcpus, i.mem_mib, i.disk_gib, " \
	"i.zone, coalesce(i.host, ''), i.state, i.desired, i.force_stop, " \
	"i.reboot_seq, i.actual, i.launch_ms, i.state_ms, i.running_ms, " \
	"i.terminated_ms, i.reason_code, i.reason_msg, i.transition, " \
	"i.key_name, i.shutdown_behavior, i.no_terminate, " \
	"coalesce(r.client_token, ''), i.md_tokens, i.md_hop_limit, " \
	"i.md_endpoint, i.md_tags, coalesce((SELECT root_device FROM " \
	"images WHERE id = i.image_id), '/dev/xvda') " \
	"FROM instances i JOIN reservations r ON r.id = i.reservation_id "

/*
 * Fill *ret from a row of CTL_INST_SELECT (tags, interface and volumes
 * left empty).
 */
void	ctl_inst_row(sqlite3_stmt *st, struct ctl_inst *ret);

/*
 * Load instance id of account (NULL: any account).  Returns 1 and fills
 * *ret, 0 when there is none, -1 with err set.
 */
int	ctl_inst_get(sqlite3 *db, const char *account, const char *id,
	    struct ctl_inst *ret, struct mc_err *err);

/*
 * Every instance of account (of one reservation when reservation is not
 * NULL), by id, with their tags, primary interfaces and attached
 * volumes.  *ret is a new array the caller frees with ctl_inst_free_all.
 */
int	ctl_inst_list(sqlite3 *db, const char *account,
	    const char *reservation, struct ctl_inst **ret, size_t *ret_n,
	    struct mc_err *err);

/* Free an array from ctl_inst_list (and what each instance owns). */
void	ctl_inst_free_all(struct ctl_inst *v, size_t n);

/*
 * Load the tags, primary interfaces and attached volumes of the n
 * instances of v (sorted by id, as read by CTL_INST_SELECT) with one
 * query each per CTL_INST_CHUNK_MAX instances.  Returns 0, or -1 with
 * err set (v may then hold some of them: ctl_inst_free_all frees them).
 */
int	ctl_inst_details(sqlite3 *db, struct ctl_inst *v, size_t n,
	    struct mc_err *err);

/* A column that a scan narrows on: see struct ctl_inst_cond. */
enum ctl_inst_col {
	CTL_INST_COL_ID,
	CTL_INST_COL_STATE,
	CTL_INST_COL_HOST,		/* "" : no host */
	CTL_INST_COL_TYPE,
	CTL_INST_COL_ZONE,
	CTL_INST_COL_IMAGE,
	CTL_INST_COL_RESERVATION,
	CTL_INST_COL_VPC,		/* of the primary interface */
	CTL_INST_COL_SUBNET,		/* of the primary interface */
	CTL_INST_COL_TAG,		/* the value of tag key */
	CTL_INST_COL__MAX
};

/*
 * Only the instances whose col is exactly one of values.  A scan may
 * leave a condition out (more values than a statement binds, a host of
 * "", a tag without key), so it returns at least the instances that
 * pass: callers that filter still apply their filters to what it
 * returns.
 */
struct ctl_inst_cond {
	enum ctl_inst_col	 col;
	const char		*key;		/* CTL_INST_COL_TAG: the tag key */
	const char *const	*values;	/* borrowed */
	size_t			 n_values;
};

/* A walk through an account's instances, by id, a chunk at a time. */
struct ctl_inst_scan;

#define CTL_INST_CHUNK_MAX	1001	/* a page of 1000, and the next one */

/*
 * Start a walk through account's instances whose ids sort after after
 * ("" : from the first) and that meet the n_conds conds; with details,
 * each chunk comes with tags, interfaces and volumes (ctl_inst_details).
 * account, after and conds are borrowed for the call; db is borrowed
 * until ctl_inst_scan_free.  On success *ret is a new scan the caller
 * frees; -1 with err set otherwise.
 */
int	ctl_inst_scan_open(sqlite3 *db, const char *account,
	    const char *after, const struct ctl_inst_cond *conds,
	    size_t n_conds, bool details, struct ctl_inst_scan **ret,
	    struct mc_err *err);

/*
 * The next chunk: at most limit instances (and CTL_INST_CHUNK_MAX), by
 * id, in a new array *ret that the caller frees with ctl_inst_free_all;
 * *ret_n is 0 once the walk is over.  Returns 0, or -1 with err set.
 */
int	ctl_inst_scan_next(struct ctl_inst_scan *s, size_t limit,
	    struct ctl_inst **ret, size_t *ret_n, struct mc_err *err);

/* End a walk (NULL: nothing to do). */
void	ctl_inst_scan_free(struct ctl_inst_scan *s);

/*
 * The id of account's instance (any of them, whatever a scan's
 * conditions) just before id in id order, into ret (MC_ID_MAX bytes);
 * "" when there is none.  Returns 0, or -1 with err set.
 */
int	ctl_inst_prev_id(sqlite3 *db, const char *account, const char *id,
	    char *ret, struct mc_err *err);

/*
 * Check the ids (EC2 shape, else InvalidInstanceID.Malformed) and that
 * each is an instance of account (else InvalidInstanceID.NotFound,
 * naming all that are not).
 */
int	ctl_inst_check_ids(sqlite3 *db, const char *account,
	    const char *const *ids, size_t n, struct mc_err *err);

/*
 * Apply lifecycle event ev to instance id inside the caller's
 * transaction: update state, desired state, reboot sequence, reason and
 * timestamps, and bump its host's generation when the agent must act.
 * An instance that reaches terminated gives back its interfaces and
 * its volumes.
 * reason_code/msg (may be NULL) become the stateReason.  On success
 * *ret_step says what happened (a refused step is not an error here:
 * the caller decides).  Returns 0, or -1 with err set.
 */
int	ctl_inst_apply(sqlite3 *db, const struct ctl_inst *in,
	    enum ctl_ievent ev, bool force, const char *reason_code,
	    const char *reason_msg, int64_t now_ms, struct ctl_step *ret_step,
	    struct mc_err *err);

/* Bump host's desired-state generation (in the caller's transaction). */
int	ctl_inst_bump_host(sqlite3 *db, const char *host, struct mc_err *err);

/*
 * Write one instance as an <item> of instancesSet; dns_domain names its
 * private addresses.
 */
void	ctl_inst_xml(struct ctl_xml *x, const struct ctl_inst *in,
	    const char *dns_domain);

/* Write <instanceState><code/><name/></instanceState> named el. */
void	ctl_inst_state_xml(struct ctl_xml *x, const char *el,
	    enum ctl_istate s);

#endif /* CTL_INST_H */
