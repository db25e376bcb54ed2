# SPDX-License-Identifier: BSD-2-Clause
# rssh (Swift) - build, install and test.
#
#   make                 build release binaries (rssh and the helper in Embedded Swift; hardening checked)
#   sudo make install    install Debian build/run dependencies, build, install
#   sudo make check      unit tests, black-box tests, and (as root) the end-to-end suite
#
# Paths are compiled in; override on the command line, e.g. make SFTP_SERVER=/usr/libexec/openssh/sftp-server
# (SSHD and SSHD_CONFIG name the sshd and the configuration rssh -v checks; tests point them elsewhere)

PREFIX     ?= /usr/local
SYSCONFDIR ?= /etc
LIBEXECDIR ?= $(PREFIX)/libexec
BINDIR     ?= $(PREFIX)/bin
SBINDIR    ?= $(PREFIX)/sbin
MANDIR     ?= $(PREFIX)/share/man
EXAMPLESDIR ?= $(PREFIX)/share/doc/rssh
DESTDIR    ?=
VERSION    := 0.1.0

# sudo resets PATH, so look in the usual toolchain folders too.
SWIFT      ?= $(or $(shell command -v swift 2>/dev/null),$(firstword $(wildcard /opt/swift/usr/bin/swift /usr/share/swift/usr/bin/swift /usr/local/swift/usr/bin/swift)),swift)

# First existing candidate, else the Debian path.
find_prog = $(or $(firstword $(wildcard $(1))),$(2))
SFTP_SERVER ?= $(call find_prog,/usr/lib/openssh/sftp-server /usr/libexec/openssh/sftp-server /usr/libexec/sftp-server /usr/lib/ssh/sftp-server,/usr/lib/openssh/sftp-server)
SCP         ?= $(call find_prog,/usr/bin/scp,/usr/bin/scp)
RSYNC       ?= $(call find_prog,/usr/bin/rsync /usr/local/bin/rsync,/usr/bin/rsync)
CVS         ?= $(call find_prog,/usr/bin/cvs /usr/local/bin/cvs,/usr/bin/cvs)
RDIST       ?= $(call find_prog,/usr/bin/rdist /usr/local/bin/rdist,/usr/bin/rdist)
RDISTD      ?= $(call find_prog,/usr/sbin/rdistd /usr/bin/rdistd /usr/local/sbin/rdistd,/usr/sbin/rdistd)
SVNSERVE    ?= $(call find_prog,/usr/bin/svnserve /usr/local/bin/svnserve,/usr/bin/svnserve)
# Where md5sum, sha1sum, sha224sum, sha256sum, sha384sum and sha512sum are (option checksums).
COREUTILS_DIR ?= /usr/bin
# BorgBackup (option borg; a Python script) and git (option git: it runs git-upload-pack, git-receive-pack and
# git-upload-archive as git upload-pack …).
BORG        ?= $(call find_prog,/usr/bin/borg /usr/local/bin/borg,/usr/bin/borg)
GIT         ?= $(call find_prog,/usr/bin/git /usr/local/bin/git,/usr/bin/git)
# What rssh -v checks: the sshd it asks (sshd -T) and the configuration file it passes (-f) or reads.
SSHD        ?= /usr/sbin/sshd
SSHD_CONFIG ?= /etc/ssh/sshd_config

define path_flags
-Xcc '-DRSSH_CONFIG_PATH="$(1)"' \
-Xcc '-DRSSH_CHROOT_HELPER_PATH="$(2)"' \
-Xcc '-DRSSH_SFTP_SERVER_PATH="$(3)"' \
-Xcc '-DRSSH_SCP_PATH="$(4)"' \
-Xcc '-DRSSH_RSYNC_PATH="$(5)"' \
-Xcc '-DRSSH_CVS_PATH="$(6)"' \
-Xcc '-DRSSH_RDIST_PATH="$(7)"' \
-Xcc '-DRSSH_RDISTD_PATH="$(8)"' \
-Xcc '-DRSSH_SVNSERVE_PATH="$(9)"' \
-Xcc '-DRSSH_SHELL_PATH="$(10)"' \
-Xcc '-DRSSH_COREUTILS_DIR="$(11)"' \
-Xcc '-DRSSH_BORG_PATH="$(12)"' \
-Xcc '-DRSSH_GIT_PATH="$(13)"' \
-Xcc '-DRSSH_REPORT_PATH="$(14)"' \
-Xcc '-DRSSH_VERSION="$(VERSION)"'
endef

