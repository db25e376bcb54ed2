import CRsshLibc

/// Relays a supervised session's standard streams between sshd's descriptors and the program's pipes, and
/// counts the bytes each way.
///
/// Three channels: the client's input to the program's stdin, the program's stdout to the client, its stderr to the
/// client (line by line also to the observer). Data moves with splice(2), in the kernel, unless the observer wants the
/// bytes (then read(2)/write(2) through one buffer, except the runs of bytes the observer says it only counts,
/// `SessionObserver.opaqueBytesAhead`, which are spliced). One poll(2) loop over the channels and a signalfd: forwarded
/// signals go to the program, SIGCHLD reaps it. The program's side is non-blocking; sshd's descriptors are left as they
/// are (a write to the client that blocks holds the program back exactly as it would have in exec mode).
struct SessionRelay {
    /// The longest stderr line handed to the observer (longer ones are cut there).
    static let maximumLine = 4_096
    /// The most bytes one splice or read moves.
    static let chunk = 1 << 20
    /// The copy mode's buffer.
    static let bufferSize = 256 * 1024
    /// How long the program's output is still drained once it has exited (a descendant may hold the pipe).
    static let drainMilliseconds: Int32 = 200
    /// How long stderr and the log pipe rest after a read, so that their lines are read in batches.
    ///
    /// A log comes a line or two per file (sftp-server's, rsync's), so a tree of small files is thousands of
    /// lines, each a wake-up of its own otherwise. A pipe holds 64 KiB, several times what a fast transfer logs
    /// in this time.
    static let restNanoseconds: Int64 = 5_000_000
    /// How long a channel rests after splicing part of a long run of file data (scp's), so that it moves the
    /// run in large pieces.
    ///
    /// sshd writes a client's data in pieces of about 32 KiB; spliced as each arrives, a 1 GiB scp upload
    /// woke the supervisor about 64,000 times and the program as often (measured: 63,000 context switches of
    /// scp -t against 11,000 in exec mode). Resting lets the pipes fill instead: both of the channel's
    /// pipes are first enlarged to `bulkPipeSize`, which a fast transfer through sshd (about 400 MB/s here)
    /// takes some 2.5 ms to fill, and the rest is never started without them.
    static let bulkRestNanoseconds: Int64 = 1_000_000
    /// The pipe capacity a resting channel needs (the default maximum of an unprivileged process).
    static let bulkPipeSize: Int32 = 1 << 20
    /// The run of file data still ahead from which a channel rests: the last of a run moves as it comes.
    static let bulkRunMinimum: UInt64 = 4 << 20
    /// What a spliced channel carries within one `backlogWindowNanoseconds` before it may rest behind its
    /// reader's backlog (`restBehindBacklog`).
    ///
    /// Its pipes are enlarged then, and an enlarged pipe counts against the user's pipe memory (the kernel's
    /// pipe-user-pages-soft, 64 MiB by default; past it, every new pipe of the user gets two pages): only a
    /// flow of 8 MB/s or more enlarges them, and `idlePipeNanoseconds` without a byte gives them back.
    static let backlogRestFrom: UInt64 = 8 << 20
    /// The window in which a channel's flow is measured against `backlogRestFrom`.
    static let backlogWindowNanoseconds: Int64 = 1_000_000_000
    /// The least backlog a channel rests behind.
    static let backlogMinimum = 64 * 1024
    /// The reader speed a backlog rest assumes: 4 bytes a nanosecond (4 GB/s), several times what sftp-server,
    /// rsync or sshd move here (0.3 to 1 GB/s).
    static let backlogBytesPerNanosecond = 4
    /// How long an enlarged pair of pipes (`restsInBulk`) may carry nothing before it shrinks back.
    static let idlePipeNanoseconds: Int64 = 2_000_000_000
    /// The capacity an enlarged pipe shrinks back to: Linux's default.
    static let ordinaryPipeSize: Int32 = 64 * 1024

