// SPDX-License-Identifier: BSD-2-Clause
#include "CRsshShims.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libaudit.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <sys/wait.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/fs.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/syscall.h>
#include <syslog.h>
#include <sys/xattr.h>
#include <string.h>
#include <unistd.h>

static int saved_argc;
static char *const *saved_argv;

static void save_arguments(int argc, char **argv, char **envp) {
    (void)envp;
    saved_argc = argc;
    saved_argv = argv;
}

// glibc calls every .init_array entry with (argc, argv, envp) before main.
__attribute__((section(".init_array"), used)) static void (*const save_arguments_entry)(int, char **, char **) =
    save_arguments;

int CRsshShims_argc(void) {
    return saved_argc;
}

char *const *CRsshShims_argv(void) {
    return saved_argv;
}

void CRsshShims_syslog(int priority, const char *message) {
    syslog(priority, "%s", message);
}

int CRsshShims_setresuid(uid_t ruid, uid_t euid, uid_t suid) {
    return setresuid(ruid, euid, suid);
}

int CRsshShims_setresgid(gid_t rgid, gid_t egid, gid_t sgid) {
    return setresgid(rgid, egid, sgid);
}

int CRsshShims_getresuid(uid_t *ruid, uid_t *euid, uid_t *suid) {
    return getresuid(ruid, euid, suid);
}

int CRsshShims_getresgid(gid_t *rgid, gid_t *egid, gid_t *sgid) {
    return getresgid(rgid, egid, sgid);
}

int CRsshShims_set_no_new_privs(void) {
    return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
}

int CRsshShims_set_not_dumpable(void) {
    return prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

int CRsshShims_close_from(unsigned int first) {
#ifdef SYS_close_range
    if (syscall(SYS_close_range, first, ~0U, 0) == 0) {
        return 0;
    }
#endif
    // Old kernel: close every descriptor up to the soft limit by hand.
    struct rlimit rl;
    long max = 1024;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < 1048576) {
        max = (long)rl.rlim_cur;
    }
    for (long fd = first; fd < max; fd++) {
        (void)close((int)fd);
    }
    return 0;
}

int CRsshShims_has_effective_capability(int capability) {
    struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
    if (capability < 0 || capability >= 32 * _LINUX_CAPABILITY_U32S_3) {
        return -1;
    }
    if (syscall(SYS_capget, &header, data) != 0) {
        return -1;
    }
    return (data[capability / 32].effective >> (capability % 32)) & 1;
}

long CRsshShims_getxattr(const char *path, const char *name, void *value, unsigned long size) {
    return (long)getxattr(path, name, value, size);
}

int CRsshShims_cap_audit_write(void) {
    return CAP_AUDIT_WRITE;
}

int CRsshShims_drop_capabilities(void) {
    // Ambient set first: it would otherwise survive execve.
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL) {
        return -1;
    }
    struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {{0, 0, 0}, {0, 0, 0}};
    if (syscall(SYS_capset, &header, data) != 0) {
        return -1;
    }
    // Verify: nothing may remain in the permitted or effective sets.
    if (syscall(SYS_capget, &header, data) != 0) {
        return -1;
    }
    for (int i = 0; i < _LINUX_CAPABILITY_U32S_3; i++) {
        if (data[i].effective != 0 || data[i].permitted != 0 || data[i].inheritable != 0) {
            errno = EPERM;
            return -1;
        }
    }
    return 0;
}

// libaudit's sender: exported by libaudit.so.1 and in libaudit.a, but declared only in libaudit's private.h.
// It sends one netlink message with NLM_F_ACK and reads the kernel's acknowledgement: the sequence number,
// or -errno (the kernel's error for the message included).
extern int audit_send(int fd, int type, const void *data, unsigned int size);

int CRsshShims_audit_send(int fd, int type, const void *data, unsigned int size) {
    return audit_send(fd, type, data, size);
}

