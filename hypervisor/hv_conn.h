/*
 * hv_conn: a connection to libvirt, the host facts the agent reports
 * (capacity, accelerator) and the KVM-or-TCG decision.
 */
#ifndef HV_CONN_H
#define HV_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mc_err;
struct hv_conn;

enum hv_accel {
	HV_ACCEL_TCG,		/* software emulation: domain type "qemu" */
	HV_ACCEL_KVM,
	HV_ACCEL__MAX
};

struct hv_capacity {
	unsigned	vcpus;		/* host CPUs */
	uint64_t	mem_mib;	/* host memory */
};

/*
 * Set up libvirt's default event loop and a thread that runs it, and
 * keep libvirt from printing errors to stderr.  Call it before opening
 * any connection, so that events and keepalives are delivered; calling
 * it again does nothing (and returns the first call's result).  Returns
 * 0, or -1 with err set.
 */
int	hv_init(struct mc_err *err);

/*
 * Open uri ("qemu:///system", "qemu:///embed?root=...", borrowed).  On
 * success *ret is a new connection the caller frees with hv_conn_free.
 * Returns 0, or -1 with err set (no uri, libvirtd not running,
 * permission...).
 */
int	hv_conn_open(const char *uri, struct hv_conn **ret, struct mc_err *err);

/* Close c (NULL is fine). */
void	hv_conn_free(struct hv_conn *c);

/*
 * True while the connection to libvirt is alive: libvirt has not closed
 * it (libvirtd gone, keepalive unanswered) and says it is alive.  False
 * for NULL.  Once false it stays false: open a new one.
 */
bool	hv_conn_alive(struct hv_conn *c);

/*
 * The host's CPUs and memory as libvirt sees them, into *ret.  Returns
 * 0, or -1 with err set.
 */
int	hv_conn_capacity(struct hv_conn *c, struct hv_capacity *ret,
	    struct mc_err *err);

/*
 * Choose the accelerator.  choice is "auto", "kvm" or "tcg".  With
 * "auto", KVM only when the CPU flags (cpuinfo_path, normally
 * /proc/cpuinfo) have vmx or svm and kvm_path (/dev/kvm) opens for
 * reading and writing; otherwise TCG.  why gets one sentence for the log
 * and `minicloud host list` ("no vmx/svm in /proc/cpuinfo").  Returns 0,
 * or -1 with err set for a choice that is not one of the three, or
 * "kvm" on a host where KVM is not usable.
 */
int	hv_accel_choose(const char *choice, const char *cpuinfo_path,
	    const char *kvm_path, enum hv_accel *ret, char *why, size_t whysz,
	    struct mc_err *err);

/* "kvm" or "tcg" (a static string; "?" out of range). */
const char	*hv_accel_name(enum hv_accel a);

/* The libvirt connection, for the other hv_ modules only. */
struct _virConnect	*hv_conn_virt(struct hv_conn *c);

#endif /* HV_CONN_H */
