/*
 * Tests of agt_imds through real listeners on 127.0.0.1, driven by
 * libcurl, and by raw sockets for what curl will not send or cannot
 * see (malformed requests, the IP TTL of answers).  A fake lookup
 * knows one instance at 127.0.0.1 on LABEL_A and nobody on LABEL_B.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <strings.h>
#include <unistd.h>

#include <curl/curl.h>
#include <json-c/json.h>

#include "mc_test.h"

#include "mc_buf.h"
#include "mc_cleanup.h"
#include "mc_err.h"
#include "agt_imds.h"
#include "agt_imds_priv.h"

#define LABEL_A		"vpc-a"
#define LABEL_B		"vpc-b"
#define T0_MS		1795352400000LL		/* 2026-11-22T13:00:00Z */
#define DATA		"data/agt_imds/"
#define KEY_LINE	"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDL865HeM3pzh+" \
			"RObU9gXkJS9qN/lQvm2Nl8N+ht0aR/ test@minicloud"

/*
 * The world the lookup reads.  Tests change it between requests; a
 * request's lookup ends before its answer reaches the test.
 */
static struct agt_imds_inst	 tmpl;		/* what 127.0.0.1 is on A */
static bool			 known = true;	/* false: nobody on A */
static int64_t			 now_ms = T0_MS;
static unsigned char		 secret[32];

/* One server per test: listeners A and B, and a curl handle. */
static struct agt_imds	*imds;
static uint16_t		 port_a, port_b;
static CURL		*curl;
static char		 token[AGT_IMDS_TOKEN_MAX + 1];	/* "": IMDSv1 */

struct resp {
	long		status;
	struct mc_buf	body, hdrs;
};
static struct resp	R;

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

static int
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

#define S(field, value)	(void)snprintf(tmpl.field, sizeof(tmpl.field), \
			    "%s", value)

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

static void
set_groups(size_t n, const char *const *ids, const char *const *names)
{
	set_pairs(&tmpl.sg_ids, &tmpl.sg_names, &tmpl.n_sgs, n, ids, names);
}

static void
set_tags(size_t n, const char *const *keys, const char *const *values)
{
	set_pairs(&tmpl.tag_keys, &tmpl.tag_values, &tmpl.n_tags, n, keys,
	    values);
}

static void
set_user_data(const void *p, size_t n)
{
	free(tmpl.user_data);
	tmpl.user_data = malloc(n + 1);
	memcpy(tmpl.user_data, p, n);
	tmpl.user_data_len = n;
	tmpl.has_user_data = true;
}

/* Only what no instance can be without. */
static void
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
static void
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
static int
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

static struct agt_imds *
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

static void
listen_as(struct agt_imds *m, const char *label, uint16_t *ret_port)
{
	struct mc_err	err = { 0 };
	int		fd = listening_socket(ret_port);

	if (agt_imds_listen(m, fd, label, &err) < 0)
		fail_msg("listen %s: %s", label, err.msg);
}

static int
setup(void **state)
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

static int
teardown(void **state)
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
static long
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

static long
call(const char *method, const char *path, const char *h1, const char *h2)
{
	return call_port(port_a, method, path, h1, h2);
}

/* GET path on A, with the current token if there is one. */
static long
get(const char *path)
{
	char h[AGT_IMDS_TOKEN_MAX + 64];

	if (token[0] == '\0')
		return call("GET", path, NULL, NULL);
	(void)snprintf(h, sizeof(h), "X-aws-ec2-metadata-token: %s", token);
	return call("GET", path, h, NULL);
}

/* PUT a token request with this TTL header value (NULL: none). */
static long
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
static void
take_token(const char *ttl)
{
	assert_int_equal(put_token(ttl), 200);
	assert_true(R.body.len > 0 && R.body.len <= AGT_IMDS_TOKEN_MAX);
	memcpy(token, R.body.data, R.body.len + 1);
}

/* The value of response header name in R, or NULL (a static copy). */
static const char *
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

static void
assert_body(const char *want)
{
	assert_int_equal(R.body.len, strlen(want));
	assert_memory_equal(R.body.data != NULL ? R.body.data : "", want,
	    strlen(want));
}

/* Append text to out with newlines shown as \n: one line per path. */
static void
add_escaped(struct mc_buf *out, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] == '\n')
			mc_buf_adds(out, "\\n");
		else
			mc_buf_addc(out, p[i]);
}

static void crawl_dir(const char *dir, struct mc_buf *out, int *n_req);

/*
 * Fetch entry e of directory dir as cloud-init would: "<integer>=name"
 * is key <integer>'s directory, "x/" a directory, anything else a leaf
 * or, at a version's root, a directory listed without its slash.  Each
 * must answer 200.
 */
static void
crawl_entry(const char *dir, const char *e, size_t n, struct mc_buf *out,
    int *n_req)
{
	char	path[1024], sub[1100];
	size_t	eq = strcspn(e, "=");

	if (eq < n && eq > 0 && strspn(e, "0123456789") == eq) {
		(void)snprintf(sub, sizeof(sub), "%s%.*s/", dir, (int)eq, e);
		crawl_dir(sub, out, n_req);
		return;
	}
	if (e[n - 1] == '/') {
		(void)snprintf(sub, sizeof(sub), "%s%.*s", dir, (int)n, e);
		crawl_dir(sub, out, n_req);
		return;
	}
	(void)snprintf(path, sizeof(path), "%s%.*s", dir, (int)n, e);
	++*n_req;
	if (get(path) != 200)
		fail_msg("listed %s answers %ld", path, R.status);
	mc_buf_adds(out, path);
	mc_buf_addc(out, '\t');
	add_escaped(out, R.body.data, R.body.len);
	mc_buf_addc(out, '\n');
	/* A bare name that also answers with a slash is a directory. */
	(void)snprintf(sub, sizeof(sub), "%s/", path);
	++*n_req;
	if (get(sub) == 200)
		crawl_dir(sub, out, n_req);
}

