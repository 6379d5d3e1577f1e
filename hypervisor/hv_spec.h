/*
 * hv_spec: what one instance's virtual machine is made of, as the agent
 * hands it to the libvirt driver.  Plain data; the caller owns it.
 */
#ifndef HV_SPEC_H
#define HV_SPEC_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

struct mc_err;

#define HV_ID_MAX	32	/* "i-" + 17 hex, and other EC2 ids */
#define HV_UUID_LEN	36	/* "ec2e1916-9099-7caf-fd21-012345abcdef" */
#define HV_TYPE_MAX	64	/* instance type name */
#define HV_CMDLINE_MAX	1024
#define HV_TAP_MAX	15	/* IFNAMSIZ - 1 */
#define HV_MAC_MAX	17	/* "02:00:00:00:00:01" */

#define HV_DISKS_MAX	24	/* extra disks of one domain: vdb.. */
#define HV_TARGET_MAX	3	/* "vdb".."vdz" */
#define HV_SERIAL_MAX	20	/* virtio-blk's limit */
#define HV_PROTOCOL_MAX	15
#define HV_NAME_MAX	255	/* a network disk's name */
#define HV_HOST_MAX	253	/* a DNS name */
#define HV_DISK_HOSTS_MAX 4
#define HV_USER_MAX	63

enum hv_disk_type {
	HV_DISK_FILE,		/* a file on this host (or its NFS mount) */
	HV_DISK_NETWORK,	/* a block device QEMU reaches itself (rbd) */
	HV_DISK__MAX
};

enum hv_format {
	HV_FORMAT_RAW,
	HV_FORMAT_QCOW2,
	HV_FORMAT__MAX
};

/* A server of a network disk (a Ceph monitor, for rbd). */
struct hv_disk_host {
	char		name[HV_HOST_MAX + 1];	/* DNS name or address */
	unsigned	port;			/* 0: the protocol's default */
};

/*
 * An extra disk (a volume) as the guest sees it: at target, with a
 * serial the guest finds it by (/dev/disk/by-id/virtio-<serial>), on a
 * source that the storage back end describes (its st_disk, copied).
 * Plain data; the caller owns it.
 */
struct hv_disk {
	char			target[HV_TARGET_MAX + 1];	/* vdb..vdz */
	char			serial[HV_SERIAL_MAX + 1];	/* see below */
	enum hv_disk_type	type;
	enum hv_format		format;
	char			path[PATH_MAX];			/* FILE */
	/* NETWORK: protocol ("rbd"), the image's name, its servers. */
	char			protocol[HV_PROTOCOL_MAX + 1];
	char			name[HV_NAME_MAX + 1];
	struct hv_disk_host	hosts[HV_DISK_HOSTS_MAX];
	size_t			n_hosts;
	/* NETWORK, optional: a user and the libvirt secret with its key. */
	char			auth_user[HV_USER_MAX + 1];
	char			auth_secret[HV_UUID_LEN + 1];	/* a UUID */
};

struct hv_spec {
	char		instance_id[HV_ID_MAX + 1];	/* also the domain name */
	char		account_id[HV_ID_MAX + 1];
	char		image_id[HV_ID_MAX + 1];
	char		reservation_id[HV_ID_MAX + 1];
	char		instance_type[HV_TYPE_MAX + 1];
	char		uuid[HV_UUID_LEN + 1];	/* hv_uuid_for(); "ec2..." */
	unsigned	vcpus;
	unsigned	mem_mib;
	bool		kvm;			/* false: TCG (domain type qemu) */
	char		disk_path[PATH_MAX];	/* root disk: a qcow2 overlay */
	char		console_path[PATH_MAX];	/* serial console log file */
	/* Direct kernel boot when kernel_path is not empty. */
	char		kernel_path[PATH_MAX];
	char		initrd_path[PATH_MAX];
	char		cmdline[HV_CMDLINE_MAX];
	/* A virtio NIC on a tap made beforehand, when nic_tap is not empty. */
	char		nic_tap[HV_TAP_MAX + 1];
	char		nic_mac[HV_MAC_MAX + 1];	/* lower case */
	/* Volumes the domain is defined with (cold attach). */
	struct hv_disk	disks[HV_DISKS_MAX];
	size_t		n_disks;
};

#define HV_VCPUS_MAX	256
#define HV_MEM_MIB_MIN	64
#define HV_MEM_MIB_MAX	4194304		/* 4 TiB */

/*
 * Check spec (borrowed) before anything is made from it: ids shaped like
 * EC2's (instance, ami-, r-, a 12-digit account), uuid "ec2..." in UUID
 * form, an instance type name, 1..HV_VCPUS_MAX vCPUs, HV_MEM_MIB_MIN..
 * HV_MEM_MIB_MAX MiB, absolute UTF-8 paths without control characters,
 * initrd and cmdline only with a kernel, a tap name of a-z 0-9 with a
 * lower-case unicast MAC (or neither), at most HV_DISKS_MAX disks that
 * pass hv_disk_check, no two at one target or with one serial.  Returns
 * 0, or -1 with err set (InvalidParameterValue) naming the first bad
 * field; paths are not echoed in the message.
 */
int	hv_spec_check(const struct hv_spec *spec, struct mc_err *err);

/*
 * Check disk d (borrowed): a target "vdb".."vdz", a serial of 1 to
 * HV_SERIAL_MAX letters, digits, '.', '_' or '-', a known format, and
 * either a FILE with an absolute path without control characters (and
 * nothing of a network source), or a NETWORK source: a known protocol
 * ("rbd"), a name of letters, digits and "._/-", 1..HV_DISK_HOSTS_MAX
 * hosts (letters, digits, ".-:"; ports up to 65535), and a user (letters,
 * digits, "._-") with a secret UUID, or neither.  Returns 0, or -1 with
 * err set (InvalidParameterValue) naming the first bad field.
 */
int	hv_disk_check(const struct hv_disk *d, struct mc_err *err);

/*
 * The serial of volume volume_id's disk into buf (HV_SERIAL_MAX + 1
 * bytes): "vol" and its hex digits ("vol-0123456789abcdef0" gives
 * "vol0123456789abcdef0", exactly virtio-blk's 20 characters).  Returns
 * 0, or -1 with err set (InvalidVolumeID.Malformed).
 */
int	hv_serial_for(const char *volume_id, char *buf, struct mc_err *err);

/* "raw", "qcow2" (a static string; "?" out of range). */
const char	*hv_format_name(enum hv_format f);

#endif /* HV_SPEC_H */
