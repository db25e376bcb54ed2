import Foundation
import Testing

@testable import RsshCore

/// What a supervisor and its watcher give back before they wait a whole session.
struct IdleMemoryTests {
    /// A thread's stack may border another mapping: the release walks only the main stack.
    @Test func releasesNoStackOffTheMainStack() {
        final class Outcome: @unchecked Sendable { var released: Int32 = -1 }  // written before the signal
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            outcome.released = system_release_idle_memory()
            done.signal()
        }
        thread.start()
        done.wait()
        #expect(outcome.released == 0)
    }
}
