// Real samples for the transfer log tests, recorded on Debian 12 (OpenSSH 9.2p1, rsync 3.5.0).

/// Legacy scp sessions recorded through a relaying `-S` program between OpenSSH 9.2's `scp -O` and `scp -t`/`-f`:
/// each chunk as it was read, in order, `c` from the client and `p` from the program, in hex.
enum ScpSessions {
    /// `scp -r -d -t /tmp/tl/scp/dst/` (exit status 0).
    static let upload: [(fromClient: Bool, hex: String)] = [
        (false, "00"),
        (true, "4330363434203620612e7478740a"),
        (false, "00"),
        (true, "68656c6c6f0a00"),
        (false, "00"),
        (true, "443037353520302064310a"),
        (false, "00"),
        (true, "443037353520302064320a"),
        (false, "00"),
        (true, "4330363434203420632e7478740a"),
        (false, "00"),
        (true, "6465657000"),
        (false, "00"),
        (true, "450a"),
        (false, "00"),
        (true, "43303634342033303020622e62696e0a"),
        (false, "00"),
        (
            true,
            "068f3025efd2b4fa5e3adbd3d0407b2bce597c7f1138351bf90112b35eaea26a2cc3230e01a6af059168599bfeca9302"
                + "de8243ff2362d0b2df59158273d8643d70e940d6f160893fff7771eff8a7f4cea78a74dbf6a9ef25310425a3c09db3a6"
                + "0d404de652532367678a14ab6231e94caaa2e5068176c4ab2eaf4d7804946faa8ff30b476d1255326985a891a74bef4b"
                + "a23c211e5a2f9e5213cf2e1f8d74b5075cc1982d5c54292770b7f5cdfd9f1b98cb660f8280f316e5cf44b97fe470c1ca"
                + "33ff66cc8af7ae4320a1891672242e134047d09bfc8d860bf251b68bdeb9a1f6972961c23b732654798961e98d941286"
                + "56fd87642d419a2ac748ca9396e5690cf0988f15faf25a570ea7f8ea1cc1be19fa1e9dc209b7f3f1eb3e419e67b78b76"
                + "656cea7360931c575bb263c5"
        ),
        (true, "00"),
        (false, "00"),
        (true, "450a"),
        (false, "00"),
        (true, "4330363434203020656d7074790a"),
        (false, "00"),
        (true, "00"),
        (false, "00"),
    ]
    /// `scp -r -f /tmp/tl/scp/src/*` (exit status 0).
    static let download: [(fromClient: Bool, hex: String)] = [
        (true, "00"),
        (false, "4330363434203620612e7478740a"),
        (true, "00"),
        (false, "68656c6c6f0a00"),
        (true, "00"),
        (false, "443037353520302064310a"),
        (true, "00"),
        (false, "443037353520302064320a"),
        (true, "00"),
        (false, "4330363434203420632e7478740a"),
        (true, "00"),
        (false, "64656570"),
        (false, "00"),
        (true, "00"),
        (false, "450a"),
        (true, "00"),
        (false, "43303634342033303020622e62696e0a"),
        (true, "00"),
        (
            false,
            "068f3025efd2b4fa5e3adbd3d0407b2bce597c7f1138351bf90112b35eaea26a2cc3230e01a6af059168599bfeca9302"
                + "de8243ff2362d0b2df59158273d8643d70e940d6f160893fff7771eff8a7f4cea78a74dbf6a9ef25310425a3c09db3a6"
                + "0d404de652532367678a14ab6231e94caaa2e5068176c4ab2eaf4d7804946faa8ff30b476d1255326985a891a74bef4b"
                + "a23c211e5a2f9e5213cf2e1f8d74b5075cc1982d5c54292770b7f5cdfd9f1b98cb660f8280f316e5cf44b97fe470c1ca"
                + "33ff66cc8af7ae4320a1891672242e134047d09bfc8d860bf251b68bdeb9a1f6972961c23b732654798961e98d941286"
                + "56fd87642d419a2ac748ca9396e5690cf0988f15faf25a570ea7f8ea1cc1be19fa1e9dc209b7f3f1eb3e419e67b78b76"
                + "656cea7360931c575bb263c5"
        ),
        (false, "00"),
        (true, "00"),
        (false, "450a"),
        (true, "00"),
        (false, "4330363434203020656d7074790a"),
        (true, "00"),
        (false, "00"),
        (true, "00"),
        (false, "43303634342031207370206163655c5e4a6e6c0a"),
        (true, "00"),
        (false, "6e"),
        (false, "00"),
        (true, "00"),
    ]
    /// `scp -f /tmp/tl/scp/src/missing` (exit status 1).
    static let missingFile: [(fromClient: Bool, hex: String)] = [
        (true, "00"),
        (
            false,
            "017363703a202f746d702f746c2f7363702f7372632f6d697373696e673a204e6f20737563682066696c65206f722064"
                + "69726563746f72790a"
        ),
    ]
    /// `scp -t /tmp/tl/scp/ro/` (exit status 1).
    static let refusedFile: [(fromClient: Bool, hex: String)] = [
        (false, "00"),
        (true, "4330363434203620612e7478740a"),
        (false, "017363703a202f746d702f746c2f7363702f726f2f2f612e7478743a205065726d697373696f6e2064656e6965640a"),
    ]
    /// `scp -p -t /tmp/tl/scp/dst2/` (exit status 0).
    static let preservedTimes: [(fromClient: Bool, hex: String)] = [
        (false, "00"),
        (true, "54313739363534313035332030203137393635343130353320300a"),
        (false, "00"),
        (true, "4330363434203620612e7478740a"),
        (false, "00"),
        (true, "68656c6c6f0a"),
        (true, "00"),
        (false, "00"),
    ]
}

