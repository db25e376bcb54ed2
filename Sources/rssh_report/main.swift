// What `rssh -v` runs: the configuration and sshd report, kept out of the login shell's image. It runs with
// its caller's privileges (no setuid bit, no file capability); all logic lives in RsshCore.
import RsshCoreEmbedded

VersionReport.main()
