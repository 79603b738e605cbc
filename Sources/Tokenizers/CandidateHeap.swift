/// What `CandidateHeap` orders: `precedes` is a strict order (the first to merge first).
protocol HeapOrdered {
    func precedes(_ other: Self) -> Bool
}

/// A binary min-heap of merge candidates, shared by both BPE encoders: each keeps one in its
/// scratch so that encoding allocates nothing once the scratch has grown.
struct CandidateHeap<Element: HeapOrdered> {
    private var elements: [Element] = []

    mutating func removeAll() { elements.removeAll(keepingCapacity: true) }

    mutating func push(_ element: Element) {
        elements.append(element)
        var child = elements.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard elements[child].precedes(elements[parent]) else { break }
            elements.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the element that precedes all others.
    mutating func popFirst() -> Element? {
        guard let last = elements.popLast() else { return nil }
        guard !elements.isEmpty else { return last }
        let top = elements[0]
        elements[0] = last
        var parent = 0
        let count = elements.count
        while true {
            let left = 2 * parent + 1
            guard left < count else { break }
            var first = left
            if left + 1 < count && elements[left + 1].precedes(elements[left]) { first = left + 1 }
            guard elements[first].precedes(elements[parent]) else { break }
            elements.swapAt(parent, first)
            parent = first
        }
        return top
    }
}
