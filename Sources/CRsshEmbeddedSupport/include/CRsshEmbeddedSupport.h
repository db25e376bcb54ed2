// SPDX-License-Identifier: BSD-2-Clause
// What the Embedded Swift standard library needs from libm, linked only into the Embedded executables so
// they need not load libm at all (ceil is its only libm symbol: the hash tables' capacity scaling).
#ifndef CRSSHEMBEDDEDSUPPORT_H
#define CRSSHEMBEDDEDSUPPORT_H

/// ceil(3), for the Embedded standard library.
double ceil(double x);

#endif
