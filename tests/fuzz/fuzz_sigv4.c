/*
 * libFuzzer harness for the SigV4 parsers: the input is an
 * Authorization header value; when it parses, the canonical request and
 * string to sign are built from it too, and the same bytes are tried as
 * a presigned URL's query string.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mc_buf.h"
#include "mc_err.h"
#include "ctl_query.h"
#include "ctl_sigv4.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctl_sigv4_hdr	 hdrs[] = {
		{ "Host", "127.0.0.1:8773" },
		{ "Content-Type", "application/x-www-form-urlencoded" },
		{ "X-Amz-Date", "20261122T130000Z" },
	};
	struct ctl_sigv4_msg	 m = { "POST", "/", NULL, hdrs, 3, "a=b", 3 };
	struct ctl_sigv4_cred	 c;
	struct ctl_query	 q;
	struct mc_buf		 creq, sts;
	struct mc_err		 err = { 0 };
	char			*s = malloc(size + 1);

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (ctl_sigv4_parse_header(s, &c, &err) == 0) {
		memcpy(c.amz_date, "20261122T130000Z", sizeof(c.amz_date));
		(void)ctl_sigv4_check_scope(&c, "ec2", "mc-1", 1795784400, &err);
		mc_buf_init(&creq, 0);
		mc_buf_init(&sts, 0);
		if (ctl_sigv4_canonical_request(&m, &c, &creq, &err) == 0)
			ctl_sigv4_string_to_sign(&c, creq.data, creq.len, &sts);
		(void)ctl_sigv4_verify(&m, &c, "secret", &err);
		mc_buf_clear(&creq);
		mc_buf_clear(&sts);
	}
	ctl_query_init(&q);
	err = (struct mc_err){ 0 };
	if (ctl_query_add(&q, s, size, &err) == 0 &&
	    ctl_query_finish(&q, &err) == 0 &&
	    ctl_sigv4_parse_query(&q, &c, &err) == 0)
		(void)ctl_sigv4_check_scope(&c, "ec2", "mc-1", 1795784400, &err);
	ctl_query_clear(&q);
	free(s);
	return 0;
}
