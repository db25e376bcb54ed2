// SPDX-License-Identifier: BSD-2-Clause
// Declarations for the few glibc calls Swift's Glibc module does not import.
// Every symbol carries the CRsshShims_ prefix so the privileged surface is easy to grep for.
#ifndef CRSSHSHIMS_H
#define CRSSHSHIMS_H

#include <glob.h>
#include <sys/types.h>

/// Sends one message to syslog; the text is always passed as data ("%s"), never as a format.
void CRsshShims_syslog(int priority, const char *message);

/// setresuid(2), which glibc only declares under _GNU_SOURCE.
int CRsshShims_setresuid(uid_t ruid, uid_t euid, uid_t suid);

/// setresgid(2), which glibc only declares under _GNU_SOURCE.
int CRsshShims_setresgid(gid_t rgid, gid_t egid, gid_t sgid);

/// getresuid(2), which glibc only declares under _GNU_SOURCE.
int CRsshShims_getresuid(uid_t *ruid, uid_t *euid, uid_t *suid);

/// getresgid(2), which glibc only declares under _GNU_SOURCE.
int CRsshShims_getresgid(gid_t *rgid, gid_t *egid, gid_t *sgid);

/// prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); <sys/prctl.h> is not part of the Glibc module.
int CRsshShims_set_no_new_privs(void);

/// prctl(PR_SET_DUMPABLE, 0); keeps a privileged process out of core dumps and ptrace.
int CRsshShims_set_not_dumpable(void);

/// close_range(2) with a fallback loop for kernels that lack it.
int CRsshShims_close_from(unsigned int first);

/// Drops every capability (effective, permitted, inheritable, ambient and the bounding set where allowed).
int CRsshShims_drop_capabilities(void);

/// Whether capability number `capability` is in this process's effective set (1), not (0), or unknown (-1).
int CRsshShims_has_effective_capability(int capability);

/// getxattr(2); <sys/xattr.h> is not part of the Glibc module.
long CRsshShims_getxattr(const char *path, const char *name, void *value, unsigned long size);

/// argc as glibc passed it to the program's constructors (saved before main runs).
///
/// Embedded Swift has no CommandLine, and SwiftPM links executables with --defsym main=…, so the arguments
/// are taken from the .init_array call glibc makes with (argc, argv, envp).
int CRsshShims_argc(void);

/// argv as glibc passed it to the program's constructors; argv[argc] is NULL.
char *const *CRsshShims_argv(void);

/// libaudit's `audit_send`: one message of `type` to the kernel's audit and its acknowledgement. Returns the
/// message's sequence number (> 0), or -errno.
int CRsshShims_audit_send(int fd, int type, const void *data, unsigned int size);

/// The kernel's audit status (AUDIT_GET): its `enabled` switch (0 off, 1 on, 2 locked on) and the pid of the
/// audit daemon it has registered (0 none). Returns 0, or -errno (-EPERM without CAP_AUDIT_CONTROL, which
/// only root has; rssh itself holds just CAP_AUDIT_WRITE).
int CRsshShims_audit_status(int *enabled, int *pid);

/// Sets SIGPIPE to SIG_IGN (ignore != 0) or SIG_DFL; sigaction(2)'s result.
int CRsshShims_ignore_sigpipe(int ignore);

/// Reduces the capability sets to CAP_AUDIT_WRITE alone (permitted and effective; ambient and inheritable
/// empty) and verifies the result: 0, or -1 with errno.
int CRsshShims_keep_only_audit_write(void);

/// prctl(PR_SET_KEEPCAPS, keep): whether the permitted capabilities survive the next change away from uid 0.
int CRsshShims_keep_capabilities(int keep);

/// pipe2(2) with O_CLOEXEC.
int CRsshShims_pipe_cloexec(int fds[2]);

/// waitpid(2) for `pid`, retrying EINTR; returns the raw status, or -1.
int CRsshShims_wait_for(int pid);

/// Whether a raw wait status is a normal exit with status 0.
int CRsshShims_exited_zero(int status);

/// The running kernel's Landlock ABI version (> 0), or -errno (-ENOSYS, -EOPNOTSUPP: no Landlock).
int CRsshShims_landlock_abi(void);

/// landlock_create_ruleset(2) handling these rights; `abi` decides which attribute fields exist.
/// Returns the ruleset descriptor or -errno.
int CRsshShims_landlock_create(unsigned long long fs, unsigned long long net, unsigned long long scoped, int abi);

/// landlock_add_rule(2) with a path-beneath rule for the directory or file open at `parent`. 0 or -errno.
int CRsshShims_landlock_allow_beneath(int ruleset, int parent, unsigned long long access);