# sshd_flags SSHD,SSHD_CONFIG
define sshd_flags
-Xcc '-DRSSH_SSHD_PATH="$(1)"' -Xcc '-DRSSH_SSHD_CONFIG_PATH="$(2)"'
endef

# rssh and the helper are Embedded Swift (no Swift runtime; --static-swift-stdlib would select a resource
# directory without the Embedded stdlib), built into .build. rsshctl is ordinary Swift with the static
# runtime, built in its own scratch path.
RELEASE_FLAGS = -c release --disable-local-rpath \
	$(call path_flags,$(SYSCONFDIR)/rssh.conf,$(LIBEXECDIR)/rssh_chroot_helper,$(SFTP_SERVER),$(SCP),$(RSYNC),$(CVS),$(RDIST),$(RDISTD),$(SVNSERVE),$(BINDIR)/rssh,$(COREUTILS_DIR),$(BORG),$(GIT),$(LIBEXECDIR)/rssh_report) \
	$(call sshd_flags,$(SSHD),$(SSHD_CONFIG))
ADMIN_FLAGS = $(RELEASE_FLAGS) --static-swift-stdlib --scratch-path $(CURDIR)/.build-admin -Xlinker -z -Xlinker now
PRIVILEGED = rssh rssh_chroot_helper
# Embedded Swift, hardened and checked like them: the privileged two and what rssh -v runs.
EMBEDDED = $(PRIVILEGED) rssh_report

# The black-box build: the same sources, compiled-in paths pointing at stub programs in a test folder.
BLACKBOX   := $(CURDIR)/.build-blackbox
FIXTURE    := $(BLACKBOX)/fixture
BLACKBOX_FLAGS = -c release --disable-local-rpath --scratch-path $(BLACKBOX) \
	$(call path_flags,$(FIXTURE)/rssh.conf,$(FIXTURE)/rssh_chroot_helper,$(FIXTURE)/bin/sftp-server,$(FIXTURE)/bin/scp,$(FIXTURE)/bin/rsync,$(FIXTURE)/bin/cvs,$(FIXTURE)/bin/rdist,$(FIXTURE)/bin/rdistd,$(FIXTURE)/bin/svnserve,$(FIXTURE)/rssh,$(FIXTURE)/bin,$(FIXTURE)/bin/borg,$(FIXTURE)/bin/git,$(FIXTURE)/rssh_report) \
	$(call sshd_flags,$(FIXTURE)/bin/sshd,$(FIXTURE)/sshd_config) -Xcc -DRSSH_CONFIG_OWNER_UID=$(shell id -u) \
	-Xcc '-DRSSH_LANDLOCK_SIMULATION_PATH="$(FIXTURE)/no-landlock"'

# Debian packages: to build, to run, and for the test suites.
DEPS_BUILD = pkg-config libaudit-dev libcap2-bin binutils
DEPS_RUN   = openssh-server openssh-client openssh-sftp-server rsync
DEPS_TEST  = mandoc cvs python3-paramiko rsyslog auditd util-linux procps
# Only for make e2e-ldap; Tests/EndToEnd/ldap.sh installs them (preseeded, services left disabled).
DEPS_LDAP  = slapd ldap-utils libnss-ldapd nslcd gcc

.PHONY: all build install install-files deps check unit modes blackbox-build blackbox differential e2e e2e-ldap e2e-fleet lint demo bench profile clean fuzz fuzz-build fuzz-short

all: build

