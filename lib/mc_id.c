/*
 * mc_id: make and check EC2-style IDs.  Every kind is a fixed prefix
 * followed by lowercase hex digits.
 */
#include <sys/types.h>
#include <sys/random.h>

#include <assert.h>
#include <errno.h>
#include <string.h>

#include "mc_err.h"
#include "mc_id.h"

#define HEX_DIGITS	"0123456789abcdef"
#define NEW_LEN		17	/* digits in the IDs we issue */
#define OLD_LEN		8	/* EC2's short form, still accepted */

/* One row per kind, indexed by enum mc_id_kind. */
static const struct {
	const char	*prefix;
	enum mc_ec	 malformed;
} kinds[MC_ID__MAX] = {
	[MC_ID_INSTANCE]    = { "i-",	MC_EC_INVALID_INSTANCE_ID_MALFORMED },
	[MC_ID_RESERVATION] = { "r-",	MC_EC_INVALID_PARAMETER_VALUE },
	[MC_ID_IMAGE]	    = { "ami-",	MC_EC_INVALID_AMI_ID_MALFORMED },
	[MC_ID_VOLUME]	    = { "vol-",	MC_EC_INVALID_VOLUME_ID_MALFORMED },
	[MC_ID_KERNEL]	    = { "aki-",	MC_EC_INVALID_PARAMETER_VALUE },
	[MC_ID_RAMDISK]	    = { "ari-",	MC_EC_INVALID_PARAMETER_VALUE },
	[MC_ID_VPC]	    = { "vpc-",	MC_EC_INVALID_VPC_ID_MALFORMED },
	[MC_ID_SUBNET]	    = { "subnet-", MC_EC_INVALID_SUBNET_ID_MALFORMED },
	[MC_ID_ENI]	    = { "eni-",	MC_EC_INVALID_ENI_ID_MALFORMED },
	[MC_ID_ENI_ATTACH]  = { "eni-attach-", MC_EC_INVALID_PARAMETER_VALUE },
	[MC_ID_EIP_ALLOC]   = { "eipalloc-", MC_EC_INVALID_ALLOCATION_ID_MALFORMED },
	[MC_ID_EIP_ASSOC]   = { "eipassoc-", MC_EC_INVALID_ASSOCIATION_ID_MALFORMED },
	/* EC2 has no Malformed code for key pairs: callers say NotFound. */
	[MC_ID_KEY_PAIR]    = { "key-",	MC_EC_INVALID_PARAMETER_VALUE },
	[MC_ID_SG]	    = { "sg-",	MC_EC_INVALID_GROUP_ID_MALFORMED },
	[MC_ID_SG_RULE]	    = { "sgr-",	MC_EC_INVALID_SG_RULE_ID_MALFORMED },
	[MC_ID_SNAPSHOT]    = { "snap-",	MC_EC_INVALID_SNAPSHOT_ID_MALFORMED },
};

int
mc_id_new(enum mc_id_kind kind, char *buf, size_t bufsz, struct mc_err *err)
{
	unsigned char	 rnd[NEW_LEN];
	size_t		 plen, i;

	assert(kind < MC_ID__MAX);
	plen = strlen(kinds[kind].prefix);
	assert(bufsz >= plen + NEW_LEN + 1);	/* a caller's bug, not input */

	/* Reads this small are never short once the pool is ready. */
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		return mc_err_sys(err, errno, "cannot make a new ID");

	memcpy(buf, kinds[kind].prefix, plen);
	for (i = 0; i < NEW_LEN; i++)
		buf[plen + i] = HEX_DIGITS[rnd[i] & 0x0f];
	buf[plen + NEW_LEN] = '\0';
	return 0;
}

int
mc_id_check(enum mc_id_kind kind, const char *s, struct mc_err *err)
{
	const char	*prefix, *digits;
	size_t		 n;

	assert(kind < MC_ID__MAX);
	prefix = kinds[kind].prefix;
	if (s == NULL || strncmp(s, prefix, strlen(prefix)) != 0)
		goto malformed;

	/*
	 * We only issue 17 digits, but EC2 clients may still send the
	 * 8-digit form; such an ID is well formed and simply not found.
	 */
	digits = s + strlen(prefix);
	n = strspn(digits, HEX_DIGITS);
	if ((n == NEW_LEN || n == OLD_LEN) && digits[n] == '\0')
		return 0;
malformed:
	return mc_err_set(err, kinds[kind].malformed, "Invalid id: \"%.64s\"",
	    s != NULL ? s : "");
}