/* GET dir (ending in '/') and everything it lists, depth first. */
static void
crawl_dir(const char *dir, struct mc_buf *out, int *n_req)
{
	MC_AUTOFREE char	*listing = NULL;
	char			 bare[1024];
	const char		*e;
	size_t			 n;

	++*n_req;
	if (get(dir) != 200)
		fail_msg("directory %s answers %ld", dir, R.status);
	assert_non_null(listing = strdup(R.body.data));
	mc_buf_adds(out, dir);
	mc_buf_addc(out, '\t');
	add_escaped(out, listing, strlen(listing));
	mc_buf_addc(out, '\n');
	/* Every directory answers the same without its slash. */
	(void)snprintf(bare, sizeof(bare), "%.*s", (int)strlen(dir) - 1, dir);
	++*n_req;
	assert_int_equal(get(bare), 200);
	assert_string_equal(R.body.data, listing);
	for (e = listing; *e != '\0'; e += n + (e[n] == '\n')) {
		n = strcspn(e, "\n");
		if (n == 0)
			fail_msg("%s lists an empty line", dir);
		crawl_entry(dir, e, n, out, n_req);
	}
}

static void
test_versions(void **state)
{
	static const char *const ok[] = { "/1.0", "/2009-04-04",
	    "/2016-09-02", "/2018-09-24", "/2021-03-23", "/latest" };
	static const char *const bad[] = { "/2010-01-01/", "/latest2/",
	    "/LATEST/", "/%20latest/", "/latest%20/", "//latest/", "/1.0.0/" };
	char	p[64];
	size_t	i;

	(void)state;
	assert_int_equal(get("/"), 200);
	assert_body("1.0\n2009-04-04\n2016-09-02\n2018-09-24\n2021-03-23\n"
	    "latest");
	assert_string_equal(resp_header("Content-Type"), "text/plain");
	for (i = 0; i < MC_NELEMS(ok); i++) {
		assert_int_equal(get(ok[i]), 200);
		assert_body("dynamic\nmeta-data\nuser-data");
		(void)snprintf(p, sizeof(p), "%s/", ok[i]);
		assert_int_equal(get(p), 200);
		assert_body("dynamic\nmeta-data\nuser-data");
	}
	for (i = 0; i < MC_NELEMS(bad); i++)
		if (get(bad[i]) != 404)
			fail_msg("%s answers %ld", bad[i], R.status);
}

/* Crawl every version; the full tree of latest is the golden file. */
static void
test_crawl_full(void **state)
{
	static const char *const versions[] = { "/1.0/", "/2009-04-04/",
	    "/2016-09-02/", "/2018-09-24/", "/2021-03-23/" };
	struct mc_buf	out;
	long		conns = 0;
	int		n_req = 0;
	size_t		i;

	(void)state;
	mc_buf_init(&out, 0);
	take_token("21600");
	crawl_dir("/latest/", &out, &n_req);
	mc_test_golden(DATA "crawl-latest.txt", out.data);
	/* cloud-init crawls one request at a time on one connection. */
	curl_easy_getinfo(curl, CURLINFO_NUM_CONNECTS, &conns);
	assert_int_equal(conns, 0);
	for (i = 0; i < MC_NELEMS(versions); i++) {
		mc_buf_reset(&out);
		crawl_dir(versions[i], &out, &n_req);
		/* tags/ came with 2021-03-23. */
		assert_int_equal(strstr(out.data, "meta-data/tags/") != NULL,
		    strcmp(versions[i], "/2021-03-23/") == 0);
		assert_non_null(strstr(out.data, "meta-data/public-keys/0/"
		    "openssh-key\t" KEY_LINE "\n"));
	}
	mc_buf_clear(&out);
}

static void
test_crawl_minimal(void **state)
{
	static const char *const absent[] = {
		"/latest/user-data", "/latest/meta-data/public-ipv4",
		"/latest/meta-data/public-hostname",
		"/latest/meta-data/public-keys/",
		"/latest/meta-data/public-keys/0/openssh-key",
		"/latest/meta-data/security-groups",
		"/latest/meta-data/kernel-id", "/latest/meta-data/ramdisk-id",
		"/latest/meta-data/ami-id", "/latest/meta-data/reservation-id",
		"/latest/meta-data/tags/", "/latest/meta-data/tags/instance/",
		"/latest/meta-data/placement/availability-zone-id",
		"/latest/meta-data/network/interfaces/macs/02:00:0a:01:02:03/"
		    "security-group-ids",
		"/latest/meta-data/network/interfaces/macs/02:00:0a:01:02:03/"
		    "public-ipv4s",
		"/latest/meta-data/network/interfaces/macs/02:00:0a:01:02:03/"
		    "ipv4-associations/",
		"/latest/meta-data/network/interfaces/macs/02:00:0a:01:02:03/"
		    "vpc-id",
	};
	struct mc_buf	out;
	int		n_req = 0;
	size_t		i;

	(void)state;
	tmpl_minimal();
	mc_buf_init(&out, 0);
	crawl_dir("/latest/", &out, &n_req);
	mc_test_golden(DATA "crawl-minimal.txt", out.data);
	for (i = 0; i < MC_NELEMS(absent); i++)
		if (get(absent[i]) != 404)
			fail_msg("%s answers %ld", absent[i], R.status);
	/* Tags enabled but none that EC2 would show: an empty listing. */
	tmpl.instance_metadata_tags = true;
	assert_int_equal(get("/latest/meta-data/tags/instance/"), 200);
	assert_body("");
	mc_buf_clear(&out);
}