    /// One direction of the relay.
    struct Channel {
        var source: Int32
        var destination: Int32
        /// Which count it adds to (nil: stderr, not counted as transfer bytes).
        var direction: RelayDirection?
        var splices: Bool
        /// splice(2) refused this channel's descriptors (EINVAL): never tried again.
        var copiesOnly = false
        var open = true
        var waitingForDestination = false
        var pending: [UInt8] = []
        var bytes: UInt64 = 0
        /// Until when (monotonic nanoseconds) this channel is left out of the poll (see `restNanoseconds`).
        var restsUntil: Int64 = 0
        /// Whether the destination, rather than the source, is sshd's descriptor.
        var destinationIsClient: Bool
        /// Whether both pipes were enlarged for resting (`bulkRestNanoseconds`): nil until first needed, and again
        /// once they have shrunk back.
        var rests: Bool?
        /// When the flow's current `backlogWindowNanoseconds` began (monotonic), and what it has carried since.
        var windowStart: Int64 = 0
        var windowBytes: UInt64 = 0
        /// When a splice last moved bytes on this channel (monotonic nanoseconds).
        var lastMoved: Int64 = 0
    }

    /// How the relay ended.
    struct Outcome {
        var status: Int32?
        var bytesFromClient: UInt64
        var bytesToClient: UInt64
        var clientGone: Bool
    }

    var channels: [Channel]
    let child: pid_t
    let signals: Int32
    var status: Int32?
    var clientGone = false
    var line: [UInt8] = []
    var buffer: [UInt8]
    // The poll set, rebuilt each round in place (no allocation per wake-up).
    var pollDescriptors: [Int32] = []
    var pollEvents: [Int16] = []
    var pollOwners: [Int] = []
    var pollResults: [Int16] = []

    /// Sets up the relay for a started program.
    /// - Parameters:
    ///   - stdin: the write end of the program's stdin pipe.
    ///   - stdout: the read end of its stdout pipe.
    ///   - stderr: the read end of its stderr pipe.
    ///   - log: the read end of the program's log pipe (its bytes go to the observer only), or -1.
    init(child: pid_t, signals: Int32, stdin: Int32, stdout: Int32, stderr: Int32, splices: Bool, log: Int32 = -1) {
        self.child = child
        self.signals = signals
        channels = [
            Channel(
                source: STDIN_FILENO,
                destination: stdin,
                direction: .fromClient,
                splices: splices,
                destinationIsClient: false
            ),
            Channel(
                source: stdout,
                destination: STDOUT_FILENO,
                direction: .toClient,
                splices: splices,
                destinationIsClient: true
            ),
            Channel(
                source: stderr,
                destination: STDERR_FILENO,
                direction: nil,
                splices: false,
                destinationIsClient: true
            ),
        ]
        if log >= 0 {
            channels.append(
                Channel(source: log, destination: -1, direction: nil, splices: false, destinationIsClient: false)
            )
        }
        // Not zero-filled: read(2) fills what is used (only `count` bytes of a read are ever looked at), and a
        // page never read into stays untouched, so an idle session's buffer costs no memory (`make bench` row 10).
        let size = splices ? 64 * 1024 : Self.bufferSize
        buffer = [UInt8](unsafeUninitializedCapacity: size) { _, count in count = size }
        // Rests end when they should: with the kernel's default slack of 50 µs, a 16 µs backlog rest could last 66.
        // Only the supervisor's own waits change (the program and the watcher are forked before the relay).
        _ = system_set_timer_slack(1)
    }

