/*
 * Tests of agt_imds: the metadata tree and its documents.  Every
 * version's tree crawled as cloud-init would, for a full and a minimal
 * instance (the full tree of latest against a golden file), single
 * paths good and bad, the identity document, user data of any bytes,
 * and whatever a hostile lookup returns.  Fixtures: agt_imds_test.h.
 */
#include <string.h>

#include <curl/curl.h>
#include <json-c/json.h>

#include "agt_imds_test.h"

#include "mc_buf.h"
#include "mc_cleanup.h"

#define DATA		"data/agt_imds/"

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

int
main(void)
{
#define T(f)	cmocka_unit_test_setup_teardown(f, imds_setup, imds_teardown)
	const struct CMUnitTest tests[] = {
		T(test_versions),
		T(test_crawl_full),
		T(test_crawl_minimal),
		T(test_paths),
		T(test_document),
		T(test_user_data),
		T(test_hostile_instance),
	};
	int rc;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
