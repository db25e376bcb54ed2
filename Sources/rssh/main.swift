// The restricted login shell. sshd runs it as `rssh -c "<command>"`; all logic lives in RsshCore
// (compiled here in Embedded mode as RsshCoreEmbedded).
import RsshCoreEmbedded

LoginShell.main(arguments: ArgumentVector.afterFirst())