build:
	@for p in $(EMBEDDED); do $(SWIFT) build $(RELEASE_FLAGS) --product $$p || exit 1; done
	$(SWIFT) build $(ADMIN_FLAGS) --product rsshctl
	@bash Tests/Hardening/check-binaries.sh $(addprefix "$$($(SWIFT) build $(RELEASE_FLAGS) --show-bin-path)"/,$(EMBEDDED))
	@echo "built: $$($(SWIFT) build $(RELEASE_FLAGS) --show-bin-path)/{rssh,rssh_chroot_helper,rssh_report} (Embedded Swift), $$($(SWIFT) build $(ADMIN_FLAGS) --show-bin-path)/rsshctl"

deps:
	@if [ "$$(id -u)" -ne 0 ]; then echo "deps: not root, skipping Debian packages ($(DEPS_BUILD) $(DEPS_RUN) $(DEPS_TEST))"; exit 0; fi; \
	missing=""; for p in $(DEPS_BUILD) $(DEPS_RUN) $(DEPS_TEST); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "deps: installing$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	else echo "deps: all Debian packages present"; fi

install: deps
	$(MAKE) build
	$(MAKE) install-files

install-files:
	@bin="$$($(SWIFT) build $(RELEASE_FLAGS) --show-bin-path)"; admin="$$($(SWIFT) build $(ADMIN_FLAGS) --show-bin-path)"; \
	install -d -m 755 $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(SYSCONFDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8; \
	install -d -m 755 $(DESTDIR)$(SBINDIR) $(DESTDIR)$(EXAMPLESDIR); \
	install -m 755 -s "$$bin/rssh" $(DESTDIR)$(BINDIR)/rssh; \
	if [ "$$(id -u)" -eq 0 ] && command -v setcap >/dev/null; then \
	  setcap cap_audit_write+ep $(DESTDIR)$(BINDIR)/rssh && echo "gave $(BINDIR)/rssh cap_audit_write (for audit records)" \
	  || echo "WARNING: setcap failed: rssh will not write audit records (see rssh -v)"; \
	else echo "NOTE: not root or no setcap: rssh will not write audit records (see rssh -v)"; fi; \
	install -m 755 "$$admin/rsshctl" $(DESTDIR)$(SBINDIR)/rsshctl; \
	install -m 4755 -s $(if $(filter 0,$(shell id -u)),-o root -g root,) "$$bin/rssh_chroot_helper" $(DESTDIR)$(LIBEXECDIR)/rssh_chroot_helper; \
	install -m 755 -s "$$bin/rssh_report" $(DESTDIR)$(LIBEXECDIR)/rssh_report; \
	install -m 644 Man/rssh.1 $(DESTDIR)$(MANDIR)/man1/rssh.1; \
	install -m 644 Man/rssh.conf.5 $(DESTDIR)$(MANDIR)/man5/rssh.conf.5; \
	install -m 644 Man/rssh_chroot_helper.8 Man/rsshctl.8 $(DESTDIR)$(MANDIR)/man8/; \
	install -m 644 Config/rsyslog-rssh.conf Config/sshd_config.example Config/rssh.conf $(DESTDIR)$(EXAMPLESDIR)/; \
	install -d -m 755 $(DESTDIR)$(EXAMPLESDIR)/fail2ban/filter.d $(DESTDIR)$(EXAMPLESDIR)/fail2ban/jail.d; \
	install -m 644 Config/fail2ban/filter.d/rssh.conf $(DESTDIR)$(EXAMPLESDIR)/fail2ban/filter.d/rssh.conf; \
	install -m 644 Config/fail2ban/jail.d/rssh.conf $(DESTDIR)$(EXAMPLESDIR)/fail2ban/jail.d/rssh.conf; \
	if [ -e $(DESTDIR)$(SYSCONFDIR)/rssh.conf ]; then \
	  echo "keeping existing $(DESTDIR)$(SYSCONFDIR)/rssh.conf (example at $(DESTDIR)$(SYSCONFDIR)/rssh.conf.default)"; \
	  install -m 644 Config/rssh.conf $(DESTDIR)$(SYSCONFDIR)/rssh.conf.default; \
	else install -m 644 Config/rssh.conf $(DESTDIR)$(SYSCONFDIR)/rssh.conf; fi; \
	if [ -z "$(DESTDIR)" ] && ! grep -qx '$(BINDIR)/rssh' /etc/shells 2>/dev/null; then \
	  echo '$(BINDIR)/rssh' >> /etc/shells; echo "registered $(BINDIR)/rssh in /etc/shells"; fi; \
	echo "installed rssh into $(DESTDIR)$(BINDIR); config $(SYSCONFDIR)/rssh.conf"

check: deps unit modes blackbox differential lint fuzz-short
	@if [ "$$(id -u)" -eq 0 ]; then status=0; \
	  $(MAKE) e2e || status=1; $(MAKE) e2e-ldap || status=1; $(MAKE) e2e-fleet || status=1; $(MAKE) e2e-deb || status=1; \
	  $(MAKE) demo || status=1; exit $$status; \
	else echo "NOTE: not root: the root-only suites (end-to-end through sshd, LDAP, the fleet, the package, the demo) were NOT run"; fi

# CI's short, bounded fuzzing pass: the targets keep building and the invariants keep holding.
fuzz-short:
	$(MAKE) fuzz FUZZ_SECONDS=20

unit:
	$(SWIFT) test --skip RsshBlackBoxTests

# The access modes' rsync allow-lists against the real rsync: seeded random client options (and server
# options smuggled in with -M) through rssh's decision; readonly changes nothing, uploadonly leaks nothing,
# appendonly (plain and landlocked) leaves every existing path as it was, and its Landlock ruleset alone
# (rssh's decision skipped) removes and renames nothing. Then the real sftp-server shows
# why appendonly refuses sftp (it overwrites and truncates existing files whatever its request list).
modes:
	$(SWIFT) build --product rsync-mode-gate
	python3 Tests/Modes/rsync_modes.py "$$($(SWIFT) build --show-bin-path)/rsync-mode-gate" 800
	python3 Tests/Modes/sftp_appendonly.py

blackbox-build:
	@for p in $(EMBEDDED) rssh-probe-embedded; do $(SWIFT) build $(BLACKBOX_FLAGS) --product $$p || exit 1; done
	@bash Tests/Hardening/check-binaries.sh $(addprefix "$$($(SWIFT) build $(BLACKBOX_FLAGS) --show-bin-path)"/,$(EMBEDDED))
	@# rssh -v runs the report from the fixture, where the build config says it is.
	@mkdir -p $(FIXTURE) && cp "$$($(SWIFT) build $(BLACKBOX_FLAGS) --show-bin-path)/rssh_report" $(FIXTURE)/rssh_report

blackbox: blackbox-build
	$(SWIFT) build --product rsshctl
	RSSH_BLACKBOX_RSSHCTL="$$($(SWIFT) build --show-bin-path)/rsshctl" \
	RSSH_BLACKBOX_BINARY="$$($(SWIFT) build $(BLACKBOX_FLAGS) --show-bin-path)/rssh" RSSH_BLACKBOX_FIXTURE=$(FIXTURE) \
	  RSSH_BLACKBOX_HELPER="$$($(SWIFT) build $(BLACKBOX_FLAGS) --show-bin-path)/rssh_chroot_helper" \
	  RSSH_BLACKBOX_PROBE="$$($(SWIFT) build $(BLACKBOX_FLAGS) --show-bin-path)/rssh-probe-embedded" \
	  $(SWIFT) test --no-parallel --filter RsshBlackBoxTests

# The Embedded and the normal compilation of RsshCore must agree: one probe source built both ways, run over
# every fuzz seed and example config, outputs compared byte for byte.
PROBE_INPUTS = $(sort $(wildcard Tests/Fuzz/corpus/*/* Config/*.conf Config/*.example))
differential:
	$(SWIFT) build -c release --product rssh-probe
	$(SWIFT) build -c release --product rssh-probe-embedded
	@bin="$$($(SWIFT) build -c release --show-bin-path)"; mkdir -p $(CURDIR)/.build-probe; \
	"$$bin/rssh-probe" $(PROBE_INPUTS) >$(CURDIR)/.build-probe/normal.txt && \
	"$$bin/rssh-probe-embedded" $(PROBE_INPUTS) >$(CURDIR)/.build-probe/embedded.txt || exit 1; \
	n=$$(grep -c '^== ' $(CURDIR)/.build-probe/normal.txt); \
	if cmp -s $(CURDIR)/.build-probe/normal.txt $(CURDIR)/.build-probe/embedded.txt && [ "$$n" -gt 0 ]; then \
	  echo "differential: Embedded and normal builds agree on $$n inputs"; \
	else diff $(CURDIR)/.build-probe/normal.txt $(CURDIR)/.build-probe/embedded.txt | head -40; \
	  echo "differential: the Embedded and normal builds DISAGREE ($$n inputs)"; exit 1; fi

e2e:
	bash Tests/EndToEnd/e2e.sh

# Directory (LDAP) users through a private slapd and nslcd; as root. Not part of make check: it edits
# /etc/nsswitch.conf and /etc/nslcd.conf for the run (restored on exit).
e2e-ldap: deps
	LDAP_PACKAGES="$(DEPS_LDAP)" bash Tests/EndToEnd/ldap.sh

# Where the start-up goes (strace, callgrind, page faults, peak RSS) beside the C original's: figures that
# hold on a loaded machine, unlike bench's timings. As root; output in /tmp/rssh-profile.
profile: deps
	bash Tests/Benchmarks/profile.sh

# The README's "Running it on many servers", proven on one machine: a collector in a network namespace
# (rsyslogd with imrelp, auditd with local_events = no), stopped and started again while sessions run;
# every syslog line and audit record must arrive exactly once. As root; restores /etc/audit on exit.
e2e-fleet: deps
	bash Tests/EndToEnd/fleet.sh

bench: deps
	@command -v hyperfine >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine time >/dev/null)
	@command -v /usr/bin/time >/dev/null || (DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null)
	bash Tests/Benchmarks/bench.sh

# libFuzzer targets: one instrumented binary per harness, linked from one compilation of RsshCore.
FUZZ_SECONDS ?= 60
FUZZ_SANITIZERS ?= fuzzer,address
FUZZ_DIR     := $(CURDIR)/.build-fuzz
FUZZ_JOBS    ?= $(shell nproc)
FUZZ_TARGETS := FuzzConfig FuzzSplitter FuzzDecision FuzzTransfer
CORE_SOURCES  = $(shell find Sources/RsshCore -name '*.swift' | sort)
CLANG        ?= $(or $(wildcard $(dir $(shell command -v $(SWIFT)))clang),clang)

fuzz-build:
	@mkdir -p $(FUZZ_DIR)/modules
	@printf 'module CRsshShims {\n  header "%s"\n  export *\n}\nmodule CRsshBuildConfig {\n  header "%s"\n  export *\n}\n' \
	  $(CURDIR)/Sources/CRsshShims/include/CRsshShims.h $(CURDIR)/Sources/CRsshBuildConfig/include/CRsshBuildConfig.h \
	  >$(FUZZ_DIR)/modules/module.modulemap
	$(CLANG) -O2 -D_GNU_SOURCE -ISources/CRsshShims/include -c Sources/CRsshShims/shims.c -o $(FUZZ_DIR)/shims.o
	$(CLANG) -O2 -ISources/CRsshBuildConfig/include -c Sources/CRsshBuildConfig/build_config.c -o $(FUZZ_DIR)/build_config.o
	@# One instrumented compilation of RsshCore, the support file and every harness (one module, objects kept
	@# apart per target), then one link per target: the core is compiled once, not once per target.
	@rm -rf $(FUZZ_DIR)/obj && mkdir -p $(FUZZ_DIR)/obj
	@echo "fuzz: building $(FUZZ_TARGETS)"
	@cd $(FUZZ_DIR)/obj && $(SWIFT)c -sanitize=$(FUZZ_SANITIZERS) -parse-as-library -O -c -j$(FUZZ_JOBS) -module-name RsshFuzz \
	  -I $(FUZZ_DIR)/modules -I $(CURDIR)/Sources/CAudit -I $(CURDIR)/Sources/CRsshLibc \
	  $(addprefix $(CURDIR)/,$(CORE_SOURCES)) $(CURDIR)/Tests/Fuzz/FuzzSupport.swift $(FUZZ_TARGETS:%=$(CURDIR)/Tests/Fuzz/%.swift) \
	  >$(FUZZ_DIR)/build.log 2>&1 || { cat $(FUZZ_DIR)/build.log; exit 1; }
	@for t in $(FUZZ_TARGETS); do \
	  objects=$$(ls $(FUZZ_DIR)/obj/*.o | grep -v -E "/Fuzz($$(echo $(FUZZ_TARGETS) | sed 's/Fuzz//g; s/ /|/g'))\.o$$"); \
	  $(SWIFT)c -sanitize=$(FUZZ_SANITIZERS) $$objects $(FUZZ_DIR)/obj/$$t.o $(FUZZ_DIR)/shims.o $(FUZZ_DIR)/build_config.o \
	    -laudit -o $(FUZZ_DIR)/$$t >$(FUZZ_DIR)/$$t.build.log 2>&1 || { cat $(FUZZ_DIR)/$$t.build.log; exit 1; }; \
	done

fuzz: fuzz-build
	@status=0; for t in $(FUZZ_TARGETS); do \
	  corpus=$$(echo $$t | sed 's/^Fuzz//' | tr A-Z a-z); work=$(FUZZ_DIR)/work/$$t; mkdir -p $$work $(FUZZ_DIR)/findings; \
	  echo "fuzz: $$t for $(FUZZ_SECONDS) s (seeds: Tests/Fuzz/corpus/$$corpus)"; \
	  (cd $(FUZZ_DIR)/findings && SWIFT_BACKTRACE=enable=no $(FUZZ_DIR)/$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 -max_len=4096 \
	    -timeout=10 $$work $(CURDIR)/Tests/Fuzz/corpus/$$corpus) >$(FUZZ_DIR)/$$t.log 2>&1 || status=1; \
	  grep -E '^(#[0-9]+\s+DONE|Done [0-9]+ runs|stat::number_of_executed_units|==[0-9]+==ERROR|Fatal error|SUMMARY)' $(FUZZ_DIR)/$$t.log; \
	done; \
	if [ $$status -ne 0 ]; then echo "fuzz: FINDINGS (inputs in $(FUZZ_DIR)/findings)"; exit 1; fi; echo "fuzz: no findings"

demo: deps
	bash Tests/EndToEnd/demo.sh

lint:
	$(SWIFT) format lint --strict --recursive Package.swift Sources Tests
	@! grep -rn 'import Foundation' Sources/ || (echo "lint: Foundation is not allowed in Sources/"; exit 1)
	@if command -v mandoc >/dev/null; then mandoc -T lint -W warning Man/*; else echo "lint: mandoc missing, man pages not linted"; fi

clean:
	rm -rf .build .build-admin .build-probe $(BLACKBOX) $(FUZZ_DIR) $(DEB_DIR)

# --- Debian package ---------------------------------------------------------------------------------
# make deb: .build-deb/rssh_<version>_<arch>.deb, built by dpkg-deb from a copy of the tree with the Debian
# paths compiled in (Packaging/build-deb.sh), then checked by lintian. make e2e-deb (root) installs it,
# drives sftp/scp/rsync through a private sshd, upgrades and purges it (Tests/EndToEnd/deb.sh).
DEB_DIR  := $(CURDIR)/.build-deb
DEPS_DEB  = dpkg-dev lintian rsync

.PHONY: deb e2e-deb

deb:
	MAKE="$(MAKE)" VERSION="$(VERSION)" DEB_DIR="$(DEB_DIR)" DEB_DEPS="$(DEPS_BUILD) $(DEPS_DEB)" bash Packaging/build-deb.sh

e2e-deb: deps
	bash Tests/EndToEnd/deb.sh