static void
test_paths(void **state)
{
	static const struct {
		const char	*path;
		long		 status;
		const char	*body;	/* NULL: not checked */
	} cases[] = {
		{ "/latest/meta-data/ami-id", 200, "ami-0abcdef1234567890" },
		{ "/latest/meta-data/ami-launch-index", 200, "2" },
		{ "/latest/meta-data/ami-manifest-path", 200, "(unknown)" },
		{ "/latest/meta-data/block-device-mapping/root", 200,
		    "/dev/xvda" },
		{ "/latest/meta-data/hostname", 200, "ip-10-0-0-5.mc.internal" },
		{ "/latest/meta-data/instance-action", 200, "none" },
		{ "/latest/meta-data/public-keys", 200, "0=mykey" },
		{ "/latest/meta-data/public-keys/0", 200, "openssh-key" },
		{ "/latest/meta-data/public-keys/0/", 200, "openssh-key" },
		{ "/latest/meta-data/public-keys/0/openssh-key", 200, KEY_LINE },
		{ "/latest/meta-data/public-keys/1/openssh-key", 404, NULL },
		{ "/latest/meta-data/public-keys/0=mykey", 404, NULL },
		{ "/latest/meta-data/security-groups", 200, "default\nweb" },
		{ "/latest/meta-data/services/domain", 200, "amazonaws.com" },
		{ "/latest/meta-data/services/partition", 200, "aws" },
		{ "/latest/meta-data/tags/instance", 200,
		    "Name\nenv\nk:x@y+z=1,2.3_4-5" },
		{ "/latest/meta-data/tags/instance/env", 200, "prod\nline2" },
		{ "/latest/meta-data/tags/instance/has%20space", 404, NULL },
		{ "/latest/meta-data/tags/instance/a%2Fb", 404, NULL },
		{ "/latest/meta-data/tags/instance/_index", 404, NULL },
		{ "/latest/meta-data/tags/instance/..", 404, NULL },
		{ "/latest/meta-data/tags/instance/name", 404, NULL },
		{ "/2018-09-24/meta-data/tags/instance/Name", 404, NULL },
		{ "/latest/meta-data/network/interfaces/macs/02:00:00:00:00:01/"
		    "ipv4-associations/192.0.2.10", 200, "10.0.0.5" },
		{ "/latest/meta-data/network/interfaces/macs/02:00:00:00:00:02/",
		    404, NULL },
		{ "/latest/meta-data/network/interfaces/macs/02:00:00:00:00:0/",
		    404, NULL },
		{ "/latest/meta-data/placement/availability-zone-id", 200,
		    "mc-1-az1" },
		{ "/latest/dynamic", 200, "instance-identity/" },
		{ "/latest/dynamic/instance-identity", 200, "document" },
		{ "/latest/user-data?x=1", 200, NULL },
		{ "/latest/meta-data/ami%2Did", 200, "ami-0abcdef1234567890" },
		{ "/latest/meta-data/ami-id%00x", 404, NULL },
		{ "/latest/meta-data/ami-id%", 404, NULL },
		{ "/latest/meta-data/ami-id%zz", 404, NULL },
		{ "/latest/meta-data/ami-id/", 404, NULL },
		{ "/latest/meta-data/ami-id/x", 404, NULL },
		{ "/latest/meta-data//ami-id", 404, NULL },
		{ "/latest//meta-data/", 404, NULL },
		{ "/latest/meta-data/../meta-data/ami-id", 404, NULL },
		{ "/latest/meta-data/./ami-id", 404, NULL },
		{ "/latest/meta-data/iam/", 404, NULL },
		{ "/latest/meta-data/AMI-ID", 404, NULL },
		{ "/latest/meta-data/kernel-id", 404, NULL },
		{ "/latest/api/", 404, NULL },
	};
	char	long_path[AGT_IMDS_PATH_MAX + 64];
	size_t	i;

	(void)state;
	for (i = 0; i < MC_NELEMS(cases); i++) {
		if (get(cases[i].path) != cases[i].status)
			fail_msg("%s answers %ld, want %ld", cases[i].path,
			    R.status, cases[i].status);
		if (cases[i].body != NULL)
			assert_body(cases[i].body);
		if (cases[i].status == 200)
			assert_string_equal(resp_header("Content-Type"),
			    strstr(cases[i].path, "user-data") != NULL ?
			    "application/octet-stream" : "text/plain");
	}
	/* Paths longer than any that exists are not looked at. */
	memset(long_path, 'a', sizeof(long_path) - 1);
	long_path[sizeof(long_path) - 1] = '\0';
	memcpy(long_path, "/latest/", 8);
	assert_int_equal(get(long_path), 404);
	/* Set values show instead of defaults. */
	S(kernel_id, "aki-0123456789abcdef0");
	S(root_device, "/dev/sda1");
	assert_int_equal(get("/latest/meta-data/kernel-id"), 200);
	assert_body("aki-0123456789abcdef0");
	assert_int_equal(get("/latest/meta-data/block-device-mapping/ami"), 200);
	assert_body("/dev/sda1");
}

static void
test_document(void **state)
{
	json_object	*doc, *v;

	(void)state;
	assert_int_equal(get("/latest/dynamic/instance-identity/document"),
	    200);
	mc_test_golden(DATA "document.json", R.body.data);
	assert_non_null(doc = json_tokener_parse(R.body.data));
	assert_true(json_object_object_get_ex(doc, "instanceId", &v));
	assert_string_equal(json_object_get_string(v), "i-0123456789abcdef0");
	assert_true(json_object_object_get_ex(doc, "kernelId", &v));
	assert_null(v);
	json_object_put(doc);
	/* Set ids become strings; an odd account id stays valid JSON. */
	S(kernel_id, "aki-0123456789abcdef0");
	S(account, "\"\\\n");
	assert_int_equal(get("/2009-04-04/dynamic/instance-identity/document"),
	    200);
	assert_non_null(doc = json_tokener_parse(R.body.data));
	assert_true(json_object_object_get_ex(doc, "kernelId", &v));
	assert_string_equal(json_object_get_string(v), "aki-0123456789abcdef0");
	assert_true(json_object_object_get_ex(doc, "accountId", &v));
	assert_string_equal(json_object_get_string(v), "\"\\\n");
	json_object_put(doc);
}

