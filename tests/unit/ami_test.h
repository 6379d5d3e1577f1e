/*
 * ami_test: helpers for the image tests: a real libmicrohttpd server on
 * 127.0.0.1 serving one file with Range support, that can be told to
 * fail, to ignore Range, to lie about the range, to stream without a
 * length or to stall; and a file of known bytes.  Header-only, like
 * mc_test.h.
 */
#ifndef AMI_TEST_H
#define AMI_TEST_H

#include <sys/socket.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <unistd.h>

#include <microhttpd.h>

#include "mc_test.h"

enum ami_test_mode {
	AMI_TEST_SERVE,		/* the file; Range "bytes=N-" gives 206 */
	AMI_TEST_IGNORE_RANGE,	/* always the whole file, 200 */
	AMI_TEST_FAIL,		/* 404 for everything */
	AMI_TEST_WRONG_RANGE,	/* 206 whose Content-Range starts at 0 */
	AMI_TEST_CHUNKED,	/* the whole file, 200, no Content-Length */
	AMI_TEST_STALL,		/* wait AMI_TEST_STALL_MS, then an empty 200 */
};

#define AMI_TEST_STALL_MS	1500

/* The server; what it saw is read by the test once a request is done. */
struct ami_test_srv {
	struct MHD_Daemon	*d;
	uint16_t		 port;
	char			 file[1024];	/* what /file serves */
	enum ami_test_mode	 mode;
	pthread_mutex_t		 lock;
	int			 n_requests;
	char			 range[64];	/* last Range header, or "" */
	char			 auth[128];	/* last Authorization, or "" */
};

static inline void
ami_test_note(struct ami_test_srv *s, struct MHD_Connection *conn)
{
	const char *range, *auth;

	range = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_RANGE);
	auth = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_AUTHORIZATION);
	pthread_mutex_lock(&s->lock);
	s->n_requests++;
	(void)snprintf(s->range, sizeof(s->range), "%s",
	    range != NULL ? range : "");
	(void)snprintf(s->auth, sizeof(s->auth), "%s",
	    auth != NULL ? auth : "");
	pthread_mutex_unlock(&s->lock);
}

static inline enum MHD_Result
ami_test_status(struct MHD_Connection *conn, unsigned int status,
    const char *location)
{
	struct MHD_Response	*r;
	enum MHD_Result		 ret;

	r = MHD_create_response_from_buffer(0, (void *)"",
	    MHD_RESPMEM_PERSISTENT);
	if (location != NULL)
		MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION, location);
	ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* Streams a file with no length known: MHD sends it chunked. */
static inline ssize_t
ami_test_read_fd(void *cls, uint64_t pos, char *buf, size_t max)
{
	ssize_t r = pread((int)(intptr_t)cls, buf, max, (off_t)pos);

	return r > 0 ? r : MHD_CONTENT_READER_END_OF_STREAM;
}

static inline void
ami_test_close_fd(void *cls)
{
	(void)close((int)(intptr_t)cls);
}

static inline ssize_t
ami_test_stall(void *cls, uint64_t pos, char *buf, size_t max)
{
	(void)cls;
	(void)pos;
	(void)buf;
	(void)max;
	usleep(AMI_TEST_STALL_MS * 1000);
	return MHD_CONTENT_READER_END_OF_STREAM;
}

