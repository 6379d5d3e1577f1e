/*
 * hv_spec: what one instance's virtual machine is made of, as the agent
 * hands it to the libvirt driver.  Plain data; the caller owns it.
 */
#ifndef HV_SPEC_H
#define HV_SPEC_H

#include <limits.h>
#include <stdbool.h>

struct mc_err;

#define HV_ID_MAX	32	/* "i-" + 17 hex, and other EC2 ids */
#define HV_UUID_LEN	36	/* "ec2e1916-9099-7caf-fd21-012345abcdef" */
#define HV_TYPE_MAX	64	/* instance type name */
#define HV_CMDLINE_MAX	1024
#define HV_TAP_MAX	15	/* IFNAMSIZ - 1 */
#define HV_MAC_MAX	17	/* "02:00:00:00:00:01" */

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
 * lower-case unicast MAC (or neither).  Returns 0, or -1 with err set
 * (InvalidParameterValue) naming the first bad field; paths are not
 * echoed in the message.
 */
int	hv_spec_check(const struct hv_spec *spec, struct mc_err *err);

#endif /* HV_SPEC_H */