    /// Runs until the program has ended and its output is drained.
    /// - Parameter progress: called at most once a second with the counts so far (for `rsshctl who`).
    mutating func run<Observer: SessionObserver>(
        observer: inout Observer,
        progress: (UInt64, UInt64) -> Void
    ) -> Outcome {
        let pollIn = system_poll_flag(0)
        let pollOut = system_poll_flag(1)
        var lastProgress = system_monotonic_ns()
        while true {
            pollDescriptors.removeAll(keepingCapacity: true)
            pollEvents.removeAll(keepingCapacity: true)
            pollOwners.removeAll(keepingCapacity: true)
            pollDescriptors.append(signals)
            pollEvents.append(pollIn)
            pollOwners.append(-1)
            let now = system_monotonic_ns()
            var wake = Int64.max
            var resting = false
            for (index, channel) in channels.enumerated() where channel.open {
                let writing = channel.waitingForDestination || !channel.pending.isEmpty
                if !writing && status == nil && channel.restsUntil > now {
                    wake = min(wake, channel.restsUntil)
                    resting = true
                    continue
                }
                pollDescriptors.append(writing ? channel.destination : channel.source)
                pollEvents.append(writing ? pollOut : pollIn)
                pollOwners.append(index)
            }
            if status != nil && pollOwners.count == 1 { break }
            pollResults.removeAll(keepingCapacity: true)
            pollResults.append(contentsOf: repeatElement(0, count: pollDescriptors.count))
            var timeout = Int64(status != nil ? Self.drainMilliseconds : 1_000) * 1_000_000
            if resting { timeout = min(timeout, max(0, wake - now)) }
            let ready = system_poll(
                pollDescriptors,
                pollEvents,
                &pollResults,
                Int32(pollDescriptors.count),
                timeout
            )
            if ready < 0 {
                if system_errno() == EINTR { continue }
                break
            }
            if ready == 0 && status != nil {
                // Only idle sources end a drained session: output still on its way to the client (sshd not
                // reading while the client's window is full) is waited for, or its tail would be lost.
                let delivering = channels.indices.contains { index in
                    index != 0 && channels[index].open
                        && (channels[index].waitingForDestination || !channels[index].pending.isEmpty)
                }
                if !delivering { break }
            }
            if pollResults[0] != 0 { takeSignals() }
            for slot in pollOwners.indices where pollOwners[slot] >= 0 && pollResults[slot] != 0 {
                step(pollOwners[slot], observer: &observer)
            }
            let after = system_monotonic_ns()
            if after - lastProgress >= 1_000_000_000 {
                lastProgress = after
                progress(channels[0].bytes, channels[1].bytes)
                shrinkIdlePipes(now: after)
            }
        }
        if status == nil { status = reapBlocking() }
        if !line.isEmpty && !observer.filtersProgramLines { observer.programLine(line) }
        observer.relayEnded()
        return Outcome(
            status: status,
            bytesFromClient: channels[0].bytes,
            bytesToClient: channels[1].bytes,
            clientGone: clientGone
        )
    }

    /// Reads every pending signal: SIGCHLD reaps, the others go to the program.
    mutating func takeSignals() {
        while true {
            let signal = system_read_signal(signals)
            guard signal > 0 else { return }
            if signal == SIGCHLD {
                reap()
            } else if status == nil {
                _ = system_kill(child, signal)
            }
        }
    }

    /// Collects the program's status if it has ended; its stdin is closed then (nobody reads it any more).
    mutating func reap() {
        guard status == nil else { return }
        var raw: Int32 = 0
        guard system_wait_nohang(child, &raw) == child else { return }
        status = raw
        if channels[0].open { end(0) }
    }

    private func reapBlocking() -> Int32? {
        let raw = system_wait(child)
        return raw == -1 ? nil : raw
    }

