/*
 * mc_id: EC2-style resource IDs such as "i-0123456789abcdef0".
 * Makes new random IDs and checks the shape of IDs sent by clients.
 * It does not know the store: a well-formed ID may still not exist.
 */
#ifndef MC_ID_H
#define MC_ID_H

#include <stddef.h>

struct mc_err;

enum mc_id_kind {
	MC_ID_INSTANCE,		/* i-   */
	MC_ID_RESERVATION,	/* r-   */
	MC_ID_IMAGE,		/* ami- */
	MC_ID_VOLUME,		/* vol- */
	MC_ID_KERNEL,		/* aki- */
	MC_ID_RAMDISK,		/* ari- */
	MC_ID_VPC,		/* vpc- */
	MC_ID_SUBNET,		/* subnet- */
	MC_ID_ENI,		/* eni- */
	MC_ID_ENI_ATTACH,	/* eni-attach- */
	MC_ID_EIP_ALLOC,	/* eipalloc- */
	MC_ID_EIP_ASSOC,	/* eipassoc- */
	MC_ID_KEY_PAIR,		/* key- */
	MC_ID_SG,		/* sg- */
	MC_ID_SG_RULE,		/* sgr- */
	MC_ID_SNAPSHOT,		/* snap- */
	MC_ID__MAX
};

#define MC_ID_MAX	(11 + 17 + 1)	/* longest prefix, digits, NUL */

/*
 * Write a new ID of this kind into buf, which holds bufsz >= MC_ID_MAX
 * bytes.  Returns 0, or -1 with err set when no random bytes can be had.
 */
int	mc_id_new(enum mc_id_kind kind, char *buf, size_t bufsz,
	    struct mc_err *err);

/*
 * Check that s (borrowed, may be NULL) is an ID of this kind.  Returns 0,
 * or -1 with err set to the kind's "...ID.Malformed" code.
 */
int	mc_id_check(enum mc_id_kind kind, const char *s, struct mc_err *err);

#endif /* MC_ID_H */
