/*
 * hv_conn: libvirt's event loop thread, connections that know when they
 * died, the host's capacity, and the KVM-or-TCG decision.  The decision
 * only reads files; it does not ask libvirt or QEMU.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "mc_cleanup.h"
#include "mc_err.h"
#include "hv_conn.h"

#define LOOP_ERROR_PAUSE_NS	(100 * 1000 * 1000)

struct hv_conn {
	virConnectPtr	virt;
	atomic_bool	closed;		/* libvirt said the connection closed */
	bool		close_cb;	/* on_close is registered */
};

enum choice { CHOICE_AUTO, CHOICE_KVM, CHOICE_TCG, CHOICE__MAX };

static const char *const choice_names[CHOICE__MAX] = {
	[CHOICE_AUTO] = "auto", [CHOICE_KVM] = "kvm", [CHOICE_TCG] = "tcg",
};

static const char *const accel_names[HV_ACCEL__MAX] = {
	[HV_ACCEL_TCG] = "tcg", [HV_ACCEL_KVM] = "kvm",
};

static pthread_once_t	quiet_once = PTHREAD_ONCE_INIT;
static pthread_once_t	init_once = PTHREAD_ONCE_INIT;
static struct mc_err	init_err;	/* written once, under init_once */

/* libvirt would print every error to stderr; ours go through mc_err. */
static void
quiet_error(void *opaque, virErrorPtr e)
{
	(void)opaque;
	(void)e;
}

static void
quiet_libvirt(void)
{
	virSetErrorFunc(NULL, quiet_error);
}

static void *
event_loop(void *arg)
{
	const struct timespec pause = { 0, LOOP_ERROR_PAUSE_NS };

	(void)arg;
	for (;;)
		if (virEventRunDefaultImpl() < 0)
			(void)nanosleep(&pause, NULL);	/* do not spin */
	return NULL;
}

/* Start the loop thread with every signal blocked: they are main's. */
static int
start_loop_thread(void)
{
	pthread_attr_t	attr;
	pthread_t	tid;
	sigset_t	all, old;
	int		rc;

	(void)sigfillset(&all);
	(void)pthread_sigmask(SIG_SETMASK, &all, &old);
	(void)pthread_attr_init(&attr);
	(void)pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	rc = pthread_create(&tid, &attr, event_loop, NULL);
	(void)pthread_attr_destroy(&attr);
	(void)pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}

static void
init_libvirt(void)
{
	int rc;

	(void)pthread_once(&quiet_once, quiet_libvirt);
	if (virInitialize() < 0 || virEventRegisterDefaultImpl() < 0) {
		(void)mc_err_set(&init_err, MC_EC_INTERNAL_ERROR,
		    "cannot set up libvirt's event loop: %s",
		    virGetLastErrorMessage());
		return;
	}
	if ((rc = start_loop_thread()) != 0)
		(void)mc_err_sys(&init_err, rc,
		    "cannot start libvirt's event loop thread");
}

int
hv_init(struct mc_err *err)
{
	(void)pthread_once(&init_once, init_libvirt);
	if (init_err.code == MC_EC_NONE)
		return 0;
	if (err != NULL && err->code == MC_EC_NONE)
		*err = init_err;
	return -1;
}

/* Runs on libvirt's event loop thread. */
static void
on_close(virConnectPtr virt, int reason, void *opaque)
{
	struct hv_conn *c = opaque;

	(void)virt;
	(void)reason;
	atomic_store(&c->closed, true);
}

int
hv_conn_open(const char *uri, struct hv_conn **ret, struct mc_err *err)
{
	struct hv_conn *c;

	/* libvirt would pick a default URI for NULL: say which, always. */
	if (uri == NULL || uri[0] == '\0')
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "no libvirt URI");
	(void)pthread_once(&quiet_once, quiet_libvirt);
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return mc_err_sys(err, errno, "out of memory");
	atomic_init(&c->closed, false);
	if ((c->virt = virConnectOpen(uri)) == NULL) {
		free(c);
		return mc_err_set(err, MC_EC_INTERNAL_ERROR,
		    "cannot connect to libvirt at %s: %s", uri,
		    virGetLastErrorMessage());
	}
	/*
	 * Only remote connections (to libvirtd) have a close callback;
	 * without one, hv_conn_alive relies on virConnectIsAlive.
	 */
	if (virConnectRegisterCloseCallback(c->virt, on_close, c, NULL) == 0)
		c->close_cb = true;
	else
		virResetLastError();
	*ret = c;
	return 0;
}

