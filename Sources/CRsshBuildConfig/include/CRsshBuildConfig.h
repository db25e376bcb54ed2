// SPDX-License-Identifier: BSD-2-Clause
// Paths and limits fixed at build time. The Makefile overrides the defaults with -D definitions;
// nothing at run time (environment, argv) can change them.
#ifndef CRSSHBUILDCONFIG_H
#define CRSSHBUILDCONFIG_H

/// The compiled-in rssh.conf path.
const char *CRsshBuildConfig_config_path(void);
/// The compiled-in path of the setuid chroot helper.
const char *CRsshBuildConfig_chroot_helper_path(void);
/// The compiled-in path of the program `rssh -v` runs (the report is kept out of the session's image).
const char *CRsshBuildConfig_report_path(void);
/// The installed path of the rssh login shell (the helper serves only accounts whose shell it is).
const char *CRsshBuildConfig_shell_path(void);
/// The compiled-in path of scp.
const char *CRsshBuildConfig_scp_path(void);
/// The compiled-in path of sftp-server.
const char *CRsshBuildConfig_sftp_server_path(void);
/// The compiled-in path of cvs.
const char *CRsshBuildConfig_cvs_path(void);
/// The compiled-in path of classic rdist.
const char *CRsshBuildConfig_rdist_path(void);
/// The compiled-in path of the rdist 6 server, rdistd.
const char *CRsshBuildConfig_rdistd_path(void);
/// The compiled-in path of rsync.
const char *CRsshBuildConfig_rsync_path(void);
/// The compiled-in path of svnserve.
const char *CRsshBuildConfig_svnserve_path(void);
/// The directory of the coreutils checksum programs (md5sum, sha1sum, sha224sum, sha256sum, sha384sum,
/// sha512sum).
const char *CRsshBuildConfig_coreutils_dir(void);
/// The compiled-in path of borg (BorgBackup, option borg).
const char *CRsshBuildConfig_borg_path(void);
/// The compiled-in path of git, which runs git-upload-pack, git-receive-pack and git-upload-archive (option git).
const char *CRsshBuildConfig_git_path(void);
/// The sshd that `rssh -v` asks for its effective configuration (`sshd -T`).
const char *CRsshBuildConfig_sshd_path(void);
/// The sshd configuration file `rssh -v` checks (passed to sshd as `-f`, or read when not root).
const char *CRsshBuildConfig_sshd_config_path(void);
/// The uid that must own the config file (0 in every installed build; a test build may name its builder).
unsigned int CRsshBuildConfig_config_owner_uid(void);
/// A test build's stand-in for a kernel without Landlock: when this compiled-in path exists, Landlock is
/// reported missing. Empty (never) in every installed build.
const char *CRsshBuildConfig_landlock_simulation_path(void);
/// The version string.
const char *CRsshBuildConfig_version(void);

#endif