/// landlock_restrict_self(2) with `flags`. 0 or -errno.
int CRsshShims_landlock_restrict(int ruleset, unsigned int flags);

/// open(path, O_PATH | O_CLOEXEC): a handle for a Landlock rule that reads nothing. -1 with errno on failure.
int CRsshShims_open_path(const char *path);
/* openat(directory, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC): one component, never a link. */
int CRsshShims_open_path_beneath(int directory, const char *name);

/// Runs `path` with `argv` and `envp` (stdin from /dev/null, no shell) and collects its output: at most
/// `out_size` bytes of stdout into `out` and `err_size` of stderr into `err` (the rest is read and dropped, so
/// the child never blocks on a full pipe). After `timeout_ms` the child is killed with SIGKILL and reaped.
/// Returns 0 with the raw wait status in `*status`, -2 when it was killed for taking too long, or -1 with
/// errno when it could not be started.
int CRsshShims_run_capture(const char *path, char *const argv[], char *const envp[], int timeout_ms, char *out,
                           unsigned long out_size, unsigned long *out_len, char *err, unsigned long err_size,
                           unsigned long *err_len, int *status);

/// The exit code of a raw wait status, or -1 when the child did not exit normally (a signal).
int CRsshShims_exit_code(int status);

/// ioctl(fd, FS_IOC_GETFLAGS): the inode flags (`chattr`'s attributes) of the open file into `*flags`.
/// 0, or -errno (-ENOTTY or -EOPNOTSUPP where the file system has no such flags).
int CRsshShims_get_inode_flags(int fd, unsigned int *flags);

/// ioctl(fd, FS_IOC_SETFLAGS): replaces the inode flags of the open file (root only for the immutable flag).
/// 0, or -errno.
int CRsshShims_set_inode_flags(int fd, unsigned int flags);

/// FS_IMMUTABLE_FL (`chattr +i`): the file can be neither changed, renamed, removed nor linked, by anyone.
unsigned int CRsshShims_immutable_flag(void);

/// CAP_AUDIT_WRITE's number, which Swift cannot import from <linux/capability.h> as a plain constant.
int CRsshShims_cap_audit_write(void);

/// The work pattern expansion may do for one command line, and what it has done so far.
///
/// glob(3) runs with GLOB_ALTDIRFUNC and counting callbacks: every directory opened, every entry read and every
/// name looked up (a literal component) is charged here, with the bytes of the path glob may keep for it. Once a
/// maximum is passed the callbacks end the directory, refuse to open or look up anything more, and the error
/// callback makes glob return GLOB_ABORTED at its next failed directory; `exhausted` says which maximum it was.
typedef struct {
    unsigned long directories;         ///< directories opened
    unsigned long entries;             ///< directory entries read plus names looked up
    unsigned long bytes;               ///< bytes of the paths those entries and names stand for
    unsigned long maximum_directories;
    unsigned long maximum_entries;
    unsigned long maximum_bytes;
    int exhausted;                     ///< 0, or the maximum passed: 1 directories, 2 entries, 3 bytes
} CRsshShims_glob_budget;

/// glob(3) on `pattern` with `flags | GLOB_ALTDIRFUNC`, charging its file-system work to `budget` (kept in a
/// thread-local for the call). Returns glob's status; the caller must also check `budget->exhausted`, since a
/// budget that ran out in the last directory read leaves glob's status at 0 with partial results.
int CRsshShims_glob_budgeted(const char *pattern, int flags, glob_t *result, CRsshShims_glob_budget *budget);


// The supervised mode (Shell/Supervisor.swift): signals, the relay's descriptors, the child's status.

/// Blocks the signals the supervisor forwards (HUP, INT, QUIT, TERM, USR1, USR2, ALRM, PIPE is ignored)
/// and SIGCHLD, and returns a signalfd(2) (CLOEXEC, non-blocking) that reads them, or -1.
int CRsshShims_supervisor_signals(void);

/// Reads one signal number from a signalfd made by CRsshShims_supervisor_signals: the number, 0 when none is
/// pending, -1 on error.
int CRsshShims_read_signal(int fd);

/// Puts back the signal mask rssh inherited (in the child, before it execs: a mask survives execve, and the
/// program gets the one it would have had in exec mode).
int CRsshShims_unblock_signals(void);

/// Sets O_NONBLOCK on a descriptor.
int CRsshShims_set_nonblocking(int fd);

/// ppoll(2) on up to 8 descriptors: `events` in, `revents` out, `timeout` nanoseconds (negative: none).
int CRsshShims_poll(const int *fds, const short *events, short *revents, int count, long long timeout);

/// POLLIN, POLLOUT, POLLERR, POLLHUP, POLLNVAL as one table (0 to 4).
short CRsshShims_poll_flag(int which);