void
hv_conn_free(struct hv_conn *c)
{
	if (c == NULL)
		return;
	/* Afterwards on_close cannot run: libvirt holds a lock around it. */
	if (c->close_cb)
		(void)virConnectUnregisterCloseCallback(c->virt, on_close);
	(void)virConnectClose(c->virt);
	free(c);
}

bool
hv_conn_alive(struct hv_conn *c)
{
	if (c == NULL || atomic_load(&c->closed))
		return false;
	return virConnectIsAlive(c->virt) == 1;
}

int
hv_conn_capacity(struct hv_conn *c, struct hv_capacity *ret,
    struct mc_err *err)
{
	virNodeInfo info;

	if (virNodeGetInfo(c->virt, &info) < 0)
		return mc_err_set(err, MC_EC_INTERNAL_ERROR,
		    "cannot read the host's CPUs and memory: %s",
		    virGetLastErrorMessage());
	ret->vcpus = info.cpus;
	ret->mem_mib = (uint64_t)(info.memory / 1024);	/* KiB */
	return 0;
}

/* "vmx" or "svm" when a cpuinfo line "flags\t\t: a b c" has it, or NULL. */
static const char *
flags_virt(char *line)
{
	char	*colon, *tok, *save = NULL;

	if (strncmp(line, "flags", 5) != 0 ||
	    (colon = strchr(line, ':')) == NULL)
		return NULL;
	for (tok = strtok_r(colon + 1, " \t\n", &save); tok != NULL;
	    tok = strtok_r(NULL, " \t\n", &save))
		if (strcmp(tok, "vmx") == 0 || strcmp(tok, "svm") == 0)
			return strcmp(tok, "vmx") == 0 ? "vmx" : "svm";
	return NULL;
}

/*
 * Can this host run KVM guests?  Always writes why: the reason it can,
 * or the first reason it cannot.
 */
static bool
kvm_usable(const char *cpuinfo_path, const char *kvm_path, char *why,
    size_t whysz)
{
	MC_CLEANUP(mc_fclosep) FILE	*f = fopen(cpuinfo_path, "re");
	MC_AUTOFREE char		*line = NULL;
	MC_AUTOCLOSE int		 fd = -1;
	const char			*flag = NULL;
	size_t				 cap = 0;

	if (f == NULL) {
		(void)snprintf(why, whysz, "cannot read %s: %s", cpuinfo_path,
		    strerror(errno));
		return false;
	}
	while (flag == NULL && getline(&line, &cap, f) > 0)
		flag = flags_virt(line);
	if (flag == NULL) {
		(void)snprintf(why, whysz, "no vmx/svm in %s", cpuinfo_path);
		return false;
	}
	if ((fd = open(kvm_path, O_RDWR | O_CLOEXEC)) < 0) {
		(void)snprintf(why, whysz, "%s in %s but %s does not open: %s",
		    flag, cpuinfo_path, kvm_path, strerror(errno));
		return false;
	}
	(void)snprintf(why, whysz, "%s in %s and %s opens", flag,
	    cpuinfo_path, kvm_path);
	return true;
}

int
hv_accel_choose(const char *choice, const char *cpuinfo_path,
    const char *kvm_path, enum hv_accel *ret, char *why, size_t whysz,
    struct mc_err *err)
{
	char	reason[512];
	bool	usable;
	int	i;

	for (i = 0; i < CHOICE__MAX; i++)
		if (choice != NULL && strcmp(choice, choice_names[i]) == 0)
			break;
	if (i == CHOICE__MAX)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "accelerator \"%.32s\" is not auto, kvm or tcg",
		    choice != NULL ? choice : "");
	if (i == CHOICE_TCG) {
		(void)snprintf(reason, sizeof(reason),
		    "tcg chosen in the configuration");
		usable = false;
	} else {
		usable = kvm_usable(cpuinfo_path, kvm_path, reason,
		    sizeof(reason));
	}
	if (i == CHOICE_KVM && !usable)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "kvm chosen but not usable: %s", reason);
	*ret = usable ? HV_ACCEL_KVM : HV_ACCEL_TCG;
	if (why != NULL && whysz > 0)
		(void)snprintf(why, whysz, "%s", reason);
	return 0;
}

const char *
hv_accel_name(enum hv_accel a)
{
	return (unsigned)a < HV_ACCEL__MAX ? accel_names[a] : "?";
}

struct _virConnect *
hv_conn_virt(struct hv_conn *c)
{
	return c->virt;
}
