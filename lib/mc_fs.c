/*
 * mc_fs: file-system helpers.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "mc_err.h"
#include "mc_fs.h"

int
mc_fs_mkdirs(const char *path, mode_t mode, struct mc_err *err)
{
	char		buf[PATH_MAX];
	struct stat	st;
	size_t		i, n = strlen(path);

	if (n == 0 || n >= sizeof(buf))
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "'%.64s' is not a usable directory path", path);
	memcpy(buf, path, n + 1);
	/* Make each missing ancestor in turn, then path itself. */
	for (i = 1; i <= n; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, mode) < 0 && errno != EEXIST)
			return mc_err_set(err, MC_EC_INTERNAL_ERROR,
			    "cannot create directory %s: %s", buf,
			    strerror(errno));
		buf[i] = path[i];
	}
	if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode))
		return mc_err_set(err, MC_EC_INTERNAL_ERROR,
		    "%s is not a directory", path);
	if (access(path, W_OK | X_OK) < 0)
		return mc_err_set(err, MC_EC_INTERNAL_ERROR,
		    "cannot write to directory %s: %s", path, strerror(errno));
	return 0;
}

int
mc_fs_read_token(const char *path, char *buf, size_t bufsz,
    struct mc_err *err)
{
	FILE	*f;
	size_t	 n;

	buf[0] = '\0';
	if ((f = fopen(path, "re")) == NULL)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "cannot read the token file %s: %s", path, strerror(errno));
	if (fgets(buf, (int)bufsz, f) == NULL)
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\r\n")] = '\0';
	n = strlen(buf);
	if (n < MC_FS_TOKEN_MIN || n > MC_FS_TOKEN_MAX ||
	    strspn(buf, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789-_.+/=") != n) {
		buf[0] = '\0';
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "the token file %s must hold one token of %d to %d "
		    "letters, digits or -_.+/=", path, MC_FS_TOKEN_MIN,
		    MC_FS_TOKEN_MAX);
	}
	return 0;
}

ssize_t
mc_fs_read_small(const char *path, char *buf, size_t bufsz,
    struct mc_err *err)
{
	ssize_t	n;
	int	fd;

	if (bufsz == 0)
		return mc_err_set(err, MC_EC_INTERNAL_ERROR, "no buffer");
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return mc_err_sys(err, errno, "cannot open %s", path);
	n = read(fd, buf, bufsz - 1);
	(void)close(fd);
	if (n < 0)
		return mc_err_sys(err, errno, "cannot read %s", path);
	buf[n] = '\0';
	return n;
}

int
mc_fs_write_atomic(const char *path, const void *data, size_t len,
    mode_t mode, struct mc_err *err)
{
	char		 tmp[PATH_MAX];
	const char	*p = data;
	ssize_t		 n;
	int		 fd;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp))
		return mc_err_set(err, MC_EC_INTERNAL_ERROR, "path too long");
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    mode)) < 0)
		return mc_err_sys(err, errno, "cannot write %s", tmp);
	while (len > 0 && (n = write(fd, p, len)) > 0) {
		p += n;
		len -= (size_t)n;
	}
	if (len > 0 || fchmod(fd, mode) < 0 || close(fd) < 0) {
		int e = errno;

		if (len > 0)
			(void)close(fd);
		(void)unlink(tmp);
		return mc_err_sys(err, e, "cannot write %s", tmp);
	}
	if (rename(tmp, path) < 0) {
		int e = errno;

		(void)unlink(tmp);
		return mc_err_sys(err, e, "cannot write %s", path);
	}
	return 0;
}