/// sftp-server 9.2 logs recorded with `sftp -D "/usr/lib/openssh/sftp-server -e -l LEVEL"` (and, for the forced
/// close, a client that went away with a file open), the sftp client's own stderr lines taken out.
enum SftpServerLogs {
    /// At VERBOSE: put, a refused get, get, a refused put, rename, a refused rename, mkdir, a put into it, rm,
    /// a refused get and rm, rm, rmdir.
    static let verbose: [[UInt8]] = [
        Array("session opened for local user root from [UNKNOWN]".utf8),
        Array("received client version 3".utf8),
        Array("realpath \".\"".utf8),
        Array("realpath \"/tmp/tl/area\"".utf8),
        Array("stat name \"/tmp/tl/area\"".utf8),
        Array("stat name \"/tmp/tl/area/up.bin\"".utf8),
        Array("sent status No such file".utf8),
        Array("open \"/tmp/tl/area/up.bin\" flags WRITE,CREATE,TRUNCATE mode 0644".utf8),
        Array("close \"/tmp/tl/area/up.bin\" bytes read 0 written 1000000".utf8),
        Array("lstat name \"/tmp/tl/area/nothere.txt\"".utf8),
        Array("sent status No such file".utf8),
        Array("lstat name \"/tmp/tl/area/up.bin\"".utf8),
        Array("stat name \"/tmp/tl/area/up.bin\"".utf8),
        Array("open \"/tmp/tl/area/up.bin\" flags READ mode 0666".utf8),
        Array("close \"/tmp/tl/area/up.bin\" bytes read 1000000 written 0".utf8),
        Array("stat name \"/nonexistent/dir/x\"".utf8),
        Array("sent status No such file".utf8),
        Array("open \"/nonexistent/dir/x\" flags WRITE,CREATE,TRUNCATE mode 0644".utf8),
        Array("sent status No such file".utf8),
        Array("posix-rename old \"/tmp/tl/area/up.bin\" new \"/tmp/tl/area/moved.bin\"".utf8),
        Array("posix-rename old \"/tmp/tl/area/nothere.txt\" new \"/tmp/tl/area/other.txt\"".utf8),
        Array("sent status No such file".utf8),
        Array("mkdir name \"/tmp/tl/area/newdir\" mode 0777".utf8),
        Array("stat name \"/tmp/tl/area/newdir/in.bin\"".utf8),
        Array("sent status No such file".utf8),
        Array("open \"/tmp/tl/area/newdir/in.bin\" flags WRITE,CREATE,TRUNCATE mode 0644".utf8),
        Array("close \"/tmp/tl/area/newdir/in.bin\" bytes read 0 written 1000000".utf8),
        Array("lstat name \"/tmp/tl/area/moved.bin\"".utf8),
        Array("remove name \"/tmp/tl/area/moved.bin\"".utf8),
        Array("lstat name \"/tmp/tl/area/nothere\"".utf8),
        Array("sent status No such file".utf8),
        Array("lstat name \"/tmp/tl/area/nothere\"".utf8),
        Array("sent status No such file".utf8),
        Array("remove name \"/tmp/tl/area/nothere\"".utf8),
        Array("sent status No such file".utf8),
        Array("lstat name \"/tmp/tl/area/newdir/in.bin\"".utf8),
        Array("remove name \"/tmp/tl/area/newdir/in.bin\"".utf8),
        Array("rmdir name \"/tmp/tl/area/newdir\"".utf8),
        Array("session closed for local user root from [UNKNOWN]".utf8),
    ]
    /// At DEBUG1: put, a refused get, a refused put, a refused rename, mkdir, a put into it, a refused rm.
    static let debug: [[UInt8]] = [
        Array("session opened for local user root from [UNKNOWN]".utf8),
        Array("received client version 3".utf8),
        Array("debug1: request 1: limits".utf8),
        Array("realpath \".\"".utf8),
        Array("debug1: request 2: sent names count 1".utf8),
        Array("sent status No such file".utf8),
        Array("open \"/tmp/tl/area/up2.bin\" flags WRITE,CREATE,TRUNCATE mode 0644".utf8),
        Array("debug1: request 4: sent handle handle 0".utf8),
        Array("debug1: request 6: write \"/tmp/tl/area/up2.bin\" (handle 0) off 0 len 5000".utf8),
        Array("sent status Success".utf8),
        Array("close \"/tmp/tl/area/up2.bin\" bytes read 0 written 5000".utf8),
        Array("sent status Success".utf8),
        Array("lstat name \"/tmp/tl/area/nonexist.txt\"".utf8),
        Array("sent status No such file".utf8),
        Array("sent status No such file".utf8),
        Array("open \"/nonexistent/dir/x\" flags WRITE,CREATE,TRUNCATE mode 0644".utf8),
        Array("sent status No such file".utf8),
        Array("posix-rename old \"/tmp/tl/area/nothere.txt\" new \"/tmp/tl/area/other.txt\"".utf8),
        Array("sent status No such file".utf8),
        Array("mkdir name \"/tmp/tl/area/newdir2\" mode 0777".utf8),
        Array("sent status Success".utf8),
        Array("sent status No such file".utf8),
        Array("open \"/tmp/tl/area/newdir2/in.bin\" flags WRITE,CREATE,TRUNCATE mode 0644".utf8),
        Array("debug1: request 12: sent handle handle 0".utf8),
        Array("debug1: request 14: write \"/tmp/tl/area/newdir2/in.bin\" (handle 0) off 0 len 5000".utf8),
        Array("sent status Success".utf8),
        Array("close \"/tmp/tl/area/newdir2/in.bin\" bytes read 0 written 5000".utf8),
        Array("sent status Success".utf8),
        Array("lstat name \"/tmp/tl/area/nothere\"".utf8),
        Array("sent status No such file".utf8),
        Array("remove name \"/tmp/tl/area/nothere\"".utf8),
        Array("sent status No such file".utf8),
        Array("debug1: read eof".utf8),
        Array("session closed for local user root from [UNKNOWN]".utf8),
    ]
    /// At INFO: put, get, rename, mkdir, put, rm, rmdir, ls, chmod, symlink, a missing get, a name with a quote and a backslash, a refused put, get.
    static let info: [[UInt8]] = [
        Array("session opened for local user root from [UNKNOWN]".utf8),
        Array("sent status No such file".utf8),
        Array("open \"/tmp/tl/area/up.bin\" flags WRITE,CREATE,TRUNCATE mode 0644".utf8),
        Array("close \"/tmp/tl/area/up.bin\" bytes read 0 written 5000".utf8),
        Array("open \"/tmp/tl/area/a.txt\" flags READ mode 0666".utf8),
        Array("close \"/tmp/tl/area/a.txt\" bytes read 12 written 0".utf8),
        Array("posix-rename old \"/tmp/tl/area/up.bin\" new \"/tmp/tl/area/moved.bin\"".utf8),
        Array("mkdir name \"/tmp/tl/area/newdir\" mode 0777".utf8),
        Array("sent status No such file".utf8),
        Array("open \"/tmp/tl/area/newdir/inner.bin\" flags WRITE,CREATE,TRUNCATE mode 0644".utf8),
        Array("close \"/tmp/tl/area/newdir/inner.bin\" bytes read 0 written 5000".utf8),
        Array("remove name \"/tmp/tl/area/moved.bin\"".utf8),
        Array("rmdir name \"/tmp/tl/area/sub\"".utf8),
        Array("opendir \"/tmp/tl/area\"".utf8),
        Array("closedir \"/tmp/tl/area\"".utf8),
        Array("set \"/tmp/tl/area/a.txt\" mode 0600".utf8),
        Array("symlink old \"a.txt\" new \"/tmp/tl/area/link.txt\"".utf8),
        Array("sent status No such file".utf8),
        Array("open \"/tmp/tl/area/we ird\"name\\\\.bin\" flags READ mode 0666".utf8),
        Array("close \"/tmp/tl/area/we ird\"name\\\\.bin\" bytes read 5000 written 0".utf8),
        Array("sent status No such file".utf8),
        Array("open \"/nonexistent/dir/x\" flags WRITE,CREATE,TRUNCATE mode 0644".utf8),
        Array("sent status No such file".utf8),
        Array("open \"/tmp/tl/area/newdir/inner.bin\" flags READ mode 0666".utf8),
        Array("close \"/tmp/tl/area/newdir/inner.bin\" bytes read 5000 written 0".utf8),
        Array("session closed for local user root from [UNKNOWN]".utf8),
    ]
    /// At INFO: a file written and left open, a refused open, a refused remove, a rename; then the client's end.
    static let forcedClose: [[UInt8]] = [
        Array("session opened for local user root from [UNKNOWN]".utf8),
        Array("open \"/tmp/tl/area/partial.bin\" flags WRITE,CREATE,TRUNCATE mode 0666".utf8),
        Array("open \"/tmp/tl/area/nope/x\" flags WRITE,CREATE,TRUNCATE mode 0666".utf8),
        Array("sent status No such file".utf8),
        Array("remove name \"/tmp/tl/area/nope.txt\"".utf8),
        Array("sent status No such file".utf8),
        Array("rename old \"/tmp/tl/area/a.txt\" new \"/tmp/tl/area/a2.txt\"".utf8),
        Array("forced close \"/tmp/tl/area/partial.bin\" bytes read 0 written 777".utf8),
        Array("session closed for local user root from [UNKNOWN]".utf8),
    ]
    /// At INFO: a get of a file whose name holds LF, TAB and non-ASCII bytes, and a put of `q"\\ x`.
    static let newlineInName: [[UInt8]] = [
        Array("session opened for local user root from [UNKNOWN]".utf8),
        Array("opendir \"/tmp/tl/area2/\"".utf8),
        Array("closedir \"/tmp/tl/area2/\"".utf8),
        Array(
            "open \"/tmp/tl/area2/n\nclose \"secret\" bytes read 0 written 7\ntab\there\\001\\302\\251\\\\b\\377\" flags READ mode 0666"
                .utf8
        ),
        Array(
            "close \"/tmp/tl/area2/n\nclose \"secret\" bytes read 0 written 7\ntab\there\\001\\302\\251\\\\b\\377\" bytes read 1 written 0"
                .utf8
        ),
        Array("sent status No such file".utf8),
        Array("open \"/tmp/tl/area2/q\"\\\\ x\" flags WRITE,CREATE,TRUNCATE mode 0644".utf8),
        Array("close \"/tmp/tl/area2/q\"\\\\ x\" bytes read 0 written 5000".utf8),
        Array("session closed for local user root from [UNKNOWN]".utf8),
    ]
}
