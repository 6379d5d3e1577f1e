/*
 * agt_imds_req: the answer to one metadata request, decided in order:
 * is anybody there, is the endpoint on, method and path, token.  Also
 * makes a lookup's answer safe to serve.  No HTTP library here.
 */
#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_cleanup.h"
#include "agt_imds_priv.h"

#define ALLOW_GET	"GET, HEAD"
#define ALLOW_PUT	"PUT"
#define HOP_MAX		64

/* The reason phrases of the statuses we answer with. */
static const struct {
	int		 status;
	const char	*text;
} reasons[] = {
	{ 400, "Bad Request" },
	{ 401, "Unauthorized" },
	{ 403, "Forbidden" },
	{ 404, "Not Found" },
	{ 405, "Method Not Allowed" },
};

#define STR(m)	{ offsetof(struct agt_imds_inst, m), \
		  sizeof(((struct agt_imds_inst *)0)->m) }

/* Every string array of the instance, to end each one inside itself. */
static const struct {
	size_t	off, size;
} strings[] = {
	STR(id), STR(account), STR(reservation), STR(image_id),
	STR(kernel_id), STR(ramdisk_id), STR(type), STR(architecture),
	STR(root_device), STR(zone), STR(zone_id), STR(region),
	STR(private_ip), STR(public_ip), STR(mac), STR(hostname),
	STR(public_hostname), STR(eni_id), STR(subnet_id), STR(subnet_cidr),
	STR(vpc_id), STR(vpc_cidr), STR(key_name),
};

static void
free_strv(char **v, size_t n)
{
	size_t i;

	for (i = 0; v != NULL && i < n; i++)
		free(v[i]);
	free(v);
}

void
agt_imds_inst_clear(struct agt_imds_inst *in)
{
	if (in == NULL)
		return;
	free_strv(in->sg_ids, in->n_sgs);
	free_strv(in->sg_names, in->n_sgs);
	free_strv(in->tag_keys, in->n_tags);
	free_strv(in->tag_values, in->n_tags);
	free(in->key_openssh);
	free(in->user_data);
	memset(in, 0, sizeof(*in));
}

int
agt_imds_inst_check(struct agt_imds_inst *in)
{
	size_t i;

	for (i = 0; i < MC_NELEMS(strings); i++)
		((char *)in + strings[i].off)[strings[i].size - 1] = '\0';
	/* The guest's NIC is matched in lower case; accept either. */
	for (i = 0; in->mac[i] != '\0'; i++)
		in->mac[i] = (char)tolower((unsigned char)in->mac[i]);
	/* A count without its arrays lists nothing (and frees nothing). */
	if (in->sg_ids == NULL || in->sg_names == NULL) {
		free_strv(in->sg_ids, in->n_sgs);
		free_strv(in->sg_names, in->n_sgs);
		in->sg_ids = in->sg_names = NULL;
		in->n_sgs = 0;
	}
	if (in->tag_keys == NULL || in->tag_values == NULL) {
		free_strv(in->tag_keys, in->n_tags);
		free_strv(in->tag_values, in->n_tags);
		in->tag_keys = in->tag_values = NULL;
		in->n_tags = 0;
	}
	if (in->user_data == NULL)
		in->user_data_len = 0;
	if (in->hop_limit < 1 || in->hop_limit > HOP_MAX)
		in->hop_limit = AGT_IMDS_HOP_DEFAULT;
	return in->id[0] != '\0' ? 0 : -1;
}

/* An error answer: the status and its phrase as a one-line body. */
static void
fail(struct agt_imds_reply *ret, int status)
{
	size_t i;

	ret->status = status;
	ret->content_type = "text/plain";
	mc_buf_reset(&ret->body);
	for (i = 0; i < MC_NELEMS(reasons); i++)
		if (reasons[i].status == status)
			mc_buf_addf(&ret->body, "%d - %s\n", status,
			    reasons[i].text);
}

static void
not_allowed(struct agt_imds_reply *ret, const char *allow)
{
	fail(ret, 405);
	ret->allow = allow;
}

/* The requested token life: 1..AGT_IMDS_TTL_MAX_S decimal seconds. */
static int
parse_ttl(const char *s, int64_t *ret_s)
{
	size_t	n = s != NULL ? strlen(s) : 0;
	long	v;

	if (n == 0 || n > 5 || strspn(s, "0123456789") != n)
		return -1;
	v = strtol(s, NULL, 10);
	if (v < 1 || v > AGT_IMDS_TTL_MAX_S)
		return -1;
	*ret_s = v;
	return 0;
}

static void
put_token(const struct agt_imds_conf *c, const struct agt_imds_inst *in,
    const struct agt_imds_req *req, int64_t now_ms,
    struct agt_imds_reply *ret)
{
	char	token[AGT_IMDS_TOKEN_MAX + 1];
	int64_t	ttl_s;

	/* The hop limit keeps tokens from crossing one more router. */
	ret->ip_ttl = (int)in->hop_limit;
	/* A proxy in the guest must not fetch tokens for others. */
	if (req->forwarded) {
		fail(ret, 403);
		return;
	}
	if (parse_ttl(req->ttl, &ttl_s) < 0) {
		fail(ret, 400);
		return;
	}
	if (agt_imds_token_make(c->secret, in->id, now_ms + ttl_s * 1000,
	    token, sizeof(token)) < 0) {
		ret->body.failed = true;	/* the glue answers 500 */
		return;
	}
	ret->status = 200;
	ret->content_type = "text/plain";
	ret->ttl_s = ttl_s;
	mc_buf_adds(&ret->body, token);
}

static void
get_path(const struct agt_imds_conf *c, const struct agt_imds_inst *in,
    const struct agt_imds_req *req, int64_t now_ms,
    struct agt_imds_reply *ret)
{
	int64_t left_s;

	/* A token sent is checked even when none is required. */
	if (req->token != NULL) {
		if (agt_imds_token_check(c->secret, in->id, req->token, now_ms,
		    &left_s) < 0) {
			fail(ret, 401);
			return;
		}
		ret->ttl_s = left_s;
	} else if (in->http_tokens_required) {
		fail(ret, 401);
		return;
	}
	if (agt_imds_tree_get(in, c, req->path, &ret->body,
	    &ret->content_type) < 0) {
		ret->ttl_s = 0;
		fail(ret, 404);
		return;
	}
	ret->status = 200;
}

static bool
is_token_path(const char *path)
{
	return strcmp(path, AGT_IMDS_TOKEN_PATH) == 0 ||
	    strcmp(path, AGT_IMDS_TOKEN_PATH "/") == 0;
}

void
agt_imds_answer(const struct agt_imds_conf *c,
    const struct agt_imds_inst *in, const struct agt_imds_req *req,
    int64_t now_ms, struct agt_imds_reply *ret)
{
	bool token_path = is_token_path(req->path);
	bool get = strcmp(req->method, "GET") == 0 ||
	    strcmp(req->method, "HEAD") == 0;

	memset(ret, 0, sizeof(*ret));
	mc_buf_init(&ret->body, 0);
	ret->ip_ttl = -1;
	/* Nobody known here: say nothing about anybody. */
	if (in == NULL)
		fail(ret, 404);
	else if (!in->http_endpoint_enabled)
		fail(ret, 403);
	else if (token_path && strcmp(req->method, "PUT") == 0)
		put_token(c, in, req, now_ms, ret);
	else if (token_path || !get)
		not_allowed(ret, token_path ? ALLOW_PUT : ALLOW_GET);
	else
		get_path(c, in, req, now_ms, ret);
}