int CRsshShims_audit_status(int *enabled, int *pid) {
    int fd = audit_open();
    if (fd < 0) {
        return -errno;
    }
    // audit_request_status's own request, without the libaudit object that holds it (and its name tables).
    int sent = audit_send(fd, AUDIT_GET, NULL, 0);
    if (sent <= 0) {
        audit_close(fd);
        return sent < 0 ? sent : -EIO;
    }
    // The kernel answers with an ACK (already consumed by libaudit) and then the status; skip anything else.
    for (int attempt = 0; attempt < 8; attempt++) {
        struct audit_reply reply;
        if (audit_get_reply(fd, &reply, GET_REPLY_BLOCKING, 0) <= 0) {
            break;
        }
        if (reply.type == AUDIT_GET && reply.status != NULL) {
            *enabled = (int)reply.status->enabled;
            *pid = (int)reply.status->pid;
            audit_close(fd);
            return 0;
        }
        if (reply.type == NLMSG_ERROR && reply.error != NULL && reply.error->error != 0) {
            audit_close(fd);
            return reply.error->error < 0 ? reply.error->error : -reply.error->error;
        }
    }
    audit_close(fd);
    return -EIO;
}

int CRsshShims_ignore_sigpipe(int ignore) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = ignore ? SIG_IGN : SIG_DFL;
    sigemptyset(&action.sa_mask);
    return sigaction(SIGPIPE, &action, NULL);
}

int CRsshShims_keep_capabilities(int keep) {
    return prctl(PR_SET_KEEPCAPS, keep ? 1 : 0, 0, 0, 0);
}

int CRsshShims_keep_only_audit_write(void) {
    // Ambient and inheritable sets empty, then permitted and effective reduced to CAP_AUDIT_WRITE.
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL) {
        return -1;
    }
    struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {{0, 0, 0}, {0, 0, 0}};
    data[CAP_AUDIT_WRITE / 32].effective = 1u << (CAP_AUDIT_WRITE % 32);
    data[CAP_AUDIT_WRITE / 32].permitted = 1u << (CAP_AUDIT_WRITE % 32);
    if (syscall(SYS_capset, &header, data) != 0) {
        return -1;
    }
    // Verify: exactly CAP_AUDIT_WRITE remains.
    if (syscall(SYS_capget, &header, data) != 0) {
        return -1;
    }
    for (int i = 0; i < _LINUX_CAPABILITY_U32S_3; i++) {
        unsigned int expected = i == CAP_AUDIT_WRITE / 32 ? 1u << (CAP_AUDIT_WRITE % 32) : 0;
        if (data[i].effective != expected || data[i].permitted != expected || data[i].inheritable != 0) {
            errno = EPERM;
            return -1;
        }
    }
    return 0;
}

int CRsshShims_pipe_cloexec(int fds[2]) {
    return pipe2(fds, O_CLOEXEC);
}

int CRsshShims_wait_for(int pid) {
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            return -1;
        }
    }
    return status;
}

int CRsshShims_exited_zero(int status) {
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// Landlock, defined by hand: Debian 12's <linux/landlock.h> stops at ABI 2.
struct crssh_landlock_ruleset_attr {
    unsigned long long handled_access_fs;
    unsigned long long handled_access_net;
    unsigned long long scoped;
};

struct crssh_landlock_path_beneath_attr {
    unsigned long long allowed_access;
    int parent_fd;
} __attribute__((packed));

#define CRSSH_LANDLOCK_CREATE_RULESET_VERSION (1U << 0)
#define CRSSH_LANDLOCK_RULE_PATH_BENEATH 1

int CRsshShims_landlock_abi(void) {
    long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, CRSSH_LANDLOCK_CREATE_RULESET_VERSION);
    return abi < 0 ? -errno : (int)abi;
}

