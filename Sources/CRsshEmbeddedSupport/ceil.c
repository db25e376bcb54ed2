// SPDX-License-Identifier: BSD-2-Clause
#include "CRsshEmbeddedSupport.h"

// Plain C, not __builtin_ceil: without SSE4.1 the compiler would lower the builtin to a call to ceil itself.
double ceil(double x) {
    // NaN, infinities and magnitudes of 2^52 and more are already integral.
    if (!(x > -4503599627370496.0 && x < 4503599627370496.0)) {
        return x;
    }
    double truncated = (double)(long long)x;
    if (truncated < x) {
        return truncated + 1.0;
    }
    // ceil(-0.5) is -0.0.
    if (truncated == 0.0 && x < 0.0) {
        return -0.0;
    }
    return truncated;
}
