/*
 * st: where volumes live.  A pool is one storage back end behind a
 * table of operations: "dir" keeps each volume as a file in a directory
 * (which the hosts of a zone may share over NFS); a distributed back end
 * (Ceph RBD) is a new row, not a change to its callers.  It makes,
 * grows, lists and removes volumes' storage and says how a hypervisor
 * reaches each one (st_disk); it knows nothing of instances or
 * attachments.
 */
#ifndef ST_H
#define ST_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "ami_format.h"

struct mc_err;
struct st_pool;

#define ST_VOL_GIB_MAX		65536	/* 64 TiB, EC2's largest volume */
#define ST_VOL_ID_MAX		21	/* "vol-" + 17 hex digits */
#define ST_LIST_MAX		65536	/* volumes one pool may list */
#define ST_TIMEOUT_MS		(30 * 60 * 1000)	/* one qemu-img run */

/* How to open a pool: the back end's name and its settings. */
struct st_pool_conf {
	const char	*backend;	/* "dir" */
	/*
	 * "dir": the pool's directory, absolute; it must exist (a missing
	 * NFS mount must not silently become a local directory).
	 */
	const char	*dir;
	int		 timeout_ms;	/* per qemu-img run; 0: ST_TIMEOUT_MS */
};

/* A volume as st_vol_ensure makes it.  Borrowed by every call. */
struct st_vol {
	const char	*id;		/* "vol-" + 8 or 17 hex digits */
	uint64_t	 size_gib;	/* 1..ST_VOL_GIB_MAX */
	enum ami_format	 format;
	/*
	 * NULL or "": empty.  Else the absolute path of a file (a
	 * snapshot) whose content the volume starts with, of format
	 * source_format: a raw file is taken as raw whatever its content
	 * looks like; a qcow2 must be one, without a backing or external
	 * data file (see ami_format).
	 */
	const char	*source;
	enum ami_format	 source_format;
};

/* One volume id, as st_vol_list returns them. */
struct st_vol_id {
	char	id[ST_VOL_ID_MAX + 1];
};

/* How QEMU reaches a volume: a local file, or a network block device. */
enum st_disk_type {
	ST_DISK_FILE,
	ST_DISK_NETWORK,
	ST_DISK__MAX
};

#define ST_DISK_HOSTS_MAX	4
#define ST_HOST_MAX		253	/* a DNS name */
#define ST_PROTOCOL_MAX		15
#define ST_NAME_MAX		255
#define ST_USER_MAX		63
#define ST_UUID_LEN		36

/* A server of a network disk (a Ceph monitor, for rbd). */
struct st_disk_host {
	char		name[ST_HOST_MAX + 1];	/* DNS name or address */
	unsigned	port;			/* 0: the protocol's default */
};

/*
 * A volume's source as libvirt's <disk> wants it.  FILE: path.
 * NETWORK (no back end makes one yet): protocol ("rbd"), the image's
 * name in the cluster ("pool/vol-..."), its servers, and the user with
 * the UUID of the libvirt secret that holds the key ("": no auth).
 */
struct st_disk {
	enum st_disk_type	type;
	enum ami_format		format;		/* what QEMU reads */
	char			path[PATH_MAX];
	char			protocol[ST_PROTOCOL_MAX + 1];
	char			name[ST_NAME_MAX + 1];
	struct st_disk_host	hosts[ST_DISK_HOSTS_MAX];
	size_t			n_hosts;
	char			auth_user[ST_USER_MAX + 1];
	char			auth_secret[ST_UUID_LEN + 1];
};

/*
 * Open the pool conf describes (borrowed; copied).  On success *ret is
 * a new pool the caller frees with st_pool_free.  A pool keeps no
 * mutable state: its operations may run at once from several threads
 * (and, on a shared directory, from several hosts).  Returns 0, or -1
 * with err set: InvalidParameterValue for an unknown back end or a bad
 * setting (a relative or missing directory, one this process cannot
 * write).
 */
int	st_pool_open(const struct st_pool_conf *conf, struct st_pool **ret,
	    struct mc_err *err);

/* Close p (NULL is fine). */
void	st_pool_free(struct st_pool *p);

/*
 * Make v's storage if absent: empty (a sparse raw file, or a qcow2) of
 * size_gib, or v->source converted to v's format and grown to
 * size_gib.  It is built under a temporary name and published only
 * whole; when another host or thread publishes the same volume first,
 * theirs stays and ours is dropped.  If present and smaller than
 * size_gib, grow it (which fails while a QEMU has it open: grow it
 * through the hypervisor then); never shrink it and never touch its
 * data otherwise.  Slow (a copy): call it from a worker, not a loop.
 * Returns 0, or -1 with err set: InvalidVolumeID.Malformed;
 * InvalidParameterValue for a bad size or format, a source that is not
 * an absolute path, not a plain qcow2 when it says so, or larger than
 * size_gib, or a volume that exists in the other format; InternalError
 * otherwise.  Messages (qemu-img's too) may name host paths: log them,
 * do not show them to an API client.
 */
int	st_vol_ensure(struct st_pool *p, const struct st_vol *v,
	    struct mc_err *err);

/*
 * Remove volume id's storage; none is not an error.  Refuses while a
 * QEMU holds it open (VolumeInUse), where the back end can tell (dir:
 * QEMU's locks on the file, which NFS v4 carries across hosts).
 * Returns 0, or -1 with err set (InvalidVolumeID.Malformed,
 * VolumeInUse, InternalError).
 */
int	st_vol_remove(struct st_pool *p, const char *id, struct mc_err *err);

/*
 * The ids of the volumes the pool holds, sorted, each once.  *ret is a
 * new array the caller frees (NULL when none), *ret_n its length.
 * Whatever in the pool is not named like a volume is not listed.
 * Returns 0, or -1 with err set (InternalError; more than ST_LIST_MAX).
 */
int	st_vol_list(struct st_pool *p, struct st_vol_id **ret, size_t *ret_n,
	    struct mc_err *err);

/*
 * The size of volume id as the guest sees it, in bytes, into
 * *ret_bytes.  Returns 0, or -1 with err set: InvalidVolumeID.Malformed,
 * InvalidVolume.NotFound when the pool does not hold it, InternalError.
 */
int	st_vol_size(struct st_pool *p, const char *id, uint64_t *ret_bytes,
	    struct mc_err *err);

/*
 * Fill *ret with how a hypervisor reaches volume id (dir: type FILE,
 * the file's path and format).  Errors as st_vol_size; *ret is written
 * only on success.
 */
int	st_vol_disk(struct st_pool *p, const char *id, struct st_disk *ret,
	    struct mc_err *err);

#endif /* ST_H */