/// splice(2) of up to `length` bytes from `in` to `out` (SPLICE_F_MOVE | SPLICE_F_NONBLOCK).
long CRsshShims_splice(int in, int out, unsigned long length);

/// fcntl(F_SETPIPE_SZ): the pipe's new capacity in bytes, or -1.
int CRsshShims_set_pipe_size(int fd, int size);

/// prctl(PR_SET_TIMERSLACK): how late the calling thread's timed waits may end, in nanoseconds.
int CRsshShims_set_timer_slack(unsigned long nanoseconds);

/// ioctl(FIONREAD) on a pipe (either end): the bytes in it not yet read, or -1.
int CRsshShims_pipe_queued(int fd);

/// waitpid(2) without blocking: the pid, 0 while the child runs, -1 on error; the raw status in `status`.
int CRsshShims_wait_nohang(int pid, int *status);

/// Decodes a raw wait status: 1 and the exit code in `value` for an exit, 2 and the signal for a death by
/// signal (`core` set when it dumped core), 0 otherwise.
int CRsshShims_decode_status(int status, int *value, int *core);

/// Dies by `signal` as the child did (no core file: RLIMIT_CORE 0; the default action; unblocked); returns
/// only when that signal does not end the process.
void CRsshShims_die_by_signal(int signal);

/// kill(2).
int CRsshShims_kill(int pid, int signal);

/// flock(2) with LOCK_EX | LOCK_NB.
int CRsshShims_try_lock(int fd);

/// Fills `buffer` with `length` random bytes (getrandom(2)); 0 or -1.
int CRsshShims_random(void *buffer, unsigned long length);

/// CLOCK_REALTIME in seconds and nanoseconds.
void CRsshShims_realtime(long long *seconds, long *nanoseconds);

/// CLOCK_MONOTONIC in nanoseconds.
long long CRsshShims_monotonic_ns(void);

/// prctl(PR_SET_NAME): the name /proc/PID/comm shows (15 bytes at most).
int CRsshShims_set_process_name(const char *name);

/// prctl(PR_SET_PDEATHSIG, SIGKILL): this process dies when its parent does.
int CRsshShims_die_with_parent(void);

/// The name of a signal without SIG ("TERM"), or NULL.
const char *CRsshShims_signal_name(int signal);

/// open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY): a slot file, never through a symbolic link.
int CRsshShims_open_slot(const char *path);

/// pwrite(2).
long CRsshShims_pwrite(int fd, const void *buffer, unsigned long length, long offset);

/// ftruncate(2).
int CRsshShims_ftruncate(int fd, long length);

/// open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600): a slot file the helper makes (as
/// root, so root's). 0 when made or already there, -1 otherwise.
int CRsshShims_make_slot(const char *path);

/// socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC).
int CRsshShims_socket_pair(int fds[2]);

/// Sends a tag byte and a 16-bit `index` and, when `fd` >= 0, that descriptor (SCM_RIGHTS). 0 or -1.
int CRsshShims_send_descriptor(int socket, unsigned char tag, unsigned short index, int fd);

/// Receives what CRsshShims_send_descriptor sent: the tag, the index and the descriptor (close-on-exec; -1 when
/// none came), waiting at most timeout_ms when it is above 0. 0, or -1 when the message was short or truncated
/// (no descriptor is left open then), errno ETIMEDOUT when nothing came in time.
int CRsshShims_receive_descriptor(int socket, int timeout_ms, unsigned char *tag, unsigned short *index, int *fd);

/// memfd_create(name, MFD_CLOEXEC).
int CRsshShims_memfd(const char *name);

/// Gives back what a long-lived process dirtied on its way and no longer uses: free heap pages (malloc_trim)
/// and the stack pages below the caller's frame, less a margin (libaudit's send and its acknowledgement
/// alone write 18 KiB of it).
/// Returns the number of stack pages released: none when called on a thread's stack.
int CRsshShims_release_idle_memory(void);

/// fcntl(fd, F_DUPFD_CLOEXEC, minimum): a copy at the lowest free descriptor >= minimum.
int CRsshShims_duplicate_above(int fd, int minimum);

/// Opens a directory (never through a symbolic link) and waits for an exclusive flock(2) on it: the
/// descriptor, or -1.
int CRsshShims_lock_directory(const char *path);

/// setpgid(0, 0): a process group of its own.
int CRsshShims_own_process_group(void);

/// pread(2).
long CRsshShims_pread(int fd, void *buffer, unsigned long length, long offset);

/// mkdir(path, 0755), 0 also when it exists.
int CRsshShims_make_directory(const char *path);

#endif