int CRsshShims_landlock_create(unsigned long long fs, unsigned long long net, unsigned long long scoped, int abi) {
    struct crssh_landlock_ruleset_attr attr = {fs, net, scoped};
    // The kernel takes the attribute's size as its version: older kernels refuse fields they do not know.
    size_t size = abi >= 6 ? sizeof attr : abi >= 4 ? 2 * sizeof(unsigned long long) : sizeof(unsigned long long);
    long fd = syscall(SYS_landlock_create_ruleset, &attr, size, 0);
    return fd < 0 ? -errno : (int)fd;
}

int CRsshShims_landlock_allow_beneath(int ruleset, int parent, unsigned long long access) {
    struct crssh_landlock_path_beneath_attr attr = {access, parent};
    return syscall(SYS_landlock_add_rule, ruleset, CRSSH_LANDLOCK_RULE_PATH_BENEATH, &attr, 0) < 0 ? -errno : 0;
}

int CRsshShims_landlock_restrict(int ruleset, unsigned int flags) {
    return syscall(SYS_landlock_restrict_self, ruleset, flags) < 0 ? -errno : 0;
}

int CRsshShims_open_path(const char *path) {
    return open(path, O_PATH | O_CLOEXEC);
}

int CRsshShims_open_path_beneath(int directory, const char *name) {
    return openat(directory, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

static long elapsed_ms(const struct timespec *start) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long)(now.tv_sec - start->tv_sec) * 1000 + (now.tv_nsec - start->tv_nsec) / 1000000;
}

int CRsshShims_run_capture(const char *path, char *const argv[], char *const envp[], int timeout_ms, char *out,
                           unsigned long out_size, unsigned long *out_len, char *err, unsigned long err_size,
                           unsigned long *err_len, int *status) {
    int out_pipe[2], err_pipe[2];
    *out_len = 0;
    *err_len = 0;
    if (pipe2(out_pipe, O_CLOEXEC) != 0) {
        return -1;
    }
    if (pipe2(err_pipe, O_CLOEXEC) != 0) {
        int saved = errno;
        close(out_pipe[0]);
        close(out_pipe[1]);
        errno = saved;
        return -1;
    }
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attributes;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
    posix_spawnattr_init(&attributes);
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    posix_spawnattr_setsigmask(&attributes, &none);
    posix_spawnattr_setsigdefault(&attributes, &defaults);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    pid_t pid;
    int spawned = posix_spawn(&pid, path, &actions, &attributes, argv, envp);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    close(out_pipe[1]);
    close(err_pipe[1]);
    if (spawned != 0) {
        close(out_pipe[0]);
        close(err_pipe[0]);
        errno = spawned;
        return -1;
    }
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    struct pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
    char *buffers[2] = {out, err};
    unsigned long sizes[2] = {out_size, err_size};
    unsigned long *lengths[2] = {out_len, err_len};
    int open_pipes = 2, timed_out = 0;
    while (open_pipes > 0) {
        long left = timeout_ms - elapsed_ms(&start);
        if (left <= 0) {
            timed_out = 1;
            break;
        }
        int ready = poll(fds, 2, (int)left);
        if (ready < 0 && errno != EINTR) {
            timed_out = 1;
            break;
        }
        for (int i = 0; ready > 0 && i < 2; i++) {
            if (fds[i].fd < 0 || fds[i].revents == 0) {
                continue;
            }
            char scratch[4096];
            ssize_t count = read(fds[i].fd, scratch, sizeof scratch);
            if (count < 0 && errno == EINTR) {
                continue;
            }
            if (count <= 0) {
                close(fds[i].fd);
                fds[i].fd = -1;
                open_pipes--;
                continue;
            }
            unsigned long room = sizes[i] - *lengths[i];
            unsigned long kept = (unsigned long)count < room ? (unsigned long)count : room;
            memcpy(buffers[i] + *lengths[i], scratch, kept);
            *lengths[i] += kept;
        }
    }
    for (int i = 0; i < 2; i++) {
        if (fds[i].fd >= 0) {
            close(fds[i].fd);
        }
    }
    // A child that closed its output may still be running: it gets the rest of the time, no more.
    while (!timed_out) {
        pid_t done = waitpid(pid, status, WNOHANG);
        if (done == pid) {
            return 0;
        }
        if (done < 0 && errno != EINTR) {
            return -1;
        }
        if (elapsed_ms(&start) >= timeout_ms) {
            timed_out = 1;
            break;
        }
        struct timespec pause = {0, 10 * 1000000};
        nanosleep(&pause, NULL);
    }
    kill(pid, SIGKILL);
    *status = CRsshShims_wait_for(pid);
    return -2;
}

