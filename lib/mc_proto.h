/*
 * mc_proto: the agents' protocol, JSON over HTTP between each
 * minicloud-agent and the controller.  The agent registers its host,
 * long-polls the desired state of its instances (a generation number
 * says what it has seen), and reports the actual state of every
 * instance it knows.  This module encodes and decodes the messages and
 * checks every field: each side validates what the other sends.
 */
#ifndef MC_PROTO_H
#define MC_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mc_err;

#define MC_PROTO_ID_MAX		32	/* EC2 ids: "i-" + 17 hex ... */
#define MC_PROTO_NAME_MAX	63	/* host names */
#define MC_PROTO_ZONE_MAX	64
#define MC_PROTO_TYPE_MAX	64	/* instance type names */
#define MC_PROTO_WHY_MAX	255	/* one sentence */
#define MC_PROTO_CMDLINE_MAX	1023
#define MC_PROTO_SHA256		64
#define MC_PROTO_MAX_INSTANCES	4096	/* per host, per message */
#define MC_PROTO_MAX_VIEW	65536	/* interfaces of a VPC: a /16 */
#define MC_PROTO_MAX_VPCS	4096	/* in one host's view */
#define MC_PROTO_MAX_BYTES	(64u * 1024 * 1024)	/* of one message */
#define MC_PROTO_MAC_MAX	17	/* "02:00:00:00:00:01" */
#define MC_PROTO_DNS_MAX	255
#define MC_PROTO_KEY_MAX	16384	/* an OpenSSH public key line */
#define MC_PROTO_USER_DATA_MAX	16384	/* bytes, as on EC2 */
#define MC_PROTO_TAGS_MAX	50
#define MC_PROTO_NIC_GROUPS	5	/* security groups per interface */
#define MC_PROTO_SG_RULES	120	/* per group: 60 each way */
#define MC_PROTO_SG_NAME_MAX	255
#define MC_PROTO_INST_VOLS	24	/* volumes attached to one instance */
#define MC_PROTO_DEVICE_MAX	31	/* "/dev/sdf", "/dev/xvdba" */
#define MC_PROTO_SNAP_JOBS	256	/* snapshots one host takes at once */

/* POST /v1/hosts/register: a host says what it is. */
struct mc_proto_host {
	char		name[MC_PROTO_NAME_MAX + 1];
	char		zone[MC_PROTO_ZONE_MAX + 1];
	unsigned	vcpus;
	uint64_t	mem_mib;
	uint64_t	disk_gib;
	char		accel[8];			/* "kvm" or "tcg" */
	char		accel_why[MC_PROTO_WHY_MAX + 1];
	char		version[32];
	/* Its address on the network between hosts ("": no overlay). */
	char		underlay[16];
};

/* An image file the agent must have: a machine image, kernel or ramdisk. */
struct mc_proto_image {
	char		id[MC_PROTO_ID_MAX + 1];	/* "" : none */
	char		format[8];			/* "raw", "qcow2" */
	char		sha256[MC_PROTO_SHA256 + 1];
	uint64_t	size;
};

enum mc_proto_want {
	MC_PROTO_WANT_RUNNING,
	MC_PROTO_WANT_STOPPED,
	MC_PROTO_WANT_TERMINATED,
	MC_PROTO_WANT__MAX
};

/* A short list of ids, such as an interface's security groups. */
struct mc_proto_ids {
	char		v[MC_PROTO_NIC_GROUPS][MC_PROTO_ID_MAX + 1];
	size_t		n;
};

/* The instance's network interface, as its host wires it. */
struct mc_proto_nic {
	char		eni[MC_PROTO_ID_MAX + 1];	/* "" : no interface */
	char		mac[MC_PROTO_MAC_MAX + 1];	/* lower case */
	char		vpc[MC_PROTO_ID_MAX + 1];
	char		subnet[MC_PROTO_ID_MAX + 1];
	unsigned	vni;		/* the VPC's small number */
	char		ip[16];				/* "10.0.1.5" */
	char		subnet_cidr[19];		/* "10.0.1.0/24" */
	char		vpc_cidr[19];
	char		public_ip[16];			/* "" : none */
	char		dns_name[MC_PROTO_DNS_MAX + 1];	/* private name */
	struct mc_proto_ids groups;	/* security groups, in order */
};