static void
test_user_data(void **state)
{
	unsigned char	bin[256];
	size_t		i;

	(void)state;
	assert_int_equal(get("/latest/user-data"), 200);
	assert_body("#cloud-config\nhostname: web1\n");
	assert_string_equal(resp_header("Content-Type"),
	    "application/octet-stream");
	/* Every byte value comes back as it went in. */
	for (i = 0; i < sizeof(bin); i++)
		bin[i] = (unsigned char)(255 - i);
	set_user_data(bin, sizeof(bin));
	assert_int_equal(get("/2016-09-02/user-data"), 200);
	assert_int_equal(R.body.len, sizeof(bin));
	assert_memory_equal(R.body.data, bin, sizeof(bin));
	/* Present but empty: 200 and nothing. */
	set_user_data("", 0);
	assert_int_equal(get("/latest/user-data"), 200);
	assert_body("");
	/* None: 404, and the version root does not list it. */
	free(tmpl.user_data);
	tmpl.user_data = NULL;
	tmpl.user_data_len = 0;
	tmpl.has_user_data = false;
	assert_int_equal(get("/latest/user-data"), 404);
	assert_int_equal(get("/latest/"), 200);
	assert_body("dynamic\nmeta-data");
	/* has_user_data without bytes: served empty, never crashes. */
	tmpl.has_user_data = true;
	assert_int_equal(get("/latest/user-data"), 200);
	assert_body("");
}

