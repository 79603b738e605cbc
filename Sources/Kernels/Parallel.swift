import Dispatch
import KernelsC

/// A raw pointer wrapped as `Sendable`, from when the parallel-for took `@Sendable` jobs.
/// `parallelFor` no longer needs it; MatMul still wraps its pointers in it.
@usableFromInline
struct SharedPointer<T>: @unchecked Sendable {
    @usableFromInline let pointer: UnsafeMutablePointer<T>
    @inlinable init(_ pointer: UnsafeMutablePointer<T>) { self.pointer = pointer }
    @inlinable init(_ pointer: UnsafePointer<T>) { self.pointer = UnsafeMutablePointer(mutating: pointer) }
}

/// A value handed to `concurrentPerform` workers unchecked (see `parallelFor`).
@usableFromInline
struct UncheckedSendable<Value>: @unchecked Sendable {
    @usableFromInline let value: Value
    @inlinable init(_ value: Value) { self.value = value }
}

/// Runs `body(i)` for every i in 0..<count: the engine's one fork/join, for the inference
/// kernels and for training.
///
/// On the calling thread, in order, when `count` or `threads` is at most 1 (no fork/join);
/// otherwise on KernelsC's worker pool (`kc_parallel_for`: the caller and one worker per further
/// core, which spin briefly between regions instead of sleeping, as a decode step runs ~150
/// short regions per token), or, when the pool is taken by another thread's region or this is
/// a nested call, with `DispatchQueue.concurrentPerform` (~0.5 µs fork/join plus a kernel
/// wake-up of a sleeping worker; a TaskGroup costs ~15 µs). Callers that split work themselves
/// pass as many jobs as they want workers.
///
/// `body` need not be `@Sendable`: the kernels hand it raw pointers, which Swift cannot check.
/// Jobs must write disjoint memory; that unsafety is accepted here, once.
@inlinable
public func parallelFor(_ count: Int, threads: Int = .max, _ body: (Int) -> Void) {
    guard count > 0 else { return }
    if count == 1 || threads <= 1 {
        for index in 0..<count { body(index) }
        return
    }
    withoutActuallyEscaping(body) { body in
        var job = body
        let pooled = withUnsafeMutablePointer(to: &job) { pointer in
            kc_parallel_for(Int64(count), { context, index in
                context!.assumingMemoryBound(to: ((Int) -> Void).self).pointee(Int(index))
            }, pointer)
        }
        guard pooled != 0 else { return }
        let shared = UncheckedSendable(body)
        DispatchQueue.concurrentPerform(iterations: count) { shared.value($0) }
    }
}

/// Splits 0..<total into at most `parts` contiguous, non-empty ranges (bounds multiples of
/// `align`, see `splitRange`) and runs `body` on each with `parallelFor`: on the calling
/// thread when there is one part.
@inlinable
public func parallelFor(splitting total: Int, parts: Int, align: Int = 1, _ body: (Range<Int>) -> Void) {
    guard total > 0 else { return }
    let parts = max(1, min(parts, (total + align - 1) / align))
    parallelFor(parts) { part in body(splitRange(total, parts: parts, align: align, part: part)) }
}

/// Splits 0..<total into `parts` contiguous ranges whose bounds are multiples of `align`
/// (except the end), balanced to within one `align` unit. A range is empty when there are
/// more parts than `align` units.
@inlinable
public func splitRange(_ total: Int, parts: Int, align: Int, part: Int) -> Range<Int> {
    let units = (total + align - 1) / align
    let lo = units * part / parts, hi = units * (part + 1) / parts
    return min(lo * align, total)..<min(hi * align, total)
}
