// SPDX-License-Identifier: BSD-2-Clause
// The C library as RsshCore sees it, in both build modes.
//
// Embedded Swift has no Glibc overlay, so the library imports these headers directly in both modes (one
// source tree). What the overlay used to provide, and the importer cannot (errno and environ are macros or
// need _GNU_SOURCE; open and fcntl are variadic; the S_I* bits are macro expressions), is defined below with
// a CRsshLibc_ prefix.
#ifndef CRSSHLIBC_H
#define CRSSHLIBC_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <syslog.h>
#include <unistd.h>

/// The calling thread's errno.
static inline int CRsshLibc_errno(void) { return errno; }

/// Sets the calling thread's errno (to keep a failure's errno across cleanup calls).
static inline void CRsshLibc_set_errno(int value) { errno = value; }

/// The process environment (environ(7)).
static inline char **CRsshLibc_environ(void) {
    extern char **environ;
    return environ;
}

/// open(2) without a mode (never O_CREAT).
static inline int CRsshLibc_open(const char *path, int flags) { return open(path, flags); }

/// open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode).
static inline int CRsshLibc_create(const char *path, mode_t mode) {
    return open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
}

/// A TCP connect to 127.0.0.1:port; 0 or -errno.
static inline int CRsshLibc_connect_loopback(unsigned short port) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -errno;
    }
    struct sockaddr_in address = {0};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int status = connect(fd, (struct sockaddr *)&address, sizeof address) == 0 ? 0 : -errno;
    close(fd);
    return status;
}

/// openat(2) without a mode (never O_CREAT).
static inline int CRsshLibc_openat(int dirfd, const char *path, int flags) { return openat(dirfd, path, flags); }

/// major(3) of a device number (a macro in <sys/sysmacros.h>).
static inline unsigned int CRsshLibc_major(dev_t device) { return major(device); }

/// minor(3) of a device number (a macro in <sys/sysmacros.h>).
static inline unsigned int CRsshLibc_minor(dev_t device) { return minor(device); }

/// A raw wait status as a shell's `$?`: the exit status, or 128 plus the signal number.
static inline int CRsshLibc_shell_status(int status) {
    if (WIFEXITED(status)) {
        return WEXITSTATUS(status);
    }
    return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 255;
}

/// fcntl(fd, F_DUPFD, lowest): a copy of `fd` numbered `lowest` or above.
static inline int CRsshLibc_fcntl_dupfd(int fd, int lowest) { return fcntl(fd, F_DUPFD, lowest); }

/// fcntl(fd, F_GETFD).
static inline int CRsshLibc_fcntl_getfd(int fd) { return fcntl(fd, F_GETFD); }

/// File type and permission bits from <sys/stat.h>.
static const mode_t CRsshLibc_S_IFMT = S_IFMT;
static const mode_t CRsshLibc_S_IFREG = S_IFREG;
static const mode_t CRsshLibc_S_IFDIR = S_IFDIR;
static const mode_t CRsshLibc_S_IFLNK = S_IFLNK;
static const mode_t CRsshLibc_S_IFCHR = S_IFCHR;
static const mode_t CRsshLibc_S_IWUSR = S_IWUSR;
static const mode_t CRsshLibc_S_IWGRP = S_IWGRP;
static const mode_t CRsshLibc_S_IWOTH = S_IWOTH;
static const mode_t CRsshLibc_S_ISUID = S_ISUID;
static const mode_t CRsshLibc_S_ISGID = S_ISGID;

#endif
