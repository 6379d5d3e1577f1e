/*
 * libFuzzer harness for ami_format_detect: the input is the head of an
 * image file, given whole and cut short, with file sizes around its
 * length.  Any crash, leak, sanitizer report or inconsistent answer
 * (accepted without a format, raw not of whole sectors) is a bug.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mc_err.h"
#include "ami_format.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(const uint8_t *data, size_t n, uint64_t file_size)
{
	struct ami_probe	p;
	struct mc_err		err = { 0 };

	if (ami_format_detect(data, n, file_size, &p, &err) < 0) {
		if (err.code == MC_EC_NONE || err.msg[0] == '\0')
			abort();
		return;
	}
	if (err.code != MC_EC_NONE || p.file_size != file_size ||
	    p.format >= AMI_FORMAT__MAX || p.virtual_size == 0)
		abort();
	if (p.format == AMI_FORMAT_RAW &&
	    (file_size % 512 != 0 || p.virtual_size != file_size))
		abort();
	(void)ami_format_name(p.format);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A file the head is all of, and a bigger one as on disk. */
	uint64_t	sizes[] = { size, 1ull << 20, (1ull << 30) + 512,
			    size + 1, UINT64_MAX };
	size_t		n = size < AMI_FORMAT_HEAD ? size : AMI_FORMAT_HEAD;
	size_t		i;
	uint8_t		*copy;

	/* An exact-size copy, so that ASan sees any read past the head. */
	if ((copy = malloc(n > 0 ? n : 1)) == NULL)
		return 0;
	memcpy(copy, data, n);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		if (sizes[i] >= n)
			check(copy, n, sizes[i]);
	/* The same bytes cut at every qcow2 boundary that matters. */
	check(copy, n < 72 ? n : 72, 1ull << 20);
	check(copy, n < 104 ? n : 104, 1ull << 20);
	free(copy);
	return 0;
}