struct mc_proto_tag {
	char		*key, *value;			/* owned */
};

/* What the instance metadata service says to the instance. */
struct mc_proto_md {
	unsigned		 launch_index;
	uint64_t		 launch_ms;
	char			 key_name[256];
	char			*key_openssh;	/* owned; NULL : none */
	unsigned char		*user_data;	/* owned */
	size_t			 user_data_len;
	bool			 has_user_data;
	char			 tokens[16];	/* optional, required */
	unsigned		 hop_limit;	/* 1..64 */
	char			 endpoint[16];	/* enabled, disabled */
	bool			 instance_tags;	/* tags/instance/ served */
	struct mc_proto_tag	*tags;		/* owned */
	size_t			 n_tags;
};

/*
 * A block volume (EBS-like) of the host's zone: its file in the zone's
 * pool is made on first use (empty, or from source when that names a
 * snapshot), grown to size_gib, and removed once no desired state
 * lists it.
 */
struct mc_proto_vol {
	char			id[MC_PROTO_ID_MAX + 1];	/* "vol-..." */
	uint64_t		size_gib;
	char			format[8];		/* "qcow2", "raw" */
	char			zone[MC_PROTO_ZONE_MAX + 1];
	struct mc_proto_image	source;			/* id "": empty */
};

/* A volume attached to an instance, at a device name. */
struct mc_proto_attach {
	char		vol[MC_PROTO_ID_MAX + 1];
	char		device[MC_PROTO_DEVICE_MAX + 1];	/* "/dev/sdf" */
};

/* One instance as the controller wants it on the host. */
struct mc_proto_inst {
	char			id[MC_PROTO_ID_MAX + 1];
	char			account[MC_PROTO_ID_MAX + 1];
	char			reservation[MC_PROTO_ID_MAX + 1];
	char			type[MC_PROTO_TYPE_MAX + 1];
	unsigned		vcpus;
	unsigned		mem_mib;
	uint64_t		root_bytes;	/* overlay size; 0: image's */
	struct mc_proto_image	image;
	struct mc_proto_image	kernel;		/* direct boot when set */
	struct mc_proto_image	ramdisk;
	char			cmdline[MC_PROTO_CMDLINE_MAX + 1];
	enum mc_proto_want	want;
	char			state[16];	/* EC2's: pending, running... */
	bool			force;		/* stop without waiting */
	unsigned		reboot_seq;	/* reboot when it grows */
	char			zone[MC_PROTO_ZONE_MAX + 1];
	struct mc_proto_nic	nic;
	struct mc_proto_md	md;		/* owns memory: see _clear */
	struct mc_proto_attach	vols[MC_PROTO_INST_VOLS];	/* wanted */
	size_t			n_vols;
	/* Its root volume's id ("": none): its disk, for snapshots. */
	char			root_vol[MC_PROTO_ID_MAX + 1];
};

/*
 * A snapshot the host must take of volume vol: of its file in the
 * zone's pool, or (root) of instance's own disk.  instance is where the
 * volume is attached on this host ("": nowhere, read the pool's file);
 * while that instance runs the copy is taken live, crash-consistent.
 * reboot (CreateImage without NoReboot): shut the instance down first
 * and start it again once the copy is taken.  The agent uploads the
 * copy (PUT /v1/snapshots/ID) and reports its progress until the
 * controller no longer lists the job.
 */
struct mc_proto_snap_job {
	char		id[MC_PROTO_ID_MAX + 1];	/* "snap-..." */
	char		vol[MC_PROTO_ID_MAX + 1];	/* "vol-..." */
	char		instance[MC_PROTO_ID_MAX + 1];	/* "" : none */
	bool		root;
	bool		reboot;
};

/*
 * One rule of a security group.  proto is an IP protocol number or -1
 * for all; for tcp and udp from..to is the port range, for icmp from is
 * the type and to the code; -1 means all.  The peer is cidr, or the
 * members of group when that is set.
 */
