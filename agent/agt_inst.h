/*
 * agt_inst: what the agent keeps for each instance on its host: the
 * directory with its disk overlay and console log, the libvirt spec
 * built from the controller's wish, and the little state that must
 * survive an agent restart (the last reboot done).  No libvirt calls:
 * the reconcile loop decides and calls.
 */
#ifndef AGT_INST_H
#define AGT_INST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "mc_proto.h"
#include "hv_spec.h"

struct mc_err;

struct agt_inst {
	char				id[MC_PROTO_ID_MAX + 1];
	enum mc_proto_actual_state	actual;		/* as last reported */
	unsigned			reboot_done;
	int64_t				stop_asked_ms;	/* 0: not asked */
	int				failures;	/* in a row */
	char				error[MC_PROTO_WHY_MAX + 1];
	off_t				console_sent;	/* bytes uploaded */
	bool				explained;	/* since it started */
	/* The volumes its domain has, as last found; checked once at least. */
	struct mc_proto_attach		vols[MC_PROTO_INST_VOLS];
	uint64_t			vol_gib[MC_PROTO_INST_VOLS];	/* grown to */
	size_t				n_vols;
	bool				vols_known;
	bool				seen;		/* in this round */
};

/* The instance's directory, disk and console paths into buf. */
int	agt_inst_path(const char *state_dir, const char *id, const char *file,
	    char *buf, size_t bufsz, struct mc_err *err);

/*
 * Make the instance's directory and its root disk (a qcow2 overlay of
 * the cached image) unless they exist.  Returns 0, or -1 with err set.
 */
int	agt_inst_prepare(const char *state_dir, const char *cache_dir,
	    const struct mc_proto_inst *w, struct mc_err *err);

/* Remove the instance's directory and every file in it. */
int	agt_inst_remove(const char *state_dir, const char *id,
	    struct mc_err *err);

/* Fill spec for w with accelerator kvm (else TCG). */
int	agt_inst_spec(const char *state_dir, const char *cache_dir,
	    const struct mc_proto_inst *w, bool kvm, struct hv_spec *spec,
	    struct mc_err *err);

/* The last reboot done, as saved; 0 when never. */
unsigned	agt_inst_reboot_load(const char *state_dir, const char *id);

/* Save the last reboot done. */
int	agt_inst_reboot_save(const char *state_dir, const char *id,
	    unsigned seq, struct mc_err *err);

/*
 * The newest max bytes of the console log (a new buffer the caller
 * frees) when it grew past *sent; updates *sent.  Returns 1 with
 * *ret and *ret_n set, 0 when there is nothing new, -1 with err set.
 */
int	agt_inst_console(const char *state_dir, const char *id, size_t max,
	    off_t *sent, char **ret, size_t *ret_n, struct mc_err *err);

#endif /* AGT_INST_H */
