/*
 * agt_inst: an instance's files on the host and its libvirt spec.
 *   STATE/instances/<id>/disk.qcow2	root disk, overlay of the image
 *   STATE/instances/<id>/console.log	serial console (QEMU appends)
 *   STATE/instances/<id>/reboot_seq	last reboot done
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mc_cleanup.h"
#include "mc_err.h"
#include "mc_fs.h"
#include "mc_id.h"
#include "ami_cache.h"
#include "hv_xml.h"
#include "agt_inst.h"

static const char *const files[] = { "disk.qcow2", "console.log",
    "reboot_seq" };

int
agt_inst_path(const char *state_dir, const char *id, const char *file,
    char *buf, size_t bufsz, struct mc_err *err)
{
	int n;

	/* The id becomes a path: check it before anything else. */
	if (mc_id_check(MC_ID_INSTANCE, id, err) < 0)
		return -1;
	n = snprintf(buf, bufsz, "%s/instances/%s%s%s", state_dir, id,
	    file != NULL ? "/" : "", file != NULL ? file : "");
	if (n < 0 || (size_t)n >= bufsz)
		return mc_err_set(err, MC_EC_INTERNAL_ERROR,
		    "path of %s is too long", id);
	return 0;
}

int
agt_inst_prepare(const char *state_dir, const char *cache_dir,
    const struct mc_proto_inst *w, struct mc_err *err)
{
	char		dir[PATH_MAX], disk[PATH_MAX], backing[PATH_MAX];
	enum ami_format	fmt;
	struct stat	sb;

	if (agt_inst_path(state_dir, w->id, NULL, dir, sizeof(dir), err) < 0 ||
	    agt_inst_path(state_dir, w->id, "disk.qcow2", disk, sizeof(disk),
	    err) < 0 || ami_cache_path(cache_dir, w->image.id, backing,
	    sizeof(backing), err) < 0)
		return -1;
	/* 0711: QEMU, running as another user, must reach the files. */
	if (mkdir(dir, 0711) < 0 && errno != EEXIST)
		return mc_err_sys(err, errno, "cannot make %s", dir);
	if (stat(disk, &sb) == 0)
		return 0;
	if (ami_format_parse(w->image.format, &fmt) < 0)
		return mc_err_set(err, MC_EC_INTERNAL_ERROR,
		    "image %s has an unknown format", w->image.id);
	return ami_overlay_create(disk, backing, fmt, w->root_bytes, err);
}

int
agt_inst_remove(const char *state_dir, const char *id, struct mc_err *err)
{
	char	path[PATH_MAX];
	size_t	i;

	for (i = 0; i < MC_NELEMS(files); i++) {
		if (agt_inst_path(state_dir, id, files[i], path, sizeof(path),
		    err) < 0)
			return -1;
		if (unlink(path) < 0 && errno != ENOENT)
			return mc_err_sys(err, errno, "cannot remove %s", path);
	}
	if (agt_inst_path(state_dir, id, NULL, path, sizeof(path), err) < 0)
		return -1;
	if (rmdir(path) < 0 && errno != ENOENT)
		return mc_err_sys(err, errno, "cannot remove %s (files we "
		    "did not make are in it?)", path);
	return 0;
}

static int
copy(char *dst, size_t dstsz, const char *src, struct mc_err *err)
{
	if (strlen(src) >= dstsz)
		return mc_err_set(err, MC_EC_INTERNAL_ERROR, "value too long");
	memcpy(dst, src, strlen(src) + 1);
	return 0;
}

int
agt_inst_spec(const char *state_dir, const char *cache_dir,
    const struct mc_proto_inst *w, bool kvm, struct hv_spec *s,
    struct mc_err *err)
{
	memset(s, 0, sizeof(*s));
	if (copy(s->instance_id, sizeof(s->instance_id), w->id, err) < 0 ||
	    copy(s->account_id, sizeof(s->account_id), w->account, err) < 0 ||
	    copy(s->image_id, sizeof(s->image_id), w->image.id, err) < 0 ||
	    copy(s->reservation_id, sizeof(s->reservation_id),
	    w->reservation, err) < 0 ||
	    copy(s->instance_type, sizeof(s->instance_type), w->type, err) < 0 ||
	    copy(s->cmdline, sizeof(s->cmdline), w->cmdline, err) < 0 ||
	    agt_inst_path(state_dir, w->id, "disk.qcow2", s->disk_path,
	    sizeof(s->disk_path), err) < 0 ||
	    agt_inst_path(state_dir, w->id, "console.log", s->console_path,
	    sizeof(s->console_path), err) < 0)
		return -1;
	if (hv_uuid_for(w->id, s->uuid, err) < 0)
		return -1;
	s->vcpus = w->vcpus;
	s->mem_mib = w->mem_mib;
	s->kvm = kvm;
	if (w->kernel.id[0] != '\0' && ami_cache_path(cache_dir, w->kernel.id,
	    s->kernel_path, sizeof(s->kernel_path), err) < 0)
		return -1;
	if (w->ramdisk.id[0] != '\0' && ami_cache_path(cache_dir,
	    w->ramdisk.id, s->initrd_path, sizeof(s->initrd_path), err) < 0)
		return -1;
	return 0;
}

unsigned
agt_inst_reboot_load(const char *state_dir, const char *id)
{
	char path[PATH_MAX], buf[32];

	if (agt_inst_path(state_dir, id, "reboot_seq", path, sizeof(path),
	    NULL) < 0 || mc_fs_read_small(path, buf, sizeof(buf), NULL) < 0)
		return 0;
	return (unsigned)strtoul(buf, NULL, 10);
}

int
agt_inst_reboot_save(const char *state_dir, const char *id, unsigned seq,
    struct mc_err *err)
{
	char	path[PATH_MAX], buf[32];

	if (agt_inst_path(state_dir, id, "reboot_seq", path, sizeof(path),
	    err) < 0)
		return -1;
	(void)snprintf(buf, sizeof(buf), "%u\n", seq);
	return mc_fs_write_atomic(path, buf, strlen(buf), 0644, err);
}

int
agt_inst_console(const char *state_dir, const char *id, size_t max,
    off_t *sent, char **ret, size_t *ret_n, struct mc_err *err)
{
	MC_AUTOCLOSE int	 fd = -1;
	MC_AUTOFREE char	*buf = NULL;
	char			 path[PATH_MAX];
	struct stat		 sb;
	off_t			 from;
	ssize_t			 n;

	if (agt_inst_path(state_dir, id, "console.log", path, sizeof(path),
	    err) < 0)
		return -1;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &sb) < 0)
		return 0;
	if (sb.st_size == *sent)
		return 0;
	from = sb.st_size > (off_t)max ? sb.st_size - (off_t)max : 0;
	if ((buf = malloc((size_t)(sb.st_size - from) + 1)) == NULL)
		return mc_err_sys(err, ENOMEM, "out of memory");
	n = pread(fd, buf, (size_t)(sb.st_size - from), from);
	if (n < 0)
		return mc_err_sys(err, errno, "cannot read %s", path);
	buf[n] = '\0';
	*sent = from + n;
	*ret_n = (size_t)n;
	*ret = mc_steal_ptr(&buf);
	return 1;
}