static void
test_token_ttl(void **state)
{
	static const struct {
		const char	*ttl;	/* NULL: no header */
		long		 status;
	} cases[] = {
		{ "1", 200 }, { "21600", 200 }, { "60", 200 }, { "00060", 200 },
		{ NULL, 400 }, { "", 400 }, { "0", 400 }, { "21601", 400 },
		{ "-1", 400 }, { "+5", 400 }, { "1e3", 400 }, { "5x", 400 },
		{ "abc", 400 }, { "999999999999999999999", 400 },
		{ "000060", 400 }, { "6 0", 400 }, { "0x10", 400 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < MC_NELEMS(cases); i++) {
		if (put_token(cases[i].ttl) != cases[i].status)
			fail_msg("ttl \"%s\" answers %ld",
			    cases[i].ttl != NULL ? cases[i].ttl : "(none)",
			    R.status);
		if (cases[i].status != 200)
			continue;
		assert_true(R.body.len > 0);
		assert_int_equal(strtol(resp_header(
		    "X-aws-ec2-metadata-token-ttl-seconds"), NULL, 10),
		    strtol(cases[i].ttl, NULL, 10));
		assert_string_equal(resp_header("Content-Type"), "text/plain");
	}
	/* A trailing slash on the token path is accepted too. */
	assert_int_equal(call("PUT", AGT_IMDS_TOKEN_PATH "/",
	    "X-aws-ec2-metadata-token-ttl-seconds: 5", NULL), 200);
}

static void
test_token_use(void **state)
{
	char	copy[sizeof(token)];

	(void)state;
	/* IMDSv1 works while tokens are optional. */
	assert_int_equal(get("/latest/meta-data/instance-id"), 200);
	assert_null(resp_header("X-aws-ec2-metadata-token-ttl-seconds"));
	take_token("60");
	assert_int_equal(get("/latest/meta-data/instance-id"), 200);
	assert_body("i-0123456789abcdef0");
	assert_string_equal(resp_header("X-aws-ec2-metadata-token-ttl-seconds"),
	    "60");
	/* Just before the end it works; at the end it does not. */
	now_ms = T0_MS + 59999;
	assert_int_equal(get("/latest/meta-data/instance-id"), 200);
	assert_string_equal(resp_header("X-aws-ec2-metadata-token-ttl-seconds"),
	    "1");
	now_ms = T0_MS + 60000;
	assert_int_equal(get("/latest/meta-data/instance-id"), 401);
	assert_null(resp_header("X-aws-ec2-metadata-token-ttl-seconds"));
	/* A clock set back 7 hours sees a token it could not have made. */
	now_ms = T0_MS - 7 * 3600 * 1000LL;
	assert_int_equal(get("/latest/meta-data/instance-id"), 401);
	now_ms = T0_MS;
	/* A token sent is checked even when none is required. */
	memcpy(copy, token, sizeof(copy));
	token[5] = token[5] == 'A' ? 'B' : 'A';
	assert_int_equal(get("/latest/meta-data/instance-id"), 401);
	assert_int_equal(call("GET", "/latest/meta-data/",
	    "X-aws-ec2-metadata-token;", NULL), 401);
	assert_int_equal(call("GET", "/latest/meta-data/",
	    "X-aws-ec2-metadata-token: garbage", NULL), 401);
	/* Another instance at the address: the token was not made for it. */
	memcpy(token, copy, sizeof(token));
	S(id, "i-0aaaaaaaaaaaaaaaa");
	assert_int_equal(get("/latest/meta-data/instance-id"), 401);
	S(id, "i-0123456789abcdef0");
	assert_int_equal(get("/latest/meta-data/instance-id"), 200);
	/* Tokens required: none is 401, a good one works. */
	tmpl.http_tokens_required = true;
	assert_int_equal(get("/latest/meta-data/instance-id"), 200);
	token[0] = '\0';
	assert_int_equal(get("/latest/meta-data/instance-id"), 401);
	assert_int_equal(get("/2009-04-04/meta-data/instance-id"), 401);
	assert_int_equal(get("/"), 401);
	/* The token PUT itself needs no token. */
	take_token("21600");
	assert_int_equal(get("/latest/meta-data/instance-id"), 200);
}

/* Tokens survive a restart with the same secret, not with another. */
static void
test_token_restart(void **state)
{
	(void)state;
	take_token("600");
	agt_imds_free(imds);
	imds = new_imds();
	listen_as(imds, LABEL_A, &port_a);
	now_ms += 1000;
	assert_int_equal(get("/latest/meta-data/instance-id"), 200);
	agt_imds_free(imds);
	secret[0] ^= 1;
	imds = new_imds();
	listen_as(imds, LABEL_A, &port_a);
	assert_int_equal(get("/latest/meta-data/instance-id"), 401);
}

static void
test_endpoint_disabled(void **state)
{
	static const char *const methods[] = { "GET", "HEAD", "PUT", "POST" };
	size_t i;

	(void)state;
	take_token("60");
	tmpl.http_endpoint_enabled = false;
	for (i = 0; i < MC_NELEMS(methods); i++)
		assert_int_equal(call(methods[i], "/latest/meta-data/", NULL,
		    NULL), 403);
	assert_int_equal(get("/latest/meta-data/instance-id"), 403);
	assert_int_equal(put_token("60"), 403);
	assert_int_equal(get("/"), 403);
}

static void
test_forwarded(void **state)
{
	(void)state;
	assert_int_equal(call("PUT", AGT_IMDS_TOKEN_PATH,
	    "X-aws-ec2-metadata-token-ttl-seconds: 60",
	    "X-Forwarded-For: 10.0.0.9"), 403);
	assert_int_equal(call("PUT", AGT_IMDS_TOKEN_PATH,
	    "X-aws-ec2-metadata-token-ttl-seconds: 60",
	    "x-forwarded-for;"), 403);
	/* Only the token PUT cares. */
	assert_int_equal(call("GET", "/latest/meta-data/instance-id",
	    "X-Forwarded-For: 10.0.0.9", NULL), 200);
}

static void
test_methods(void **state)
{
	static const struct {
		const char	*method, *path;
		long		 status;
		const char	*allow;
	} cases[] = {
		{ "POST", "/latest/meta-data/", 405, "GET, HEAD" },
		{ "DELETE", "/latest/meta-data/instance-id", 405, "GET, HEAD" },
		{ "PATCH", "/latest/user-data", 405, "GET, HEAD" },
		{ "OPTIONS", "/", 405, "GET, HEAD" },
		{ "FOO", "/latest/", 405, "GET, HEAD" },
		{ "get", "/latest/", 405, "GET, HEAD" },
		{ "PUT", "/latest/meta-data/", 405, "GET, HEAD" },
		{ "PUT", "/2021-03-23/api/token", 405, "GET, HEAD" },
		{ "GET", AGT_IMDS_TOKEN_PATH, 405, "PUT" },
		{ "HEAD", AGT_IMDS_TOKEN_PATH, 405, "PUT" },
		{ "POST", AGT_IMDS_TOKEN_PATH, 405, "PUT" },
		{ "HEAD", "/latest/meta-data/instance-id", 200, NULL },
	};
	size_t i;

	(void)state;
	for (i = 0; i < MC_NELEMS(cases); i++) {
		if (call(cases[i].method, cases[i].path, NULL, NULL) !=
		    cases[i].status)
			fail_msg("%s %s answers %ld", cases[i].method,
			    cases[i].path, R.status);
		if (cases[i].allow != NULL)
			assert_string_equal(resp_header("Allow"),
			    cases[i].allow);
	}
	/* HEAD: the headers of GET, no body. */
	assert_int_equal(call("HEAD", "/latest/meta-data/instance-id", NULL,
	    NULL), 200);
	assert_body("");
	assert_string_equal(resp_header("Content-Length"), "19");
}

/* A raw TCP connection to port from address src ("127.0.0.1"...). */
static int
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

static void
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

static void
send_str(int fd, const char *s)
{
	send_all(fd, s, strlen(s));
}

/*
 * Read one response from fd into out.  Returns its status, 0 when the
 * connection closed (or failed) before a whole response came.
 */
static int
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
static int
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

static void
test_bad_requests(void **state)
{
	static const char *const garbage[] = {
		"\x01\x02\x03\r\n\r\n",
		"GET\r\n\r\n",
		"GET /latest/ HTTP/9.9\r\nHost: x\r\n\r\n",
		"GET /latest/ HTTP/1.1\r\nHost: x\r\nBad header\r\n\r\n",
		"GET latest HTTP/1.1\r\nHost: x\r\n\r\n",
		"PUT /latest/api/token HTTP/1.1\r\nHost: x\r\n"
		    "Content-Length: -5\r\n\r\n",
		"PUT /latest/api/token HTTP/1.1\r\nHost: x\r\n"
		    "Content-Length: 99999999999999999999999\r\n\r\n",
	};
	struct mc_buf	big;
	size_t		i;
	int		fd, status;

	(void)state;
	for (i = 0; i < MC_NELEMS(garbage); i++) {
		status = raw_once(garbage[i]);
		if (status == 200)
			fail_msg("garbage %zu answered 200", i);
	}
	/* HTTP/1.0 without Host is fine. */
	assert_int_equal(raw_once("GET /latest/meta-data/instance-id "
	    "HTTP/1.0\r\n\r\n"), 200);
	/* A small body on a GET is ignored. */
	assert_int_equal(raw_once("GET /latest/ HTTP/1.1\r\nHost: x\r\n"
	    "Content-Length: 5\r\n\r\nhello"), 200);
	/* A declared big body is refused before it is read. */
	assert_int_equal(raw_once("PUT /latest/api/token HTTP/1.1\r\nHost: x"
	    "\r\nContent-Length: 1000000\r\n\r\n"), 413);
	/* Huge headers and URLs are refused, not buffered. */
	mc_buf_init(&big, 0);
	mc_buf_adds(&big, "GET /latest/ HTTP/1.1\r\nHost: x\r\nX-Big: ");
	for (i = 0; i < 100000; i++)
		mc_buf_addc(&big, 'a');
	mc_buf_adds(&big, "\r\n\r\n");
	status = raw_once(big.data);
	assert_true(status == 0 || status >= 400);
	mc_buf_reset(&big);
	mc_buf_adds(&big, "GET /latest/");
	for (i = 0; i < 100000; i++)
		mc_buf_addc(&big, 'a');
	mc_buf_adds(&big, " HTTP/1.1\r\nHost: x\r\n\r\n");
	status = raw_once(big.data);
	assert_true(status == 0 || status >= 400);
	/* An endless chunked body is cut off. */
	fd = raw_connect(port_a, "127.0.0.1");
	mc_buf_reset(&big);
	mc_buf_adds(&big, "PUT /latest/api/token HTTP/1.1\r\nHost: x\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n");
	send_all(fd, big.data, big.len);
	mc_buf_reset(&big);
	mc_buf_adds(&big, "400\r\n");
	for (i = 0; i < 0x400; i++)
		mc_buf_addc(&big, 'x');
	mc_buf_adds(&big, "\r\n");
	for (i = 0; i < 64; i++)
		send_all(fd, big.data, big.len);
	assert_int_equal(raw_response(fd, &big), 0);
	(void)close(fd);
	mc_buf_clear(&big);
	/* After all that it still serves. */
	assert_int_equal(get("/latest/meta-data/instance-id"), 200);
}

/* One guest cannot hold more than its share of connections. */
static void
test_connection_limit(void **state)
{
	int		fds[AGT_IMDS_CONN_PER_IP + 2], extra;
	struct mc_buf	out;
	size_t		i;

	(void)state;
	mc_buf_init(&out, 0);
	for (i = 0; i < MC_NELEMS(fds); i++)
		fds[i] = raw_connect(port_a, "127.0.0.1");
	/* The first ones are served; those over the limit are closed. */
	send_str(fds[0], "GET /latest/ HTTP/1.1\r\nHost: x\r\n\r\n");
	assert_int_equal(raw_response(fds[0], &out), 200);
	extra = fds[AGT_IMDS_CONN_PER_IP + 1];
	send_str(extra, "GET /latest/ HTTP/1.1\r\nHost: x\r\n\r\n");
	assert_int_equal(raw_response(extra, &out), 0);
	for (i = 0; i < MC_NELEMS(fds); i++)
		(void)close(fds[i]);
	mc_buf_clear(&out);
	/* Once the server has seen them go, the guest is served again. */
	for (i = 0; i < 100; i++) {
		if (raw_once("GET /latest/ HTTP/1.1\r\nHost: x\r\n\r\n") ==
		    200)
			break;
		usleep(20 * 1000);
	}
	assert_true(i < 100);
}

/* Whatever asks from where nobody is known learns nothing. */
static void
test_unknown_peers(void **state)
{
	static const char *const paths[] = { "/", "/latest/",
	    "/latest/meta-data/", "/latest/meta-data/instance-id",
	    "/latest/user-data", "/latest/dynamic/instance-identity/document",
	    "/nonsense" };
	struct mc_buf	out;
	size_t		i;
	int		fd;

	(void)state;
	for (i = 0; i < MC_NELEMS(paths); i++) {
		assert_int_equal(call_port(port_b, "GET", paths[i], NULL,
		    NULL), 404);
		assert_null(strstr(R.body.data, "i-0"));
	}
	assert_int_equal(call_port(port_b, "PUT", AGT_IMDS_TOKEN_PATH,
	    "X-aws-ec2-metadata-token-ttl-seconds: 60", NULL), 404);
	assert_int_equal(call_port(port_b, "POST", "/", NULL, NULL), 404);
	/* Another address on the known network. */
	mc_buf_init(&out, 0);
	fd = raw_connect(port_a, "127.0.0.2");
	send_str(fd, "GET /latest/meta-data/instance-id HTTP/1.1\r\n"
	    "Host: x\r\n\r\n");
	assert_int_equal(raw_response(fd, &out), 404);
	assert_null(strstr(out.data, "i-0"));
	(void)close(fd);
	mc_buf_clear(&out);
	/* The lookup says nobody; or somebody without an id. */
	known = false;
	assert_int_equal(get("/latest/meta-data/instance-id"), 404);
	known = true;
	tmpl.id[0] = '\0';
	assert_int_equal(get("/latest/meta-data/"), 404);
	assert_int_equal(put_token("60"), 404);
}

/* The TTL the server's side of the connection to local_port sends with. */
static int
server_ttl(uint16_t local_port)
{
	DIR			*d = opendir("/proc/self/fd");
	struct dirent		*e;
	struct sockaddr_in	 sa;
	socklen_t		 len;
	int			 fd, ttl = -1;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		fd = atoi(e->d_name);
		len = sizeof(sa);
		if (e->d_name[0] == '.' ||
		    getpeername(fd, (struct sockaddr *)&sa, &len) < 0 ||
		    sa.sin_family != AF_INET || ntohs(sa.sin_port) != local_port)
			continue;
		len = sizeof(sa);
		if (getsockname(fd, (struct sockaddr *)&sa, &len) < 0 ||
		    ntohs(sa.sin_port) != port_a)
			continue;
		len = sizeof(ttl);
		assert_int_equal(getsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, &len),
		    0);
	}
	closedir(d);
	return ttl;
}

