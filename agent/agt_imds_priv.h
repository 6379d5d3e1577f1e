/*
 * agt_imds_priv: what the files of agt_imds share, and what its unit
 * test reaches below HTTP: the path tree (agt_imds_tree.c), the
 * identity document (agt_imds_doc.c), the tokens (agt_imds_token.c)
 * and the answer to one request (agt_imds_req.c).
 * None of it knows libmicrohttpd; agt_imds.c is the glue.
 */
#ifndef AGT_IMDS_PRIV_H
#define AGT_IMDS_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mc_buf.h"
#include "agt_imds.h"

#define AGT_IMDS_TTL_MAX_S	21600	/* EC2's longest token life */
#define AGT_IMDS_TOKEN_MAX	128	/* longer tokens are refused unread */
#define AGT_IMDS_PATH_MAX	1024	/* longer paths cannot exist */
#define AGT_IMDS_TOKEN_PATH	"/latest/api/token"
#define AGT_IMDS_CONN_PER_IP	16	/* open connections per guest address */

/*
 * Write into buf (AGT_IMDS_TOKEN_MAX bytes or more) a token for the
 * instance id that is valid until expires_ms.  Returns 0, or -1 when
 * bufsz is too small or id too long (our bugs).
 */
int	agt_imds_token_make(const unsigned char key[32], const char *id,
	    int64_t expires_ms, char *buf, size_t bufsz);

/*
 * Check token (guest input, any bytes) for instance id at now_ms.
 * Returns 0 with *ret_left_s, the whole seconds it has left (at least
 * 1), or -1 when it is malformed, forged, for another instance or
 * expired.
 */
int	agt_imds_token_check(const unsigned char key[32], const char *id,
	    const char *token, int64_t now_ms, int64_t *ret_left_s);

/*
 * Answer GET path (decoded, without the query) for in: 0 with the
 * listing or leaf appended to out and *ret_ctype set to its static
 * Content-Type, or -1 when the path does not exist for in.
 */
int	agt_imds_tree_get(const struct agt_imds_inst *in,
	    const struct agt_imds_conf *c, const char *path, struct mc_buf *out,
	    const char **ret_ctype);

/*
 * Append the instance identity document of in (JSON) to out; out's
 * failed flag tells of a lack of memory.
 */
void	agt_imds_doc_write(const struct agt_imds_inst *in, struct mc_buf *out);

/*
 * Make in, as a lookup left it, safe to serve: every string ends
 * within its array, the MAC is in lower case, counts without arrays
 * become 0, hop_limit is in range.  Returns -1 when in has no instance id (it cannot be served).
 */
int	agt_imds_inst_check(struct agt_imds_inst *in);

/* One request, as the glue read it; every pointer is borrowed. */
struct agt_imds_req {
	const char	*method;
	const char	*path;		/* decoded, without the query */
	const char	*ttl;		/* X-aws-ec2-metadata-token-ttl-seconds */
	const char	*token;		/* X-aws-ec2-metadata-token */
	bool		 forwarded;	/* X-Forwarded-For was sent */
};

/* The answer; the caller owns body and releases it with mc_buf_clear. */
struct agt_imds_reply {
	int		 status;
	const char	*content_type;	/* static */
	const char	*allow;		/* static Allow header for 405, or NULL */
	struct mc_buf	 body;
	int64_t		 ttl_s;		/* > 0: the token TTL header to send */
	int		 ip_ttl;	/* IP TTL of the answer; -1: default */
};

/*
 * Decide the answer to req from an instance (NULL: nobody known at
 * that address) at now_ms: methods, MetadataOptions, tokens, paths.
 * Fills *ret, which the caller then clears.
 */
void	agt_imds_answer(const struct agt_imds_conf *c,
	    const struct agt_imds_inst *in, const struct agt_imds_req *req,
	    int64_t now_ms, struct agt_imds_reply *ret);

#endif /* AGT_IMDS_PRIV_H */
