import Dispatch

/// What a loop records of each answered request: the metrics and the access log.
extension EventLoop {
    /// Counts and logs a request its handler answered.
    func observe(_ request: HTTPRequest, _ response: HTTPResponse, started: UInt64, requestID: String) {
        observe(method: request.method, path: request.path, route: response.route ?? "unmatched", status: response.status,
                seconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9, requestID: requestID,
                bytesOut: response.body.count)
    }

    /// Counts and logs one answered request.
    func observe(method: String, path: String, route: String, status: Int, seconds: Double, requestID: String, bytesOut: Int) {
        metrics?.observe(method: method, route: route, status: status, seconds: seconds)
        accessLog?.append(requestID: requestID, method: method, path: path, route: route, status: status,
                          durationSeconds: seconds, bytesOut: bytesOut)
    }
}
