/*
 * hv_domain_test: the fixtures the hv_domain tests share.  Specs and
 * disks of the instance ID, and the check of its disks, for libvirt's
 * in-process test driver and for qemu:///system alike; and one real
 * instance on qemu:///system (real_setup): the test AMI on a qcow2
 * overlay in a scratch directory DIR_PREFIX..., with an event stream,
 * and the waits for what its guest does.
 */
#ifndef HV_DOMAIN_TEST_H
#define HV_DOMAIN_TEST_H

#include <sys/stat.h>

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "mc_test.h"

#include "hv_conn.h"
#include "hv_domain.h"
#include "hv_events.h"

#define ID		"i-0f0f0f0f0f0f0f0f0"
#define V1		"vol-0f0f0f0f0f0f0f0f1"
#define V2		"vol-0f0f0f0f0f0f0f0f2"
#define BOOT_MS		60000

/* One real instance, ID, its files in dir; the tests define its domain. */
struct real {
	struct hv_conn		*c;
	struct hv_events	*ev;
	char			 ami[PATH_MAX];
	struct stat		 ami_st;	/* its owner before the run */
	char			 dir[64];
	struct hv_spec		 spec;
	char			 log[4096];	/* events seen, for failures */
};

/* A monotonic clock in ms; inline: agt_imds_test has a now_ms too. */
static inline long
now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The spec of instance id with its files in dir. */
void	spec_fill(struct hv_spec *s, const char *id, const char *dir,
	    bool kvm);
/* A file disk of volume vol at target. */
void	disk_of(struct hv_disk *d, const char *target, const char *vol,
	    enum hv_format fmt, const char *path);
/* The disks of ID are want[0..n). */
void	expect_disks(struct hv_conn *c, const struct hv_disk *want,
	    size_t n);

/*
 * cmocka setup and teardown: *state is a new struct real, on
 * qemu:///system, with the leftovers of a killed earlier run removed.
 */
int	real_setup(void **state);
int	real_teardown(void **state);

/* How many times the console at path shows the guest's line. */
int	count_up_lines(const char *path);
/* Wait until r's console shows the guest's line n times. */
void	wait_up(struct real *r, int n, const char *what);
/* ID is in state want. */
void	expect_state(struct real *r, enum hv_state want);
/* The owner of path. */
uid_t	owner(const char *path);

#endif /* HV_DOMAIN_TEST_H */