/*
 * The TTL of data packets from port_a to client_port seen on a raw
 * socket (every one must agree), or -1 when none was seen.
 */
static int
wire_ttl(int raw, uint16_t client_port, size_t want)
{
	unsigned char	 pkt[65536];
	struct pollfd	 p = { raw, POLLIN, 0 };
	struct iphdr	*ip = (struct iphdr *)pkt;
	struct tcphdr	*tcp;
	ssize_t		 n;
	size_t		 got = 0, hdr;
	int		 ttl = -1;

	/* Other traffic may pass by; stop at the answer's last byte. */
	while (got < want && poll(&p, 1, 2000) > 0 &&
	    (n = recv(raw, pkt, sizeof(pkt), MSG_DONTWAIT)) > 0) {
		if ((size_t)n < sizeof(*ip) + sizeof(*tcp))
			continue;
		tcp = (struct tcphdr *)(pkt + ip->ihl * 4);
		hdr = (size_t)ip->ihl * 4 + (size_t)tcp->doff * 4;
		if (ntohs(tcp->source) != port_a ||
		    ntohs(tcp->dest) != client_port || (size_t)n <= hdr)
			continue;	/* not ours, or no data */
		if (ttl >= 0 && ttl != ip->ttl)
			fail_msg("TTLs %d and %d on one answer", ttl, ip->ttl);
		ttl = ip->ttl;
		got += (size_t)n - hdr;
	}
	return ttl;
}

