// SPDX-License-Identifier: BSD-2-Clause
#include "CRsshBuildConfig.h"

#ifndef RSSH_CONFIG_PATH
#define RSSH_CONFIG_PATH "/usr/local/etc/rssh.conf"
#endif
#ifndef RSSH_CHROOT_HELPER_PATH
#define RSSH_CHROOT_HELPER_PATH "/usr/local/libexec/rssh_chroot_helper"
#endif
#ifndef RSSH_REPORT_PATH
#define RSSH_REPORT_PATH "/usr/local/libexec/rssh_report"
#endif
#ifndef RSSH_SHELL_PATH
#define RSSH_SHELL_PATH "/usr/local/bin/rssh"
#endif
#ifndef RSSH_SCP_PATH
#define RSSH_SCP_PATH "/usr/bin/scp"
#endif
#ifndef RSSH_SFTP_SERVER_PATH
#define RSSH_SFTP_SERVER_PATH "/usr/lib/openssh/sftp-server"
#endif
#ifndef RSSH_CVS_PATH
#define RSSH_CVS_PATH "/usr/bin/cvs"
#endif
#ifndef RSSH_RDIST_PATH
#define RSSH_RDIST_PATH "/usr/bin/rdist"
#endif
#ifndef RSSH_RDISTD_PATH
#define RSSH_RDISTD_PATH "/usr/sbin/rdistd"
#endif
#ifndef RSSH_RSYNC_PATH
#define RSSH_RSYNC_PATH "/usr/bin/rsync"
#endif
#ifndef RSSH_SVNSERVE_PATH
#define RSSH_SVNSERVE_PATH "/usr/bin/svnserve"
#endif
#ifndef RSSH_COREUTILS_DIR
#define RSSH_COREUTILS_DIR "/usr/bin"
#endif
#ifndef RSSH_BORG_PATH
#define RSSH_BORG_PATH "/usr/bin/borg"
#endif
#ifndef RSSH_GIT_PATH
#define RSSH_GIT_PATH "/usr/bin/git"
#endif
#ifndef RSSH_SSHD_PATH
#define RSSH_SSHD_PATH "/usr/sbin/sshd"
#endif
#ifndef RSSH_SSHD_CONFIG_PATH
#define RSSH_SSHD_CONFIG_PATH "/etc/ssh/sshd_config"
#endif
#ifndef RSSH_CONFIG_OWNER_UID
#define RSSH_CONFIG_OWNER_UID 0
#endif
#ifndef RSSH_LANDLOCK_SIMULATION_PATH
#define RSSH_LANDLOCK_SIMULATION_PATH ""
#endif
#ifndef RSSH_VERSION
#define RSSH_VERSION "0.1.0"
#endif

const char *CRsshBuildConfig_config_path(void) { return RSSH_CONFIG_PATH; }
const char *CRsshBuildConfig_chroot_helper_path(void) { return RSSH_CHROOT_HELPER_PATH; }
const char *CRsshBuildConfig_report_path(void) { return RSSH_REPORT_PATH; }
const char *CRsshBuildConfig_shell_path(void) { return RSSH_SHELL_PATH; }
const char *CRsshBuildConfig_scp_path(void) { return RSSH_SCP_PATH; }
const char *CRsshBuildConfig_sftp_server_path(void) { return RSSH_SFTP_SERVER_PATH; }
const char *CRsshBuildConfig_cvs_path(void) { return RSSH_CVS_PATH; }
const char *CRsshBuildConfig_rdist_path(void) { return RSSH_RDIST_PATH; }
const char *CRsshBuildConfig_rdistd_path(void) { return RSSH_RDISTD_PATH; }
const char *CRsshBuildConfig_rsync_path(void) { return RSSH_RSYNC_PATH; }
const char *CRsshBuildConfig_svnserve_path(void) { return RSSH_SVNSERVE_PATH; }
const char *CRsshBuildConfig_sshd_path(void) { return RSSH_SSHD_PATH; }
const char *CRsshBuildConfig_sshd_config_path(void) { return RSSH_SSHD_CONFIG_PATH; }
unsigned int CRsshBuildConfig_config_owner_uid(void) { return RSSH_CONFIG_OWNER_UID; }
const char *CRsshBuildConfig_landlock_simulation_path(void) { return RSSH_LANDLOCK_SIMULATION_PATH; }
const char *CRsshBuildConfig_version(void) { return RSSH_VERSION; }
const char *CRsshBuildConfig_coreutils_dir(void) { return RSSH_COREUTILS_DIR; }
const char *CRsshBuildConfig_borg_path(void) { return RSSH_BORG_PATH; }
const char *CRsshBuildConfig_git_path(void) { return RSSH_GIT_PATH; }
