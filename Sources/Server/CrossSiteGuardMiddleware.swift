import Foundation
import Hummingbird
import Inference

/// Keeps web pages from driving the server through a visitor's browser. A page can send a
/// "simple" cross-origin POST only with a form or text/plain body, so POST bodies must be
/// declared `application/json` (415 otherwise); and a page on a rebound DNS name reaches a
/// loopback server under its own name, so a server listening on loopback answers only requests
/// whose `Host` is a loopback name (403 otherwise). `/health` stays open to probes.
struct CrossSiteGuardMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Checks the Host header (the server listens on loopback).
    let checksHost: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.uri.path == "/health" { return try await next(request, context) }
        if checksHost {
            // HTTP/1.1's Host header arrives as the request's authority.
            let header = request.head.authority ?? ""
            guard LoopbackName.contains(LoopbackName.hostName(header)) else {
                throw APIError(
                    status: 403, message: "Host '\(header)' is not a loopback name; this server listens on loopback and answers only requests addressed to it (DNS rebinding protection).",
                    type: "invalid_request_error", code: "host_not_allowed")
            }
        }
        if request.method == .post {
            let type = (request.headers[.contentType] ?? "").split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
            guard type == "application/json" else {
                throw APIError(
                    status: 415, message: "The request body must be sent as Content-Type: application/json (got '\(request.headers[.contentType] ?? "none")').",
                    type: "invalid_request_error", code: "unsupported_media_type")
            }
        }
        return try await next(request, context)
    }
}