/* The file from the Range's start (or whole): 200, 206 or 416. */
static inline enum MHD_Result
ami_test_serve(struct ami_test_srv *s, struct MHD_Connection *conn)
{
	const char		*range;
	struct MHD_Response	*r;
	struct stat		 st;
	unsigned long long	 start = 0;
	unsigned int		 status = MHD_HTTP_OK;
	char			 cr[128];
	int			 fd = open(s->file, O_RDONLY | O_CLOEXEC);
	enum MHD_Result		 ret;

	assert_true(fd >= 0 && fstat(fd, &st) == 0);
	range = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_RANGE);
	if (s->mode == AMI_TEST_CHUNKED) {
		r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096,
		    ami_test_read_fd, (void *)(intptr_t)fd, ami_test_close_fd);
		goto queue;
	}
	if (range != NULL && s->mode != AMI_TEST_IGNORE_RANGE &&
	    sscanf(range, "bytes=%llu-", &start) == 1) {
		if (start >= (unsigned long long)st.st_size) {
			(void)close(fd);
			return ami_test_status(conn, 416, NULL);
		}
		status = MHD_HTTP_PARTIAL_CONTENT;
	}
	/* Takes fd. */
	r = MHD_create_response_from_fd_at_offset64(st.st_size - start, fd,
	    start);
	if (status == MHD_HTTP_PARTIAL_CONTENT) {
		(void)snprintf(cr, sizeof(cr), "bytes %llu-%llu/%llu",
		    s->mode == AMI_TEST_WRONG_RANGE ? 0 : start,
		    (unsigned long long)st.st_size - 1,
		    (unsigned long long)st.st_size);
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_RANGE, cr);
	}
queue:
	ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

static inline enum MHD_Result
ami_test_handle(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **con_cls)
{
	struct ami_test_srv	*s = cls;
	struct MHD_Response	*r;
	enum MHD_Result		 ret;

	(void)method;
	(void)version;
	(void)upload;
	(void)upload_size;
	(void)con_cls;
	ami_test_note(s, conn);
	if (s->mode == AMI_TEST_FAIL)
		return ami_test_status(conn, MHD_HTTP_NOT_FOUND, NULL);
	if (strcmp(url, "/redirect") == 0)
		return ami_test_status(conn, MHD_HTTP_FOUND, "/file");
	if (strcmp(url, "/tofile") == 0)
		return ami_test_status(conn, MHD_HTTP_FOUND,
		    "file:///etc/passwd");
	if (strcmp(url, "/loop") == 0)
		return ami_test_status(conn, MHD_HTTP_FOUND, "/loop");
	if (strcmp(url, "/file") != 0)
		return ami_test_status(conn, MHD_HTTP_NOT_FOUND, NULL);
	if (s->mode != AMI_TEST_STALL)
		return ami_test_serve(s, conn);
	r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096,
	    ami_test_stall, NULL, NULL);
	ret = MHD_queue_response(conn, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

/* Start a server for file (borrowed path); the caller stops it. */
static inline struct ami_test_srv *
ami_test_srv_start(const char *file)
{
	struct ami_test_srv		*s = calloc(1, sizeof(*s));
	const union MHD_DaemonInfo	*info;
	struct sockaddr_in		 sin = { .sin_family = AF_INET };

	assert_non_null(s);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	(void)snprintf(s->file, sizeof(s->file), "%s", file);
	pthread_mutex_init(&s->lock, NULL);
	/* A thread per connection: a stalled answer blocks no other. */
	s->d = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION |
	    MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL,
	    ami_test_handle, s, MHD_OPTION_SOCK_ADDR, &sin, MHD_OPTION_END);
	assert_non_null(s->d);
	info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
	assert_non_null(info);
	s->port = info->port;
	return s;
}

static inline void
ami_test_srv_stop(struct ami_test_srv *s)
{
	MHD_stop_daemon(s->d);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

/* "http://127.0.0.1:PORT" + path into buf. */
static inline void
ami_test_url(const struct ami_test_srv *s, const char *path, char *buf,
    size_t bufsz)
{
	(void)snprintf(buf, bufsz, "http://127.0.0.1:%u%s", s->port, path);
}

static inline int
ami_test_requests(struct ami_test_srv *s, char range[64])
{
	int n;

	pthread_mutex_lock(&s->lock);
	n = s->n_requests;
	if (range != NULL)
		memcpy(range, s->range, sizeof(s->range));
	pthread_mutex_unlock(&s->lock);
	return n;
}

/* Write size bytes of a fixed pattern (not all one byte) to path. */
static inline void
ami_test_write_file(const char *path, size_t size)
{
	FILE	*f = fopen(path, "wb");
	size_t	 i;

	assert_non_null(f);
	for (i = 0; i < size; i++)
		fputc((int)((i * 131 + i / 509) & 0xff), f);
	assert_int_equal(fclose(f), 0);
}

#endif /* AMI_TEST_H */