struct mc_proto_sg_rule {
	char		id[MC_PROTO_ID_MAX + 1];	/* "sgr-..." */
	bool		egress;
	int		proto;
	int		from, to;
	char		cidr[19];			/* "" : group */
	char		group[MC_PROTO_ID_MAX + 1];	/* "" : cidr */
};

struct mc_proto_ipv4 {
	char		ip[16];
};

/*
 * A security group: its rules, and the addresses of its members in its
 * VPC (on every host: rules that name the group need them all).  The
 * members are not on the wire: the agent fills them in from its view
 * of the VPC (struct mc_proto_view).
 */
struct mc_proto_sg {
	char			 id[MC_PROTO_ID_MAX + 1];	/* "sg-..." */
	char			 name[MC_PROTO_SG_NAME_MAX + 1];
	char			 vpc[MC_PROTO_ID_MAX + 1];
	struct mc_proto_sg_rule	*rules;		/* owned */
	size_t			 n_rules;
	struct mc_proto_ipv4	*members;	/* owned */
	size_t			 n_members;
};

/*
 * An instance of one of the host's VPCs that runs on another host: its
 * address in the VPC and that host's underlay address, where the VPC's
 * overlay (VXLAN, the VPC's vni) carries its packets.
 */
struct mc_proto_peer {
	char		vpc[MC_PROTO_ID_MAX + 1];
	char		ip[16];
	char		host_ip[16];
};

/*
 * The view of a VPC every host of it holds: each live interface's
 * address and groups, and its host's underlay address when that is
 * another host with one.  A VPC's view is sent whole once, then only
 * the interfaces that changed since the sequence the agent holds
 * (gone: the interface or its instance went), so that a launch costs
 * each host of a busy VPC a few entries, not the whole VPC again.
 */
struct mc_proto_view_eni {
	char			id[MC_PROTO_ID_MAX + 1];	/* "eni-..." */
	bool			gone;
	char			ip[16];		/* "" when gone */
	char			host_ip[16];	/* "" : this host, or none */
	struct mc_proto_ids	groups;
};

struct mc_proto_view_vpc {
	char				 id[MC_PROTO_ID_MAX + 1];
	bool				 full;	/* replaces what is held */
	struct mc_proto_view_eni	*enis;	/* owned */
	size_t				 n_enis;
};

/* The VPCs the host must hold (any other is dropped), at seq. */
struct mc_proto_view {
	uint64_t			 seq;
	struct mc_proto_view_vpc	*vpcs;	/* owned */
	size_t				 n_vpcs;
};

/* GET /v1/hosts/NAME/desired: everything wanted on the host. */
struct mc_proto_desired {
	uint64_t		 generation;
	unsigned		 stop_timeout_s;
	char			 region[MC_PROTO_ZONE_MAX + 1];
	struct mc_proto_inst	*v;		/* owned */
	size_t			 n;
	/* The groups of those instances and the groups their rules name. */
	struct mc_proto_sg	*groups;	/* owned */
	size_t			 n_groups;
	/* Every volume of the host's zone that exists (attached or not). */
	struct mc_proto_vol	*volumes;	/* owned */
	size_t			 n_volumes;
	/* Snapshots this host must take. */
	struct mc_proto_snap_job *snaps;	/* owned */
	size_t			 n_snaps;
	/* The changes to the views of the host's VPCs. */
	struct mc_proto_view	 view;
	/*
	 * The other hosts' instances in this host's VPCs: not on the wire,
	 * filled in from the view by the agent.
	 */
	struct mc_proto_peer	*peers;		/* owned */
	size_t			 n_peers;
};

enum mc_proto_actual_state {
	MC_PROTO_ACTUAL_NONE,		/* no domain, no files */
	MC_PROTO_ACTUAL_PREPARING,	/* fetching the image, making disks */
	MC_PROTO_ACTUAL_SHUTOFF,	/* defined, not running */
	MC_PROTO_ACTUAL_RUNNING,
	MC_PROTO_ACTUAL_STOPPING,	/* asked to shut down */
	MC_PROTO_ACTUAL_FAILED,		/* cannot be made as wanted; see error */
	MC_PROTO_ACTUAL__MAX
};

