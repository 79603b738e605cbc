import Foundation
import Hummingbird
import NIOCore

/// Turns every error into OpenAI's error object: `APIError`s as they are, an over-long body
/// as 413, unknown routes as 404, anything else as 500 (the server keeps serving).
struct OpenAIErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let maxBodyBytes: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return error.response
        } catch is NIOTooManyBytesError {
            return APIError.bodyTooLarge(limit: maxBodyBytes).response
        } catch let error as HTTPError {
            let message = error.status == .notFound ? "No route \(request.method) \(request.uri.path)." : (error.body ?? "\(error.status)")
            return APIError(status: Int(error.status.code), message: message, code: error.status == .notFound ? "not_found" : nil).response
        } catch is CancellationError {
            return APIError(status: 499, message: "The request was cancelled.", type: "server_error").response
        } catch {
            // The error's text can hold paths and internals: it goes to the log, not to the client.
            context.logger.error("request failed: \(error)")
            return APIError(status: 500, message: "The server failed to answer this request; its log has the details.", type: "server_error").response
        }
    }
}

/// Refuses requests without `Authorization: Bearer KEY` (401); `/health` stays open.
struct APIKeyMiddleware<Context: RequestContext>: RouterMiddleware {
    let key: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.uri.path == "/health" { return try await next(request, context) }
        let expected = Array("Bearer \(key)".utf8)
        let given = Array((request.headers[.authorization] ?? "").utf8)
        // Compare every byte whatever differs, so the time taken does not reveal the key.
        var difference = UInt8(expected.count == given.count ? 0 : 1)
        for i in 0..<expected.count { difference |= expected[i] ^ (i < given.count ? given[i] : 0) }
        guard difference == 0 else { throw APIError.unauthorized }
        return try await next(request, context)
    }
}
