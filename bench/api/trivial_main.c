/*
 * mc-bench-trivial: a benchmark baseline, never part of the product.
 * Serves every request on the controller's HTTP stack (ctl_http with the
 * API listener's options) with a fixed small XML body, parsing nothing,
 * so that bench/api can tell the API's own cost from the stack's.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_conf.h"
#include "mc_err.h"
#include "ctl_http.h"

#define PROG		"mc-bench-trivial"
#define THREADS		4		/* as the controller's api-threads */
#define CONN_LIMIT	1024
#define IDLE_S		60
#define BODY_LIMIT	262144		/* as the controller's max-body-bytes */
#define REQUEST_ID	"00000000-0000-4000-8000-000000000000"
#define BODY \
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" \
	"<BenchResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">" \
	"<requestId>" REQUEST_ID "</requestId></BenchResponse>"

/* The handler: the same answer to everything. */
static void
serve(void *arg, const struct ctl_http_req *req, struct ctl_http_resp *resp)
{
	(void)arg;
	(void)req;
	resp->content_type = "text/xml;charset=UTF-8";
	resp->body = strdup(BODY);
	if (resp->body == NULL) {
		resp->status = 500;
		return;
	}
	resp->status = 200;
	resp->body_len = sizeof(BODY) - 1;
	(void)snprintf(resp->request_id, sizeof(resp->request_id), "%s",
	    REQUEST_ID);
}

/* "IP:PORT", or a bare port on 127.0.0.1. */
static int
parse_addr(const char *s, struct mc_addr *addr, struct mc_err *err)
{
	char buf[64];

	if (s[0] != '\0' && strspn(s, "0123456789") == strlen(s)) {
		(void)snprintf(buf, sizeof(buf), "127.0.0.1:%.10s", s);
		return mc_addr_parse(buf, addr, err);
	}
	return mc_addr_parse(s, addr, err);
}

int
main(int argc, char *argv[])
{
	struct ctl_http_opts	 o;
	struct ctl_http		*h = NULL;
	struct mc_err		 err = { 0 };
	sigset_t		 stop;
	int			 sig;

	if (argc != 2) {
		fprintf(stderr, "usage: " PROG " IP:PORT|PORT\n");
		return 2;
	}
	memset(&o, 0, sizeof(o));
	if (parse_addr(argv[1], &o.addr, &err) < 0) {
		fprintf(stderr, PROG ": %s\n", err.msg);
		return 2;
	}
	o.body_limit = BODY_LIMIT;
	o.threads = THREADS;
	o.conn_limit = CONN_LIMIT;
	o.timeout_s = IDLE_S;
	/* Block before any thread starts, so that all inherit the mask. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	(void)pthread_sigmask(SIG_BLOCK, &stop, NULL);
	(void)signal(SIGPIPE, SIG_IGN);
	if (ctl_http_start(&o, serve, NULL, &h, &err) < 0) {
		fprintf(stderr, PROG ": %s\n", err.msg);
		return 1;
	}
	printf("%u\n", (unsigned)ctl_http_port(h));
	(void)fflush(stdout);
	(void)sigwait(&stop, &sig);	/* only SIGTERM or SIGINT */
	ctl_http_free(h);
	return 0;
}
