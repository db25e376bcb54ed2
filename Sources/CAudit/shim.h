// SPDX-License-Identifier: BSD-2-Clause
// libaudit (Debian's libaudit-dev), imported as a system library.
#ifndef CAUDIT_SHIM_H
#define CAUDIT_SHIM_H
#include <libaudit.h>
#endif