static void
test_hop_limit(void **state)
{
	struct sockaddr_in	sa;
	socklen_t		len = sizeof(sa);
	struct mc_buf		out;
	uint16_t		me;
	int			fd, raw, dflt = 64;
	char			put[] = "PUT /latest/api/token HTTP/1.1\r\n"
	    "Host: x\r\nX-aws-ec2-metadata-token-ttl-seconds: 60\r\n\r\n";
	char			get_req[] = "GET /latest/meta-data/instance-id "
	    "HTTP/1.1\r\nHost: x\r\n\r\n";
	FILE			*f;

	(void)state;
	f = fopen("/proc/sys/net/ipv4/ip_default_ttl", "r");
	if (f != NULL) {
		assert_int_equal(fscanf(f, "%d", &dflt), 1);
		fclose(f);
	}
	tmpl.hop_limit = 3;
	/* Seeing packets needs CAP_NET_RAW; the socket option does not. */
	raw = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_TCP);
	mc_buf_init(&out, 0);
	fd = raw_connect(port_a, "127.0.0.1");
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	me = ntohs(sa.sin_port);
	/* The token's answer leaves with the hop limit... */
	send_all(fd, put, strlen(put));
	assert_int_equal(raw_response(fd, &out), 200);
	assert_int_equal(server_ttl(me), 3);
	if (raw >= 0)
		assert_int_equal(wire_ttl(raw, me, out.len), 3);
	/* ...and the next answer on that connection with the default. */
	send_all(fd, get_req, strlen(get_req));
	assert_int_equal(raw_response(fd, &out), 200);
	assert_int_equal(server_ttl(me), dflt);
	if (raw >= 0)
		assert_int_equal(wire_ttl(raw, me, out.len), dflt);
	/* Out of range in the lookup: EC2's default, 1. */
	tmpl.hop_limit = 65;
	send_all(fd, put, strlen(put));
	assert_int_equal(raw_response(fd, &out), 200);
	assert_int_equal(server_ttl(me), 1);
	if (raw >= 0)
		assert_int_equal(wire_ttl(raw, me, out.len), 1);
	else
		print_message("no CAP_NET_RAW: TTL checked on the socket only\n");
	(void)close(fd);
	if (raw >= 0)
		(void)close(raw);
	mc_buf_clear(&out);
}

/* Whatever the lookup returns is served without crashing. */
static void
test_hostile_instance(void **state)
{
	static const char *const ids[] = { "sg-1", NULL };
	static const char *const names[] = { "two\nlines\x7f", NULL };
	struct mc_buf	out;
	int		n_req = 0;

	(void)state;
	mc_buf_init(&out, 0);
	memset(tmpl.mac, 'A', sizeof(tmpl.mac));	/* no NUL, not a MAC */
	memset(tmpl.hostname, 'h', sizeof(tmpl.hostname));
	memset(tmpl.key_name, '\n', sizeof(tmpl.key_name));
	set_groups(2, ids, names);
	tmpl.hop_limit = 0;
	crawl_dir("/latest/", &out, &n_req);
	assert_null(strstr(out.data, "meta-data/network/"));
	assert_null(strstr(out.data, "meta-data/mac"));
	assert_int_equal(get("/latest/meta-data/hostname"), 200);
	assert_int_equal(R.body.len, sizeof(tmpl.hostname) - 1);
	assert_int_equal(get("/latest/meta-data/security-groups"), 200);
	assert_body("two?lines?");
	assert_int_equal(get("/latest/meta-data/public-keys/"), 200);
	assert_int_equal(strcspn(R.body.data, "\n"), R.body.len);
	/* Counts without arrays: nothing listed. */
	mc_buf_reset(&out);
	set_tags(1, (const char *const[]){ "k" }, (const char *const[]){ "v" });
	free(tmpl.tag_keys[0]);
	free(tmpl.tag_keys);
	tmpl.tag_keys = NULL;
	crawl_dir("/latest/", &out, &n_req);
	assert_int_equal(get("/latest/meta-data/tags/instance/"), 200);
	assert_body("");
	/* A MAC in upper case is served as the guest sees it. */
	S(mac, "02:AB:00:00:00:0F");
	assert_int_equal(get("/latest/meta-data/network/interfaces/macs/"),
	    200);
	assert_body("02:ab:00:00:00:0f/");
	mc_buf_clear(&out);
}

