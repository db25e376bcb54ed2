// The setuid-root chroot helper. rssh runs it as `rssh_chroot_helper "<command>"`; all logic lives in RsshCore.
import RsshCore

ChrootHelper.main(arguments: CommandLine.unsafeArgv.bytesAfterFirst(count: Int(CommandLine.argc)))
