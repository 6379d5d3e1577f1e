/*
 * agt_imds_test: the fake lookup and clock, the world they read, the
 * server each agt_imds test starts, and the curl and raw-socket requests
 * the tests send it.  No test cases here: see test_agt_imds_*.c.
 */
#include <sys/socket.h>
#include <sys/time.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "agt_imds_test.h"

#include "mc_cleanup.h"
#include "mc_err.h"

/*
 * The world the lookup reads.  Tests change it between requests; a
 * request's lookup ends before its answer reaches the test.
 */
struct agt_imds_inst	 tmpl;		/* what 127.0.0.1 is on A */
bool			 known = true;	/* false: nobody on A */
int64_t			 now_ms = T0_MS;
unsigned char		 secret[32];

/* One server per test: listeners A and B, and a curl handle. */
struct agt_imds		*imds;
uint16_t		 port_a, port_b;
CURL			*curl;
char			 token[AGT_IMDS_TOKEN_MAX + 1];	/* "": IMDSv1 */

struct resp		 R;

static char **
strv(size_t n, const char *const *v)
{
	char	**out = calloc(n, sizeof(*out));
	size_t	  i;

	assert_non_null(out);
	for (i = 0; i < n; i++)
		if (v[i] != NULL)
			assert_non_null(out[i] = strdup(v[i]));
	return out;
}

/* Deep copy of tmpl into ret, as the agent's lookup would make it. */
static void
inst_copy(struct agt_imds_inst *ret)
{
	*ret = tmpl;
	ret->sg_ids = tmpl.sg_ids != NULL ?
	    strv(tmpl.n_sgs, (const char *const *)tmpl.sg_ids) : NULL;
	ret->sg_names = tmpl.sg_names != NULL ?
	    strv(tmpl.n_sgs, (const char *const *)tmpl.sg_names) : NULL;
	ret->tag_keys = tmpl.tag_keys != NULL ?
	    strv(tmpl.n_tags, (const char *const *)tmpl.tag_keys) : NULL;
	ret->tag_values = tmpl.tag_values != NULL ?
	    strv(tmpl.n_tags, (const char *const *)tmpl.tag_values) : NULL;
	ret->key_openssh = tmpl.key_openssh != NULL ?
	    strdup(tmpl.key_openssh) : NULL;
	ret->user_data = NULL;
	if (tmpl.user_data != NULL) {
		ret->user_data = malloc(tmpl.user_data_len + 1);
		memcpy(ret->user_data, tmpl.user_data, tmpl.user_data_len);
	}
}

int
fake_lookup(void *arg, const char *label, struct in_addr peer,
    struct agt_imds_inst *ret)
{
	(void)arg;
	if (!known || strcmp(label, LABEL_A) != 0 ||
	    peer.s_addr != htonl(INADDR_LOOPBACK))
		return -1;
	inst_copy(ret);
	return 0;
}

static int64_t
fake_clock(void *arg)
{
	(void)arg;
	return now_ms;
}

/*
 * Replace the paired arrays *a and *b (*n strings each) with copies of
 * the n strings of va and vb; the old ones go through the module's own
 * agt_imds_inst_clear.
 */
static void
set_pairs(char ***a, char ***b, size_t *count, size_t n,
    const char *const *va, const char *const *vb)
{
	struct agt_imds_inst old = { .sg_ids = *a, .sg_names = *b,
	    .n_sgs = *count };

	agt_imds_inst_clear(&old);
	*a = strv(n, va);
	*b = strv(n, vb);
	*count = n;
}

void
set_groups(size_t n, const char *const *ids, const char *const *names)
{
	set_pairs(&tmpl.sg_ids, &tmpl.sg_names, &tmpl.n_sgs, n, ids, names);
}

void
set_tags(size_t n, const char *const *keys, const char *const *values)
{
	set_pairs(&tmpl.tag_keys, &tmpl.tag_values, &tmpl.n_tags, n, keys,
	    values);
}

void
set_user_data(const void *p, size_t n)
{
	free(tmpl.user_data);
	tmpl.user_data = malloc(n + 1);
	memcpy(tmpl.user_data, p, n);
	tmpl.user_data_len = n;
	tmpl.has_user_data = true;
}

/* Only what no instance can be without. */
void
tmpl_minimal(void)
{
	agt_imds_inst_clear(&tmpl);
	S(id, "i-0fedcba9876543210");
	S(type, "t3.nano");
	S(zone, "mc-1b");
	S(region, "mc-1");
	S(private_ip, "10.1.2.3");
	S(mac, "02:00:0a:01:02:03");
	S(hostname, "ip-10-1-2-3.mc.internal");
	tmpl.pending_time_ms = T0_MS;
	tmpl.http_endpoint_enabled = true;
	tmpl.hop_limit = 1;
}

