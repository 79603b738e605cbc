import Kernels

/// Keys and values of the attention layers for a set of sequence slots.
///
/// Each slot holds one sequence: for every layer, K and V of each position, [position, kvSize].
/// Slots are allocated and freed as sequences join and leave (continuous batching), and a slot
/// can be forked from another: the n samples of a request process the prompt once and copy its
/// K/V. Copying (rather than sharing read-only prefix blocks) keeps attention reading one
/// contiguous array per slot and needs no reference counting; for SmolLM2 a prompt position
/// costs 46 KB, so forking a 64-token prompt into 8 samples copies ~24 MB (a few ms), small
/// next to decoding. Shared prefix blocks would save memory for long prompts and large n.
///
/// Not thread-safe: one decode loop owns a cache.
public final class KVCache {
    public let configuration: ModelConfiguration
    /// The most positions a slot may hold.
    public let maximumLength: Int
    private var slots: [Storage?] = []
    private var freeSlots: [Int] = []
    /// Scratch memory reused by forward passes over this cache.
    let context: ComputeContext

    /// The memory of one slot: per layer, `capacity` positions of K and of V.
    final class Storage {
        var keys: UnsafeMutablePointer<Float>
        var values: UnsafeMutablePointer<Float>
        var capacity: Int
        var length = 0
        let layers: Int, width: Int

        init(layers: Int, width: Int, capacity: Int) {
            self.layers = layers
            self.width = width
            self.capacity = capacity
            keys = .allocate(capacity: layers * capacity * width)
            values = .allocate(capacity: layers * capacity * width)
        }

        deinit {
            keys.deallocate()
            values.deallocate()
        }

        /// K of `layer`: [capacity, width].
        @inline(__always) func keys(layer: Int) -> UnsafeMutablePointer<Float> { keys + layer * capacity * width }
        @inline(__always) func values(layer: Int) -> UnsafeMutablePointer<Float> { values + layer * capacity * width }

        /// Grows to hold at least `needed` positions, keeping the first `length`.
        func reserve(_ needed: Int, limit: Int) {
            guard needed > capacity else { return }
            let newCapacity = min(max(needed, capacity * 2), limit)
            let newKeys = UnsafeMutablePointer<Float>.allocate(capacity: layers * newCapacity * width)
            let newValues = UnsafeMutablePointer<Float>.allocate(capacity: layers * newCapacity * width)
            for layer in 0..<layers {
                newKeys.advanced(by: layer * newCapacity * width).update(from: keys(layer: layer), count: length * width)
                newValues.advanced(by: layer * newCapacity * width).update(from: values(layer: layer), count: length * width)
            }
            keys.deallocate()
            values.deallocate()
            keys = newKeys
            values = newValues
            capacity = newCapacity
        }
    }

    /// A cache for `configuration`; slots hold at most `maximumLength` positions (default: the
    /// model's context length). `threads` is the core count forward passes over it use, and
    /// `kernelPath` the kernel variant of their quantized products.
    public init(configuration: ModelConfiguration, maximumLength: Int? = nil, threads: Int = 2, kernelPath: KernelPath = .active) {
        self.configuration = configuration
        self.maximumLength = min(maximumLength ?? configuration.contextLength, configuration.contextLength)
        context = ComputeContext(threads: threads, kernelPath: kernelPath)
    }

    /// Cores forward passes over this cache use.
    public var threads: Int { context.threads }

    /// A fresh empty slot.
    public func allocateSlot() -> Int {
        let storage = Storage(layers: configuration.layerCount, width: configuration.kvSize, capacity: min(64, maximumLength))
        if let slot = freeSlots.popLast() {
            slots[slot] = storage
            return slot
        }
        slots.append(storage)
        return slots.count - 1
    }

    /// Releases `slot`'s memory; the number may be handed out again.
    public func freeSlot(_ slot: Int) {
        precondition(slots.indices.contains(slot) && slots[slot] != nil, "slot \(slot) is not allocated")
        slots[slot] = nil
        freeSlots.append(slot)
    }

    /// A new slot holding a copy of the first `length` positions of `source` (default: all).
    public func fork(_ source: Int, length: Int? = nil) -> Int {
        let from = storage(source)
        let count = min(length ?? from.length, from.length)
        let slot = allocateSlot()
        let to = storage(slot)
        to.reserve(count, limit: maximumLength)
        for layer in 0..<configuration.layerCount {
            to.keys(layer: layer).update(from: from.keys(layer: layer), count: count * to.width)
            to.values(layer: layer).update(from: from.values(layer: layer), count: count * to.width)
        }
        to.length = count
        return slot
    }

    /// Positions held by `slot`.
    public func length(of slot: Int) -> Int { storage(slot).length }

    /// Slots currently allocated.
    public var allocatedSlotCount: Int { slots.count - freeSlots.count }

    /// Forgets positions from `length` on (for example to rewind a sequence).
    public func truncate(_ slot: Int, to length: Int) {
        let s = storage(slot)
        s.length = min(s.length, max(0, length))
    }

    func storage(_ slot: Int) -> Storage {
        precondition(slots.indices.contains(slot), "slot \(slot) does not exist")
        guard let storage = slots[slot] else { preconditionFailure("slot \(slot) is not allocated") }
        return storage
    }
}