int CRsshShims_exit_code(int status) {
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Pattern expansion with a work budget (CRsshShims_glob_budgeted). The budget of the glob call running on this
// thread; rssh is single-threaded, the unit tests are not.
static __thread CRsshShims_glob_budget *glob_budget;

/// A directory glob is reading, with the length of its path (charged with every entry).
struct glob_directory {
    DIR *stream;
    size_t path_length;
};

/// Charges one entry or lookup of `bytes` path bytes. Returns 0 once the budget is exhausted.
static int glob_charge(size_t bytes) {
    CRsshShims_glob_budget *budget = glob_budget;
    if (budget->exhausted) return 0;
    budget->entries += 1;
    budget->bytes += bytes;
    if (budget->entries > budget->maximum_entries) {
        budget->exhausted = 2;
    } else if (budget->bytes > budget->maximum_bytes) {
        budget->exhausted = 3;
    }
    return !budget->exhausted;
}

static void *glob_opendir(const char *path) {
    CRsshShims_glob_budget *budget = glob_budget;
    if (!budget->exhausted && ++budget->directories > budget->maximum_directories) budget->exhausted = 1;
    if (budget->exhausted) {
        errno = E2BIG;
        return NULL;
    }
    struct glob_directory *directory = malloc(sizeof *directory);
    if (directory == NULL) return NULL;
    directory->stream = opendir(path);
    if (directory->stream == NULL) {
        int saved = errno;
        free(directory);
        errno = saved;
        return NULL;
    }
    directory->path_length = strlen(path);
    return directory;
}

static struct dirent *glob_readdir(void *handle) {
    struct glob_directory *directory = handle;
    if (glob_budget->exhausted) return NULL;
    struct dirent *entry = readdir(directory->stream);
    if (entry == NULL) return NULL;
    // What glob keeps for a matching entry: "directory/name" and its terminator.
    if (!glob_charge(directory->path_length + strlen(entry->d_name) + 2)) return NULL;
    return entry;
}

static void glob_closedir(void *handle) {
    struct glob_directory *directory = handle;
    closedir(directory->stream);
    free(directory);
}

static int glob_lstat(const char *path, struct stat *buffer) {
    if (!glob_charge(strlen(path) + 1)) {
        errno = E2BIG;
        return -1;
    }
    return lstat(path, buffer);
}

static int glob_stat(const char *path, struct stat *buffer) {
    if (!glob_charge(strlen(path) + 1)) {
        errno = E2BIG;
        return -1;
    }
    return stat(path, buffer);
}

/// glob's error callback: unreadable directories are skipped (as without a budget), an exhausted budget aborts.
static int glob_error(const char *path, int error) {
    (void)path;
    (void)error;
    return glob_budget != NULL && glob_budget->exhausted;
}

int CRsshShims_glob_budgeted(const char *pattern, int flags, glob_t *result, CRsshShims_glob_budget *budget) {
    memset(result, 0, sizeof *result);
    result->gl_opendir = glob_opendir;
    result->gl_readdir = glob_readdir;
    result->gl_closedir = glob_closedir;
    result->gl_lstat = glob_lstat;
    result->gl_stat = glob_stat;
    glob_budget = budget;
    int status = glob(pattern, flags | GLOB_ALTDIRFUNC, glob_error, result);
    glob_budget = NULL;
    return status;
}

int CRsshShims_get_inode_flags(int fd, unsigned int *flags) {
    // The kernel reads and writes an int here, whatever the ioctl's declared type says.
    int value = 0;
    if (ioctl(fd, FS_IOC_GETFLAGS, &value) != 0) {
        return -errno;
    }
    *flags = (unsigned int)value;
    return 0;
}

int CRsshShims_set_inode_flags(int fd, unsigned int flags) {
    int value = (int)flags;
    return ioctl(fd, FS_IOC_SETFLAGS, &value) == 0 ? 0 : -errno;
}

unsigned int CRsshShims_immutable_flag(void) {
    return FS_IMMUTABLE_FL;
}

// The supervised mode.

#include <sys/file.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/mman.h>

static const int forwarded_signals[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGALRM, SIGCHLD};
// The mask sshd gave rssh, which the program gets back (as it would have kept it across exec).
static sigset_t inherited_mask;

int CRsshShims_supervisor_signals(void) {
    sigset_t set;
    sigemptyset(&set);
    for (size_t i = 0; i < sizeof forwarded_signals / sizeof forwarded_signals[0]; i++) {
        sigaddset(&set, forwarded_signals[i]);
    }
    if (sigprocmask(SIG_BLOCK, &set, &inherited_mask) != 0) {
        return -1;
    }
    return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

int CRsshShims_read_signal(int fd) {
    struct signalfd_siginfo info;
    ssize_t count = read(fd, &info, sizeof info);
    if (count == (ssize_t)sizeof info) {
        return (int)info.ssi_signo;
    }
    if (count < 0 && (errno == EAGAIN || errno == EINTR)) {
        return 0;
    }
    return -1;
}

int CRsshShims_unblock_signals(void) {
    return sigprocmask(SIG_SETMASK, &inherited_mask, NULL);
}

int CRsshShims_set_nonblocking(int fd) {
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0) {
        return -1;
    }
    return fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

int CRsshShims_poll(const int *fds, const short *events, short *revents, int count, long long timeout) {
    struct pollfd table[8];
    if (count < 0 || count > 8) {
        errno = EINVAL;
        return -1;
    }
    for (int i = 0; i < count; i++) {
        table[i].fd = fds[i];
        table[i].events = events[i];
        table[i].revents = 0;
    }
    struct timespec limit = {0, 0};
    if (timeout >= 0) {
        limit.tv_sec = (time_t)(timeout / 1000000000LL);
        limit.tv_nsec = (long)(timeout % 1000000000LL);
    }
    int result = ppoll(table, (nfds_t)count, timeout < 0 ? NULL : &limit, NULL);
    for (int i = 0; i < count; i++) {
        revents[i] = result > 0 ? table[i].revents : 0;
    }
    return result;
}

short CRsshShims_poll_flag(int which) {
    static const short flags[] = {POLLIN, POLLOUT, POLLERR, POLLHUP, POLLNVAL};
    return which >= 0 && which < 5 ? flags[which] : 0;
}

long CRsshShims_splice(int in, int out, unsigned long length) {
    return (long)splice(in, NULL, out, NULL, length, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
}

int CRsshShims_set_pipe_size(int fd, int size) {
    return fcntl(fd, F_SETPIPE_SZ, size);
}

int CRsshShims_set_timer_slack(unsigned long nanoseconds) {
    return prctl(PR_SET_TIMERSLACK, nanoseconds, 0, 0, 0);
}

int CRsshShims_pipe_queued(int fd) {
    int queued = 0;
    return ioctl(fd, FIONREAD, &queued) == 0 ? queued : -1;
}

int CRsshShims_wait_nohang(int pid, int *status) {
    return waitpid(pid, status, WNOHANG);
}

int CRsshShims_decode_status(int status, int *value, int *core) {
    *core = 0;
    if (WIFEXITED(status)) {
        *value = WEXITSTATUS(status);
        return 1;
    }
    if (WIFSIGNALED(status)) {
        *value = WTERMSIG(status);
#ifdef WCOREDUMP
        *core = WCOREDUMP(status) ? 1 : 0;
#endif
        return 2;
    }
    return 0;
}

void CRsshShims_die_by_signal(int signal) {
    struct rlimit none = {0, 0};
    (void)setrlimit(RLIMIT_CORE, &none);
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = SIG_DFL;
    sigemptyset(&action.sa_mask);
    (void)sigaction(signal, &action, NULL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, signal);
    (void)sigprocmask(SIG_UNBLOCK, &set, NULL);
    (void)kill(getpid(), signal);
}

int CRsshShims_kill(int pid, int signal) {
    return kill(pid, signal);
}

int CRsshShims_try_lock(int fd) {
    return flock(fd, LOCK_EX | LOCK_NB);
}

int CRsshShims_random(void *buffer, unsigned long length) {
    unsigned long done = 0;
    while (done < length) {
        ssize_t count = getrandom((char *)buffer + done, length - done, 0);
        if (count < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -1;
        }
        done += (unsigned long)count;
    }
    return 0;
}

void CRsshShims_realtime(long long *seconds, long *nanoseconds) {
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    *seconds = (long long)now.tv_sec;
    *nanoseconds = now.tv_nsec;
}

long long CRsshShims_monotonic_ns(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long long)now.tv_sec * 1000000000LL + now.tv_nsec;
}

int CRsshShims_set_process_name(const char *name) {
    return prctl(PR_SET_NAME, (unsigned long)name, 0, 0, 0);
}

int CRsshShims_die_with_parent(void) {
    return prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
}

const char *CRsshShims_signal_name(int signal) {
    return sigabbrev_np(signal);
}

int CRsshShims_open_slot(const char *path) {
    return open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
}

long CRsshShims_pwrite(int fd, const void *buffer, unsigned long length, long offset) {
    return (long)pwrite(fd, buffer, length, offset);
}

int CRsshShims_ftruncate(int fd, long length) {
    return ftruncate(fd, length);
}

int CRsshShims_make_slot(const char *path) {
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        return errno == EEXIST ? 0 : -1;
    }
    return close(fd);
}

int CRsshShims_socket_pair(int fds[2]) {
    return socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds);
}