/* Everything an instance can have, plus tags EC2 would not show. */
void
tmpl_full(void)
{
	static const char *const ids[] = { "sg-0aaaaaaaaaaaaaaaa",
	    "sg-0bbbbbbbbbbbbbbbb" };
	static const char *const names[] = { "default", "web" };
	static const char *const keys[] = { "Name", "env", "has space", "a/b",
	    "_index", "..", "k:x@y+z=1,2.3_4-5", "0=key", "-1_0=x", "=" };
	static const char *const values[] = { "web1", "prod\nline2", "x", "y",
	    "z", "w", "odd but fine", "a", "b", "c" };
	static const char ud[] = "#cloud-config\nhostname: web1\n";

	tmpl_minimal();
	S(id, "i-0123456789abcdef0");
	S(account, "123456789012");
	S(reservation, "r-0123456789abcdef0");
	S(image_id, "ami-0abcdef1234567890");
	S(type, "t3.micro");
	S(zone, "mc-1a");
	S(zone_id, "mc-1-az1");
	S(private_ip, "10.0.0.5");
	S(public_ip, "192.0.2.10");
	S(public_hostname, "ec2-192-0-2-10.mc-1.compute.mc.internal");
	S(mac, "02:00:00:00:00:01");
	S(hostname, "ip-10-0-0-5.mc.internal");
	S(eni_id, "eni-0123456789abcdef0");
	S(subnet_id, "subnet-0123456789abcdef0");
	S(subnet_cidr, "10.0.0.0/24");
	S(vpc_id, "vpc-0123456789abcdef0");
	S(vpc_cidr, "10.0.0.0/16");
	S(key_name, "mykey");
	tmpl.key_openssh = strdup(KEY_LINE);
	tmpl.launch_index = 2;
	set_groups(2, ids, names);
	set_tags(MC_NELEMS(keys), keys, values);
	set_user_data(ud, sizeof(ud) - 1);
	tmpl.instance_metadata_tags = true;
}

/* A listening socket on 127.0.0.1 and an ephemeral port. */
int
listening_socket(uint16_t *ret_port)
{
	struct sockaddr_in	sa;
	socklen_t		len = sizeof(sa);
	int			fd;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(fd, 64), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	*ret_port = ntohs(sa.sin_port);
	return fd;
}

struct agt_imds *
new_imds(void)
{
	struct agt_imds_conf	 c;
	struct agt_imds		*m;
	struct mc_err		 err = { 0 };

	memset(&c, 0, sizeof(c));
	memcpy(c.secret, secret, sizeof(secret));
	c.lookup = fake_lookup;
	c.clock_ms = fake_clock;
	m = agt_imds_new(&c, &err);
	assert_non_null(m);
	return m;
}

void
listen_as(struct agt_imds *m, const char *label, uint16_t *ret_port)
{
	struct mc_err	err = { 0 };
	int		fd = listening_socket(ret_port);

	if (agt_imds_listen(m, fd, label, &err) < 0)
		fail_msg("listen %s: %s", label, err.msg);
}

int
imds_setup(void **state)
{
	(void)state;
	memset(secret, 0x5a, sizeof(secret));
	known = true;
	now_ms = T0_MS;
	token[0] = '\0';
	tmpl_full();
	imds = new_imds();
	listen_as(imds, LABEL_A, &port_a);
	listen_as(imds, LABEL_B, &port_b);
	assert_non_null(curl = curl_easy_init());
	mc_buf_init(&R.body, 0);
	mc_buf_init(&R.hdrs, 0);
	return 0;
}

int
imds_teardown(void **state)
{
	(void)state;
	curl_easy_cleanup(curl);
	agt_imds_free(imds);
	agt_imds_inst_clear(&tmpl);
	mc_buf_clear(&R.body);
	mc_buf_clear(&R.hdrs);
	return 0;
}

static size_t
collect(char *p, size_t size, size_t n, void *arg)
{
	mc_buf_add(arg, p, size * n);
	return size * n;
}

/*
 * One request on the shared handle (keep-alive): method, path sent as
 * is, up to two extra header lines.  Fills R; returns the status.
 */
long
call_port(uint16_t port, const char *method, const char *path,
    const char *h1, const char *h2)
{
	struct curl_slist	*h = NULL;
	char			 url[2048];

	mc_buf_reset(&R.body);
	mc_buf_reset(&R.hdrs);
	R.status = 0;
	curl_easy_reset(curl);
	(void)snprintf(url, sizeof(url), "http://127.0.0.1:%u%s", port, path);
	if (h1 != NULL)
		h = curl_slist_append(h, h1);
	if (h2 != NULL)
		h = curl_slist_append(h, h2);
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_PATH_AS_IS, 1L);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &R.body);
	curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, collect);
	curl_easy_setopt(curl, CURLOPT_HEADERDATA, &R.hdrs);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, 10L);
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
	else if (strcmp(method, "GET") != 0)
		curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
	assert_int_equal(curl_easy_perform(curl), CURLE_OK);
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &R.status);
	curl_slist_free_all(h);
	return R.status;
}

