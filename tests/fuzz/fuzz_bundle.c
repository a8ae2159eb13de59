// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer: the bundle reader (zstd, ustar headers, MANIFEST checks) on
 * whatever bytes a damaged or hostile bundle holds. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "bundle.h"
#include "tar_header.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[] = "/tmp/kdc-fuzz-bundle-XXXXXX";
	struct bundle_check chk;
	struct kdc_tar_entry e;
	FILE *sink = fopen("/dev/null", "w");
	bool end;
	int fd = mkstemp(path);

	if (size >= KDC_TAR_BLOCK)
		tar_header_decode(data, &e, &end, NULL);
	if (fd >= 0) {
		if (write(fd, data, size) == (ssize_t)size)
			bundle_show(path, sink ? sink : stdout, true, &chk, NULL);
		close(fd);
		unlink(path);
	}
	if (sink)
		fclose(sink);
	return 0;
}