// Room for one SCM_RIGHTS descriptor, aligned as a cmsghdr.
union descriptor_control {
    struct cmsghdr header;
    char space[CMSG_SPACE(sizeof(int))];
};

int CRsshShims_send_descriptor(int socket, unsigned char tag, unsigned short index, int fd) {
    unsigned char payload[3] = {tag, (unsigned char)(index >> 8), (unsigned char)(index & 0xff)};
    struct iovec vector = {.iov_base = payload, .iov_len = sizeof payload};
    union descriptor_control control;
    memset(&control, 0, sizeof control);
    struct msghdr message = {.msg_iov = &vector, .msg_iovlen = 1};
    if (fd >= 0) {
        message.msg_control = control.space;
        message.msg_controllen = sizeof control.space;
        struct cmsghdr *header = CMSG_FIRSTHDR(&message);
        header->cmsg_level = SOL_SOCKET;
        header->cmsg_type = SCM_RIGHTS;
        header->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(header), &fd, sizeof(int));
    }
    ssize_t sent;
    do {
        sent = sendmsg(socket, &message, MSG_NOSIGNAL);
    } while (sent < 0 && errno == EINTR);
    return sent == (ssize_t)sizeof payload ? 0 : -1;
}

int CRsshShims_receive_descriptor(int socket, int timeout_ms, unsigned char *tag, unsigned short *index, int *fd) {
    *fd = -1;
    if (timeout_ms > 0) {
        struct timeval limit = {.tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000};
        if (setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit) != 0) {
            return -1;
        }
    }
    unsigned char payload[3] = {0, 0, 0};
    struct iovec vector = {.iov_base = payload, .iov_len = sizeof payload};
    union descriptor_control control;
    memset(&control, 0, sizeof control);
    struct msghdr message = {
        .msg_iov = &vector, .msg_iovlen = 1, .msg_control = control.space, .msg_controllen = sizeof control.space};
    ssize_t received;
    do {
        received = recvmsg(socket, &message, MSG_CMSG_CLOEXEC | MSG_WAITALL);
    } while (received < 0 && errno == EINTR);
    if (received < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        errno = ETIMEDOUT;  // the socket blocks: only SO_RCVTIMEO ends a wait this way
        return -1;
    }
    for (struct cmsghdr *header = CMSG_FIRSTHDR(&message); header != NULL; header = CMSG_NXTHDR(&message, header)) {
        if (header->cmsg_level == SOL_SOCKET && header->cmsg_type == SCM_RIGHTS &&
            header->cmsg_len == CMSG_LEN(sizeof(int))) {
            memcpy(fd, CMSG_DATA(header), sizeof(int));
        }
    }
    if (received != (ssize_t)sizeof payload || (message.msg_flags & MSG_CTRUNC) != 0) {
        if (*fd >= 0) {
            close(*fd);
            *fd = -1;
        }
        return -1;
    }
    *tag = payload[0];
    *index = (unsigned short)((payload[1] << 8) | payload[2]);
    return 0;
}

