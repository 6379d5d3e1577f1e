/*
 * agt_imds_test: the fixtures the agt_imds tests share.  A fake lookup
 * knows one instance, tmpl, at 127.0.0.1 on LABEL_A and nobody on
 * LABEL_B; imds_setup starts a server listening as both, and requests
 * reach it through libcurl (call, get: the answer in R) or raw sockets
 * (raw_*) for what curl will not send.  Tests change the world between
 * requests; a request's lookup ends before its answer reaches the test.
 */
#ifndef AGT_IMDS_TEST_H
#define AGT_IMDS_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <curl/curl.h>

#include "mc_test.h"

#include "mc_buf.h"
#include "agt_imds.h"
#include "agt_imds_priv.h"

#define LABEL_A		"vpc-a"
#define LABEL_B		"vpc-b"
#define T0_MS		1795352400000LL		/* 2026-11-22T13:00:00Z */
#define KEY_LINE	"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDL865HeM3pzh+" \
			"RObU9gXkJS9qN/lQvm2Nl8N+ht0aR/ test@minicloud"

/* Set string field of tmpl to value. */
#define S(field, value)	(void)snprintf(tmpl.field, sizeof(tmpl.field), \
			    "%s", value)

/* The world the lookup reads. */
extern struct agt_imds_inst	 tmpl;		/* what 127.0.0.1 is on A */
extern bool			 known;		/* false: nobody on A */
extern int64_t			 now_ms;	/* the server's clock */
extern unsigned char		 secret[32];

/* One server per test: listeners A and B, and a curl handle. */
extern struct agt_imds	*imds;
extern uint16_t		 port_a, port_b;
extern CURL		*curl;
extern char		 token[AGT_IMDS_TOKEN_MAX + 1];	/* "": IMDSv1 */

/* The last answer call_port had. */
struct resp {
	long		status;
	struct mc_buf	body, hdrs;
};
extern struct resp	R;

/* The lookup the server is given; also for agt_imds_conf of a test's own. */
int	fake_lookup(void *arg, const char *label, struct in_addr peer,
	    struct agt_imds_inst *ret);

/* tmpl's security groups, tags, user data: copies of what is given. */
void	set_groups(size_t n, const char *const *ids, const char *const *names);
void	set_tags(size_t n, const char *const *keys, const char *const *values);
void	set_user_data(const void *p, size_t n);
/* tmpl as an instance with only what it must have, or with everything. */
void	tmpl_minimal(void);
void	tmpl_full(void);

/* A listening socket on 127.0.0.1 and an ephemeral port. */
int	listening_socket(uint16_t *ret_port);
/* A new server with secret and the fake lookup and clock. */
struct agt_imds *new_imds(void);
/* Make m listen as label on a new socket; fails the test if it cannot. */
void	listen_as(struct agt_imds *m, const char *label, uint16_t *ret_port);

/* cmocka setup and teardown: the world as tmpl_full, a server, curl. */
int	imds_setup(void **state);
int	imds_teardown(void **state);

/*
 * Requests through curl, which fill R and return the status: call_port
 * with a method, a path sent as is and up to two header lines; call on
 * A; get on A with the current token; put_token asks for a token with
 * this TTL header (NULL: none); take_token makes one the current token.
 */
long	call_port(uint16_t port, const char *method, const char *path,
	    const char *h1, const char *h2);
long	call(const char *method, const char *path, const char *h1,
	    const char *h2);
long	get(const char *path);
long	put_token(const char *ttl);
void	take_token(const char *ttl);
/* The value of response header name in R, or NULL (a static copy). */
const char *resp_header(const char *name);
/* R's body is want. */
void	assert_body(const char *want);

/*
 * Raw requests: a new connection to port from address src (the caller
 * closes it), sending, one response read into out (its status, or 0
 * when the connection closed first), and raw_once: one request on a
 * new connection to A.
 */
int	raw_connect(uint16_t port, const char *src);
void	send_all(int fd, const void *p, size_t n);
void	send_str(int fd, const char *s);
int	raw_response(int fd, struct mc_buf *out);
int	raw_once(const char *req);

#endif /* AGT_IMDS_TEST_H */
