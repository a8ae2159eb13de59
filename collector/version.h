// SPDX-License-Identifier: GPL-2.0-or-later
/* The one version string: --version, the MANIFEST, `make deb`. */
#ifndef KDC_VERSION_H
#define KDC_VERSION_H

#define KDC_VERSION "0.2.0"

#endif
