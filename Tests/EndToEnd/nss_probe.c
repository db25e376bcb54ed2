// SPDX-License-Identifier: BSD-2-Clause
/* nss_probe UID...: what getpwuid_r returns for each uid, as rssh and the helper call it.
 * One line per uid: "uid=N rc=R (strerror) errno=E (strerror) result=found|null ms=T". Used by ldap.sh. */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        uid_t uid = (uid_t)strtoul(argv[i], NULL, 10);
        struct passwd entry, *result = NULL;
        char buffer[16384];
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        errno = 0;
        int rc = getpwuid_r(uid, &entry, buffer, sizeof buffer, &result);
        int saved = errno;
        clock_gettime(CLOCK_MONOTONIC, &t1);
        long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
        printf("uid=%u rc=%d (%s) errno=%d (%s) result=%s ms=%ld\n", (unsigned)uid, rc, rc ? strerror(rc) : "0",
               saved, saved ? strerror(saved) : "0", result ? result->pw_name : "null", ms);
    }
    return 0;
}
