/*
 * agt_imds: the instance metadata service (169.254.169.254) of one host.
 * The agent hands it listening sockets, one per network (VPC namespace),
 * each with a label; a request's instance is found from that label and
 * the peer's IPv4 address only, never from headers.  It serves EC2's
 * paths, IMDSv1 and IMDSv2 tokens; it does not make sockets or routes.
 */
#ifndef AGT_IMDS_H
#define AGT_IMDS_H

#include <netinet/in.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mc_err;
struct agt_imds;

#define AGT_IMDS_LABEL_MAX	64	/* bytes in a listener's label */
#define AGT_IMDS_HOP_DEFAULT	1	/* EC2's HttpPutResponseHopLimit */

/*
 * What the IMDS serves for one instance; the agent's lookup fills it.
 * Strings are NUL-terminated; "" means "none" and the path that would
 * show it is neither listed nor served.  The pointer members are owned
 * by the struct (malloc'd, each string of an array too) and released by
 * agt_imds_inst_clear.
 */
struct agt_imds_inst {
	char		  id[32];		/* i-...; required */
	char		  account[16];
	char		  reservation[32];
	char		  image_id[32];
	char		  kernel_id[32];
	char		  ramdisk_id[32];
	char		  type[64];
	char		  architecture[16];	/* "": x86_64 */
	char		  root_device[32];	/* "": /dev/xvda */
	char		  zone[64];
	char		  zone_id[64];		/* e.g. mc-1-az1 */
	char		  region[64];
	unsigned	  launch_index;
	int64_t		  pending_time_ms;	/* launch, for the document */
	char		  private_ip[16];
	char		  public_ip[16];
	char		  mac[18];		/* lower case aa:bb:... */
	char		  hostname[256];	/* private DNS name */
	char		  public_hostname[256];
	char		  eni_id[32];
	char		  subnet_id[32];
	char		  subnet_cidr[20];
	char		  vpc_id[32];
	char		  vpc_cidr[20];
	char		**sg_ids;		/* n_sgs of each; 0: no groups */
	char		**sg_names;
	size_t		  n_sgs;
	char		  key_name[256];
	char		 *key_openssh;		/* NULL or "": no key */
	unsigned char	 *user_data;		/* raw bytes, user_data_len */
	size_t		  user_data_len;
	bool		  has_user_data;	/* false: user-data is 404 */
	char		**tag_keys;		/* n_tags of each */
	char		**tag_values;
	size_t		  n_tags;
	/* MetadataOptions */
	bool		  http_tokens_required;
	bool		  http_endpoint_enabled;
	bool		  instance_metadata_tags;
	unsigned	  hop_limit;		/* 1..64; else the default */
};

/* Free what in owns and zero it (in may be NULL, or cleared already). */
void	agt_imds_inst_clear(struct agt_imds_inst *in);

struct agt_imds_conf {
	unsigned char	 secret[32];	/* token HMAC key; the agent keeps it */
	/*
	 * Find the instance at address peer on the network named label.
	 * Called from the listeners' threads, several at once: it must be
	 * thread-safe and quick.  Returns 0 with *ret filled (the IMDS
	 * clears it), or -1 when no instance is there.
	 */
	int		(*lookup)(void *arg, const char *label,
			    struct in_addr peer, struct agt_imds_inst *ret);
	/* The time in ms since the epoch; NULL: the real clock (tests). */
	int64_t		(*clock_ms)(void *arg);
	void		*arg;		/* given to lookup and clock_ms */
	char		 domain[64];	/* services/domain; "": amazonaws.com */
	char		 partition[16];	/* services/partition; "": aws */
};

/*
 * A new service with no listener, copying c.  Returns NULL with err set
 * when c has no lookup or an all-zero secret, or memory runs out.
 */
struct agt_imds	*agt_imds_new(const struct agt_imds_conf *c,
		    struct mc_err *err);

/*
 * Serve on fd, an already listening IPv4 TCP socket, for the network
 * named label (copied; 1..AGT_IMDS_LABEL_MAX printable bytes, unique
 * in m).  Starts one thread for it.  Takes fd on success; on failure
 * the caller keeps it.  Returns 0, or -1 with err set.
 */
int	agt_imds_listen(struct agt_imds *m, int fd, const char *label,
	    struct mc_err *err);

/*
 * Stop serving label: waits for requests in progress and closes its
 * socket.  An unknown label is ignored.
 */
void	agt_imds_unlisten(struct agt_imds *m, const char *label);

/* Stop every listener and free m (NULL ok). */
void	agt_imds_free(struct agt_imds *m);

/*
 * agt_imds_new, _listen, _unlisten and _free must be called from one
 * thread (the agent's main loop); only lookup and clock_ms run on the
 * listeners' threads.
 */

#endif /* AGT_IMDS_H */
