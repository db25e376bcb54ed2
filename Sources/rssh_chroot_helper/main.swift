// The setuid-root chroot helper. rssh runs it as `rssh_chroot_helper "<command>"`; all logic lives in
// RsshCore (compiled here in Embedded mode as RsshCoreEmbedded).
import RsshCoreEmbedded

ChrootHelper.main(arguments: ArgumentVector.afterFirst())