long
call(const char *method, const char *path, const char *h1, const char *h2)
{
	return call_port(port_a, method, path, h1, h2);
}

/* GET path on A, with the current token if there is one. */
long
get(const char *path)
{
	char h[AGT_IMDS_TOKEN_MAX + 64];

	if (token[0] == '\0')
		return call("GET", path, NULL, NULL);
	(void)snprintf(h, sizeof(h), "X-aws-ec2-metadata-token: %s", token);
	return call("GET", path, h, NULL);
}

/* PUT a token request with this TTL header value (NULL: none). */
long
put_token(const char *ttl)
{
	char h[128];

	if (ttl == NULL)
		return call("PUT", AGT_IMDS_TOKEN_PATH, NULL, NULL);
	(void)snprintf(h, sizeof(h), "X-aws-ec2-metadata-token-ttl-seconds: %s",
	    ttl);
	return call("PUT", AGT_IMDS_TOKEN_PATH, h, NULL);
}

/* Take a token for the instance now on A; it becomes the current one. */
void
take_token(const char *ttl)
{
	assert_int_equal(put_token(ttl), 200);
	assert_true(R.body.len > 0 && R.body.len <= AGT_IMDS_TOKEN_MAX);
	memcpy(token, R.body.data, R.body.len + 1);
}

/* The value of response header name in R, or NULL (a static copy). */
const char *
resp_header(const char *name)
{
	static char	 value[256];
	const char	*p = R.hdrs.data;
	size_t		 n = strlen(name);

	for (; p != NULL && (p = strstr(p, "\r\n")) != NULL; p += 2)
		if (strncasecmp(p + 2, name, n) == 0 && p[2 + n] == ':') {
			p += 3 + n + strspn(p + 3 + n, " ");
			(void)snprintf(value, sizeof(value), "%.*s",
			    (int)strcspn(p, "\r\n"), p);
			return value;
		}
	return NULL;
}

void
assert_body(const char *want)
{
	assert_int_equal(R.body.len, strlen(want));
	assert_memory_equal(R.body.data != NULL ? R.body.data : "", want,
	    strlen(want));
}

/* A raw TCP connection to port from address src ("127.0.0.1"...). */
int
raw_connect(uint16_t port, const char *src)
{
	struct sockaddr_in	sa;
	int			fd;
	struct timeval		tv = { 10, 0 };

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	assert_int_equal(inet_pton(AF_INET, src, &sa.sin_addr), 1);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr), 1);
	sa.sin_port = htons(port);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

void
send_all(int fd, const void *p, size_t n)
{
	ssize_t k;

	while (n > 0) {
		k = send(fd, p, n, MSG_NOSIGNAL);
		if (k < 0)
			return;	/* the server may close early: fine */
		p = (const char *)p + k;
		n -= (size_t)k;
	}
}

void
send_str(int fd, const char *s)
{
	send_all(fd, s, strlen(s));
}

/*
 * Read one response from fd into out.  Returns its status, 0 when the
 * connection closed (or failed) before a whole response came.
 */
int
raw_response(int fd, struct mc_buf *out)
{
	char		 buf[4096];
	const char	*end, *cl;
	ssize_t		 k;
	size_t		 want;

	mc_buf_reset(out);
	for (;;) {
		if (out->data != NULL &&
		    (end = strstr(out->data, "\r\n\r\n")) != NULL) {
			cl = strcasestr(out->data, "\r\nContent-Length:");
			want = (size_t)(end + 4 - out->data) + (cl != NULL &&
			    cl < end ? strtoul(cl + 17, NULL, 10) : 0);
			if (out->len >= want)
				return atoi(out->data + 9);
		}
		if ((k = recv(fd, buf, sizeof(buf), 0)) <= 0)
			return 0;
		mc_buf_add(out, buf, (size_t)k);
	}
}

/* Send req on a new connection from 127.0.0.1; the status, or 0. */
int
raw_once(const char *req)
{
	struct mc_buf	out;
	int		fd = raw_connect(port_a, "127.0.0.1"), status;

	mc_buf_init(&out, 0);
	send_all(fd, req, strlen(req));
	status = raw_response(fd, &out);
	mc_buf_clear(&out);
	(void)close(fd);
	return status;
}
