/*
 * Tests of agt_imds: who is answered and how.  The per-guest connection
 * limit, peers nobody knows (another listener, another address, a
 * lookup that finds nobody), the hop limit as the IP TTL of answers
 * (on the socket, and on the wire given CAP_NET_RAW), and listeners
 * refused, removed and made again.  Fixtures: agt_imds_test.h.
 */
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <unistd.h>

#include "agt_imds_test.h"

#include "mc_buf.h"
#include "mc_cleanup.h"
#include "mc_err.h"

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

int
main(void)
{
#define T(f)	cmocka_unit_test_setup_teardown(f, imds_setup, imds_teardown)
	const struct CMUnitTest tests[] = {
		T(test_connection_limit),
		T(test_unknown_peers),
		T(test_hop_limit),
		T(test_listen_errors),
		T(test_unlisten),
	};
	int rc;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