    /// Moves what can be moved on channel `index` now.
    mutating func step<Observer: SessionObserver>(_ index: Int, observer: inout Observer) {
        if channels[index].waitingForDestination {
            channels[index].waitingForDestination = false
            return
        }
        if !channels[index].pending.isEmpty {
            flush(index)
            return
        }
        if channels[index].splices, let moved = splice(index, limit: Self.chunk) {
            if moved > 0 { restBehindBacklog(index, moved: moved) }
            return
        }
        // Bytes the observer only counts (scp's file data) are spliced too, in copy mode.
        if let direction = channels[index].direction, !channels[index].copiesOnly {
            let ahead = observer.opaqueBytesAhead(direction)
            if ahead > 0, let moved = splice(index, limit: Int(clamping: min(ahead, UInt64(Self.chunk)))) {
                if moved > 0 {
                    observer.skipped(UInt64(moved), direction: direction)
                    if ahead - UInt64(moved) >= Self.bulkRunMinimum, restsInBulk(index) {
                        channels[index].restsUntil = channels[index].lastMoved + Self.bulkRestNanoseconds
                    }
                }
                return
            }
        }
        let count = buffer.withUnsafeMutableBytes { raw -> Int in
            guard let base = raw.baseAddress else { return -1 }
            return system_read(channels[index].source, base, raw.count)
        }
        if count > 0 {
            if channels[index].direction == nil {
                channels[index].restsUntil = system_monotonic_ns() + Self.restNanoseconds
            }
            let chunk = buffer[0..<count]
            if channels[index].destination < 0 {
                observer.programLog(chunk)
                return
            }
            if let direction = channels[index].direction {
                channels[index].bytes += UInt64(count)
                if observer.wantsBytes { observer.observe(chunk, direction: direction) }
            } else if observer.filtersProgramLines {
                channels[index].pending = filterLines(chunk, observer: &observer)
                flush(index)
                return
            } else {
                splitLines(chunk, observer: &observer)
            }
            channels[index].pending = Array(chunk)
            flush(index)
        } else if count == 0 {
            if channels[index].direction == nil && channels[index].destination >= 0 && observer.filtersProgramLines
                && !line.isEmpty
            {
                // The last line had no newline: it is judged now, before the client's stderr is detached.
                if observer.passesProgramLine(line) { _ = DescriptorIO.writeAll(line, to: channels[index].destination) }
                line.removeAll()
            }
            end(index)
        } else if system_errno() != EAGAIN && system_errno() != EINTR {
            end(index)
        }
    }

    /// Lets spliced channel `index` rest while its reader still has a backlog to work through.
    ///
    /// In exec mode sftp-server and rsync read sshd's pipes directly; relayed, each piece sshd writes woke the
    /// supervisor and then the program, twice the wake-ups (measured: 100,000 context switches for a 1 GiB sftp
    /// put against 67,000). Once the channel carries `backlogRestFrom` within a window, both its pipes are
    /// enlarged (`restsInBulk`) and, while the reader has `backlogMinimum` or more still queued, the channel
    /// rests for the time a reader of `backlogBytesPerNanosecond` would need to drain it (262 µs for a full
    /// pipe): the reader works through what it holds without sleeping, and the next piece moves with those that
    /// came meanwhile. What arrives during a rest waits at most that long; a reader as slow as those here is
    /// still busy with the backlog by then, unless the backlog ends in part of a request whose rest is held
    /// back (sftp's largest message, 256 KiB: at most 64 µs).
    private mutating func restBehindBacklog(_ index: Int, moved: Int) {
        let now = channels[index].lastMoved
        if now - channels[index].windowStart >= Self.backlogWindowNanoseconds {
            channels[index].windowStart = now
            channels[index].windowBytes = 0
        }
        channels[index].windowBytes += UInt64(moved)
        // Enlarged pipes (here or by scp's runs) rest from the first splice; the window only gates enlarging.
        guard channels[index].rests == true || channels[index].windowBytes >= Self.backlogRestFrom,
            restsInBulk(index)
        else { return }
        let queued = system_pipe_queued(channels[index].destination)
        guard queued >= Self.backlogMinimum else { return }
        channels[index].restsUntil = now + Int64(queued / Self.backlogBytesPerNanosecond)
    }

    /// Whether channel `index` may rest between pieces of a long run or behind a backlog.
    ///
    /// Only when both its descriptors are pipes that now hold `bulkPipeSize` (a socket, or a user at the kernel's
    /// limit for pipe memory, never rests). Tried once until `shrinkIdlePipes` gives the pipes back; a source
    /// enlarged alone shrinks at once.
    private mutating func restsInBulk(_ index: Int) -> Bool {
        if let rests = channels[index].rests { return rests }
        let source = system_set_pipe_size(channels[index].source, Self.bulkPipeSize) >= Self.bulkPipeSize
        let rests = source && system_set_pipe_size(channels[index].destination, Self.bulkPipeSize) >= Self.bulkPipeSize
        if source && !rests { _ = system_set_pipe_size(channels[index].source, Self.ordinaryPipeSize) }
        channels[index].rests = rests
        return rests
    }