int CRsshShims_memfd(const char *name) {
    return memfd_create(name, MFD_CLOEXEC);
}

// Room left below the caller's frame for the release's own calls (what lies below the stack pointer is dead).
#define RSSH_STACK_MARGIN 4096
// At most this many pages are released: the main stack of a process that never recursed deeply.
#define RSSH_STACK_RELEASE_PAGES 256
// A frame this close below the top of the main stack is on it; threads' stacks are in mmap's area, which
// the kernel keeps at least 128 MiB below that top.
#define RSSH_MAIN_STACK_WINDOW (64UL * 1024 * 1024)

// ld.so's record of the main stack's top (exported by glibc since 2.2.5).
extern void *__libc_stack_end;

// Never inlined: a caller's locals would then lie below this frame, in the pages it releases.
__attribute__((noinline)) int CRsshShims_release_idle_memory(void) {
    malloc_trim(0);
    const uintptr_t frame = (uintptr_t)__builtin_frame_address(0);
    const uintptr_t top = (uintptr_t)__libc_stack_end;
    // Below the main stack's mapping the kernel leaves a gap (stack_guard_gap) where nothing is mapped; a
    // thread's stack may border another mapping, so only the main stack is walked.
    if (frame >= top || top - frame > RSSH_MAIN_STACK_WINDOW) {
        return 0;
    }
    const uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t low = (frame - RSSH_STACK_MARGIN) & ~(page - 1);
    int released = 0;
    // Page by page downwards: the first page that is not mapped (ENOMEM) is below the stack's mapping, so
    // nothing but the dead part of the main stack is ever advised.
    while (released < RSSH_STACK_RELEASE_PAGES) {
        low -= page;
        if (madvise((void *)low, page, MADV_DONTNEED) != 0) {
            break;
        }
        released += 1;
    }
    return released;
}

int CRsshShims_duplicate_above(int fd, int minimum) {
    return fcntl(fd, F_DUPFD_CLOEXEC, minimum);
}

int CRsshShims_lock_directory(const char *path) {
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        return -1;
    }
    int result;
    do {
        result = flock(fd, LOCK_EX);
    } while (result != 0 && errno == EINTR);
    if (result != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

int CRsshShims_own_process_group(void) {
    return setpgid(0, 0);
}

long CRsshShims_pread(int fd, void *buffer, unsigned long length, long offset) {
    return (long)pread(fd, buffer, length, offset);
}

int CRsshShims_make_directory(const char *path) {
    if (mkdir(path, 0755) == 0 || errno == EEXIST) {
        return 0;
    }
    return -1;
}