/* One instance as the agent finds it. */
struct mc_proto_actual {
	char				id[MC_PROTO_ID_MAX + 1];
	enum mc_proto_actual_state	state;
	unsigned			reboot_seq;	/* last one done */
	char				error[MC_PROTO_WHY_MAX + 1];
	/* The volumes its domain has now (live, or in its definition). */
	struct mc_proto_attach		vols[MC_PROTO_INST_VOLS];
	size_t				n_vols;
};

/* How far a snapshot job is: percent done, or failed and why. */
struct mc_proto_snap_state {
	char		id[MC_PROTO_ID_MAX + 1];	/* "snap-..." */
	unsigned	progress;			/* 0..100 */
	bool		failed;
	char		error[MC_PROTO_WHY_MAX + 1];
};

/* POST /v1/hosts/NAME/report */
struct mc_proto_report {
	uint64_t		 generation;	/* of the desired state seen */
	struct mc_proto_actual	*v;		/* owned */
	size_t			 n;
	struct mc_proto_snap_state *snaps;	/* owned */
	size_t			 n_snaps;
};

/*
 * Encoders: a new JSON string the caller frees, or NULL when out of
 * memory.  Decoders: parse len bytes of json (borrowed) into *ret,
 * checking every field; return 0, or -1 with err set
 * (InvalidParameterValue with a message naming the field).  Messages
 * with arrays are freed with their _clear function.
 */
char	*mc_proto_host_json(const struct mc_proto_host *h);
int	mc_proto_host_parse(const char *json, size_t len,
	    struct mc_proto_host *ret, struct mc_err *err);

char	*mc_proto_desired_json(const struct mc_proto_desired *d);
int	mc_proto_desired_parse(const char *json, size_t len,
	    struct mc_proto_desired *ret, struct mc_err *err);
void	mc_proto_desired_clear(struct mc_proto_desired *d);

char	*mc_proto_report_json(const struct mc_proto_report *r);
int	mc_proto_report_parse(const char *json, size_t len,
	    struct mc_proto_report *ret, struct mc_err *err);
void	mc_proto_report_clear(struct mc_proto_report *r);

/* Free what md owns and zero it. */
void	mc_proto_md_clear(struct mc_proto_md *md);

/* The instance id in d (borrowed), or NULL. */
const struct mc_proto_inst *mc_proto_desired_inst(
	    const struct mc_proto_desired *d, const char *id);

/*
 * The ids of d's instances, in d's order, as a new array of d->n
 * pointers into d (the caller frees the array); NULL when d has none or
 * memory runs out.
 */
const char	**mc_proto_desired_ids(const struct mc_proto_desired *d);

/* The volume id in d (borrowed), or NULL. */
const struct mc_proto_vol *mc_proto_desired_volume(
	    const struct mc_proto_desired *d, const char *id);

/* The snapshot job id in d (borrowed), or NULL. */
const struct mc_proto_snap_job *mc_proto_desired_snap(
	    const struct mc_proto_desired *d, const char *id);

/* A device name EC2 takes: /dev/sd[b-z], /dev/xvd[b-z], /dev/sd[b-z][a-z]... */
bool	mc_proto_device_ok(const char *s);

/* Free what g owns and zero it. */
void	mc_proto_sg_clear(struct mc_proto_sg *g);

/* Free what v owns and zero it. */
void	mc_proto_view_clear(struct mc_proto_view *v);

/* The group id in d (borrowed), or NULL. */
const struct mc_proto_sg *mc_proto_desired_group(
	    const struct mc_proto_desired *d, const char *id);

/* Names of the enums on the wire, and back (-1 when unknown). */
const char	*mc_proto_want_name(enum mc_proto_want w);
int		 mc_proto_want_parse(const char *s);
const char	*mc_proto_actual_name(enum mc_proto_actual_state s);
int		 mc_proto_actual_parse(const char *s);

/* A host name: 1-63 of a-z 0-9 - . starting with a letter or digit. */
bool	mc_proto_host_name_ok(const char *s);

#endif /* MC_PROTO_H */
