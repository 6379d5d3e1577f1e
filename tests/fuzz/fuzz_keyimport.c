/*
 * libFuzzer harness for ImportKeyPair's key material: the bytes go
 * through ctl_keyfmt_import as the action hands them over (after the
 * API's base64), so every format parser, the SSH blob reader and the
 * fingerprints run on them.  Any crash, leak or sanitizer report is a bug.
 */
#include <stddef.h>
#include <stdint.h>

#include "mc_err.h"
#include "ctl_keyfmt.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctl_keymat	k;
	struct mc_err		err = { 0 };

	if (ctl_keyfmt_import(data, size, &k, &err) == 0)
		ctl_keymat_clear(&k);
	return 0;
}