static void
test_listen_errors(void **state)
{
	struct agt_imds_conf	 c;
	struct mc_err		 err = { 0 };
	char			 label[AGT_IMDS_LABEL_MAX + 2];
	uint16_t		 port;
	int			 fd, p[2];

	(void)state;
	fd = listening_socket(&port);
	memset(label, 'x', sizeof(label) - 1);
	label[sizeof(label) - 1] = '\0';
	assert_int_equal(agt_imds_listen(imds, fd, label, &err), -1);
	assert_int_equal(agt_imds_listen(imds, fd, "", NULL), -1);
	assert_int_equal(agt_imds_listen(imds, fd, NULL, NULL), -1);
	assert_int_equal(agt_imds_listen(imds, fd, "a b", NULL), -1);
	assert_int_equal(agt_imds_listen(imds, fd, "a\n", NULL), -1);
	memset(&err, 0, sizeof(err));
	assert_int_equal(agt_imds_listen(imds, fd, LABEL_A, &err), -1);
	assert_non_null(strstr(err.msg, "exists"));
	/* The caller still owns fd after a failure. */
	assert_int_equal(close(fd), 0);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(agt_imds_listen(imds, p[0], "pipe", NULL), -1);
	(void)close(p[0]);
	(void)close(p[1]);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_int_equal(agt_imds_listen(imds, fd, "udp", NULL), -1);
	(void)close(fd);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_int_equal(agt_imds_listen(imds, fd, "idle", NULL), -1);
	(void)close(fd);
	fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(listen(fd, 1), 0);
	assert_int_equal(agt_imds_listen(imds, fd, "v6", NULL), -1);
	(void)close(fd);
	assert_int_equal(agt_imds_listen(imds, -1, "neg", NULL), -1);
	agt_imds_unlisten(imds, "nobody");
	agt_imds_unlisten(imds, NULL);
	agt_imds_unlisten(NULL, LABEL_A);
	/* Configurations that cannot work. */
	memset(&c, 0, sizeof(c));
	c.lookup = fake_lookup;
	assert_null(agt_imds_new(&c, &err));
	memset(c.secret, 1, sizeof(c.secret));
	c.lookup = NULL;
	assert_null(agt_imds_new(&c, NULL));
	agt_imds_free(NULL);
	agt_imds_inst_clear(NULL);
}

/* unlisten closes the socket; the label can be used again. */
static void
test_unlisten(void **state)
{
	struct sockaddr_in	sa;
	int			fd;

	(void)state;
	agt_imds_unlisten(imds, LABEL_A);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons(port_a);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), -1);
	assert_int_equal(errno, ECONNREFUSED);
	(void)close(fd);
	listen_as(imds, LABEL_A, &port_a);
	assert_int_equal(get("/latest/meta-data/instance-id"), 200);
}

static void
test_token_strings(void **state)
{
	static const char *const bad[] = {
		"", "A", "====", "AQAAAaIE0nbL7jLF2ZsiGnWu2vPKVNwrqm75iNWFtNwd"
		"G+wdY7Gmh6g=", "not base64 at all!",
		"AQAAAaIE0nbL 7jLF2ZsiGnWu2vPKVNwrqm75iNWFtNwdG+wdY7Gmh6g=",
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
		"AAAAAAAAAAAA",
	};
	char		tok[AGT_IMDS_TOKEN_MAX + 1], t2[AGT_IMDS_TOKEN_MAX + 1];
	int64_t		left = 0;
	size_t		i;

	(void)state;
	assert_int_equal(agt_imds_token_make(secret, "i-1", T0_MS + 1500, tok,
	    sizeof(tok)), 0);
	assert_int_equal(agt_imds_token_check(secret, "i-1", tok, T0_MS,
	    &left), 0);
	assert_int_equal(left, 2);	/* 1.5 s left rounds up */
	assert_int_equal(agt_imds_token_check(secret, "i-2", tok, T0_MS,
	    &left), -1);
	assert_int_equal(agt_imds_token_check(secret, "i-1", NULL, T0_MS,
	    &left), -1);
	for (i = 0; i < MC_NELEMS(bad); i++)
		assert_int_equal(agt_imds_token_check(secret, "i-1", bad[i],
		    T0_MS, &left), -1);
	/* Each changed character of a good token spoils it. */
	for (i = 0; tok[i] != '\0' && tok[i] != '='; i++) {
		memcpy(t2, tok, sizeof(t2));
		t2[i] = t2[i] == 'A' ? 'B' : 'A';
		assert_int_equal(agt_imds_token_check(secret, "i-1", t2, T0_MS,
		    &left), -1);
	}
	/* Too small a buffer, too long an id: refused, not overrun. */
	assert_int_equal(agt_imds_token_make(secret, "i-1", T0_MS, tok, 8), -1);
	memset(t2, 'i', sizeof(t2) - 1);
	t2[sizeof(t2) - 1] = '\0';
	assert_int_equal(agt_imds_token_make(secret, t2, T0_MS, tok,
	    sizeof(tok)), -1);
}

int
main(void)
{
#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_versions),
		T(test_crawl_full),
		T(test_crawl_minimal),
		T(test_paths),
		T(test_document),
		T(test_user_data),
		T(test_token_ttl),
		T(test_token_use),
		T(test_token_restart),
		T(test_endpoint_disabled),
		T(test_forwarded),
		T(test_methods),
		T(test_bad_requests),
		T(test_connection_limit),
		T(test_unknown_peers),
		T(test_hop_limit),
		T(test_hostile_instance),
		T(test_listen_errors),
		T(test_unlisten),
		T(test_token_strings),
	};
	int rc;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
