/*
 * ami_format: what an image file is, decided from its content.  qcow2
 * (version 2 or 3, without a backing file) and raw disks are accepted;
 * every other format, and anything that is not a whole number of 512-byte
 * sectors, is refused with a message that says why.
 */
#ifndef AMI_FORMAT_H
#define AMI_FORMAT_H

#include <stddef.h>
#include <stdint.h>

struct mc_err;

#define AMI_FORMAT_HEAD	4096	/* bytes of a file's start to look at */

enum ami_format {
	AMI_FORMAT_RAW,
	AMI_FORMAT_QCOW2,
	AMI_FORMAT__MAX
};

/* What a probe found. */
struct ami_probe {
	enum ami_format	format;
	uint64_t	file_size;	/* bytes on disk */
	uint64_t	virtual_size;	/* bytes the guest sees */
};

/*
 * Decide the format from the first n bytes of a file of file_size bytes
 * (head is borrowed; n may be less than AMI_FORMAT_HEAD for a small
 * file).  Returns 0 and fills *ret, or -1 with err set
 * (InvalidParameterValue): a qcow2 with a backing file or an external
 * data file (both name host paths QEMU would open), an encrypted or
 * corrupt qcow2, a qcow2 of an unknown version or with a bad header,
 * another image format (vmdk, vdi, vhdx, qed, vpc...), an empty file or
 * a raw size that is not a multiple of 512.  n > file_size is an
 * InternalError (the file changed under the caller).
 */
int	ami_format_detect(const unsigned char *head, size_t n,
	    uint64_t file_size, struct ami_probe *ret, struct mc_err *err);

/*
 * Probe the file at path (borrowed) the same way; it must be a regular
 * file.  Errors as above, InternalError when it cannot be read.
 */
int	ami_format_probe(const char *path, struct ami_probe *ret,
	    struct mc_err *err);

/* "raw" or "qcow2" (a static string; "unknown" out of range). */
const char	*ami_format_name(enum ami_format f);

/* Parse "raw" or "qcow2" (s borrowed, may be NULL).  Returns 0, or -1. */
int	ami_format_parse(const char *s, enum ami_format *ret);

#endif /* AMI_FORMAT_H */
