// The restricted login shell. sshd runs it as `rssh -c "<command>"`; all logic lives in RsshCore.
import RsshCore

LoginShell.main(arguments: CommandLine.unsafeArgv.bytesAfterFirst(count: Int(CommandLine.argc)))
