import Foundation
import Synchronization
import TerminCore
import TerminEngine
import TerminHTTP

/// `GET /v1/offices/{id}/calls`: the office's calls as server-sent events (`text/event-stream`), for the call
/// display. Each call is an event `call` whose data is `{"number":"W 042","desk":3,"at":…,"calls":1}`; a comment
/// line keeps the stream alive. The stream starts with `retry: 3000` so a browser reconnects after 3 s; a display
/// reads `GET /v1/offices/{id}/queue` for the calls before it connected.
extension TerminAPI {
    func addCallStreamRoute(to router: inout Router) {
        router.add("GET", "/v1/offices/{id}/calls", inline: true) { [counters] _, parameters in
            respond { () throws(APIFailure) in
                let officeID = try officeInPath(parameters["id"]!)
                let broadcaster = counters.broadcaster
                let following = FollowerID()
                let stream = ResponseStream(keepAlive: Array(": keep-alive\n\n".utf8), start: { write in
                    let id = broadcaster.follow(officeID: officeID) { event in write(Self.serverSentEvent(event)) }
                    following.set(id)
                    return id != nil
                }, onClose: { following.take().map(broadcaster.unfollow) })
                var response = HTTPResponse(status: 200, headers: [("Content-Type", "text/event-stream; charset=utf-8"),
                                                                   ("Cache-Control", "no-store"),
                                                                   ("X-Accel-Buffering", "no")],
                                            body: Array("retry: 3000\n\n".utf8))
                response.stream = stream
                return response
            }
        }
    }

    /// One call as an SSE event.
    static func serverSentEvent(_ event: CallEvent) -> [UInt8] {
        let data = (try? JSONBody.encoder.encode(CallJSON(event))) ?? Array("{}".utf8)
        return Array("event: call\ndata: ".utf8) + data + Array("\n\n".utf8)
    }
}

/// The follower id of one stream, set when it starts and taken when it closes.
final class FollowerID: Sendable {
    private let id = Mutex<Int?>(nil)
    func set(_ value: Int?) { id.withLock { $0 = value } }
    func take() -> Int? { id.withLock { value in defer { value = nil }; return value } }
}