    /// Shrinks the enlarged pipes of every channel that has moved nothing for `idlePipeNanoseconds` back to
    /// `ordinaryPipeSize`, so that an idle session holds none of the user's pipe memory; a pipe that still holds
    /// more than that (the kernel refuses) is tried again a second later.
    private mutating func shrinkIdlePipes(now: Int64) {
        for index in channels.indices
        where channels[index].open && channels[index].rests == true
            && now - channels[index].lastMoved >= Self.idlePipeNanoseconds
        {
            let channel = channels[index]
            if system_set_pipe_size(channel.source, Self.ordinaryPipeSize) >= 0
                && system_set_pipe_size(channel.destination, Self.ordinaryPipeSize) >= 0
            {
                channels[index].rests = nil
                channels[index].windowBytes = 0
            }
        }
    }

    /// Moves up to `limit` bytes on channel `index` with splice(2).
    /// - Returns: the bytes moved (0 when none moved now: the end was passed on, or the destination is full), or
    ///   nil when neither descriptor is one splice can use (a terminal, say): the channel copies from then on.
    private mutating func splice(_ index: Int, limit: Int) -> Int? {
        let moved = system_splice(channels[index].source, channels[index].destination, limit)
        if moved > 0 {
            channels[index].bytes += UInt64(moved)
            channels[index].lastMoved = system_monotonic_ns()
            return moved
        }
        if moved == 0 {
            end(index)
            return 0
        }
        switch system_errno() {
        case EAGAIN, EINTR: channels[index].waitingForDestination = true
        case EINVAL:
            channels[index].splices = false
            channels[index].copiesOnly = true
            return nil
        default: fail(index)
        }
        return 0
    }

    /// Writes as much of the channel's pending bytes as the destination takes.
    private mutating func flush(_ index: Int) {
        while !channels[index].pending.isEmpty {
            let written = channels[index].pending.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return -1 }
                return system_write(channels[index].destination, base, raw.count)
            }
            if written > 0 {
                channels[index].pending.removeFirst(written)
                continue
            }
            let error = system_errno()
            if written < 0 && (error == EAGAIN || error == EINTR) { return }
            fail(index)
            return
        }
    }

    /// The source reached its end: pass the end on.
    mutating func end(_ index: Int) {
        guard channels[index].open else { return }
        channels[index].open = false
        channels[index].pending = []
        if channels[index].destination < 0 {
            _ = system_close(channels[index].source)
        } else if channels[index].destinationIsClient {
            _ = system_close(channels[index].source)
            Self.detachClient(channels[index].destination)
        } else {
            // The program sees the end of its input.
            _ = system_close(channels[index].destination)
        }
    }

    /// The destination failed (its reader is gone): stop this direction as a direct pipe would.
    mutating func fail(_ index: Int) {
        if channels[index].destinationIsClient { clientGone = true }
        end(index)
    }

    /// Gives the observer each complete stderr line.
    private mutating func splitLines<Observer: SessionObserver>(_ bytes: ArraySlice<UInt8>, observer: inout Observer) {
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                observer.programLine(line)
                line.removeAll(keepingCapacity: true)
            } else if line.count < Self.maximumLine {
                line.append(byte)
            }
        }
    }

    /// Gives the observer each stderr line and returns the bytes of those it passes on, newlines kept; a line
    /// that reaches `maximumLine` without one is judged as it stands (so nothing passed on is ever cut).
    private mutating func filterLines<Observer: SessionObserver>(
        _ bytes: ArraySlice<UInt8>,
        observer: inout Observer
    ) -> [UInt8] {
        var passed: [UInt8] = []
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                if observer.passesProgramLine(line) {
                    passed += line
                    passed.append(byte)
                }
                line.removeAll(keepingCapacity: true)
                continue
            }
            line.append(byte)
            if line.count == Self.maximumLine {
                if observer.passesProgramLine(line) { passed += line }
                line.removeAll(keepingCapacity: true)
            }
        }
        return passed
    }

    /// Replaces a client descriptor with /dev/null, so sshd sees its end of file now.
    static func detachClient(_ fd: Int32) {
        let null = system_open("/dev/null", O_RDWR | O_CLOEXEC)
        if null >= 0 {
            _ = system_dup2(null, fd)
            _ = system_close(null)
        } else {
            _ = system_close(fd)
        }
    }
}
