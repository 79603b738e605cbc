import Foundation
import Kernels

/// How the learning rate moves over the run: linear warm-up, then constant, linear or
/// cosine decay to `minimumRatio` × the peak.
public enum LearningRateSchedule: String, Sendable, Hashable, Codable {
    case constant, linear, cosine
}

/// AdamW and learning-rate settings.
public struct OptimizerConfiguration: Sendable, Hashable, Codable {
    public var learningRate: Float
    public var schedule: LearningRateSchedule
    public var warmupSteps: Int
    /// Final learning rate as a fraction of the peak.
    public var minimumRatio: Float
    /// Decoupled weight decay, applied to matrices only (not to norm weights).
    public var weightDecay: Float
    public var beta1: Float
    public var beta2: Float
    public var epsilon: Float
    /// Gradients are scaled down when their global L2 norm exceeds this (nil: no clipping).
    public var maxGradientNorm: Float?

    public init(learningRate: Float = 2e-4, schedule: LearningRateSchedule = .cosine, warmupSteps: Int = 0,
                minimumRatio: Float = 0, weightDecay: Float = 0.01, beta1: Float = 0.9, beta2: Float = 0.999,
                epsilon: Float = 1e-8, maxGradientNorm: Float? = 1) {
        self.learningRate = learningRate
        self.schedule = schedule
        self.warmupSteps = warmupSteps
        self.minimumRatio = minimumRatio
        self.weightDecay = weightDecay
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.maxGradientNorm = maxGradientNorm
    }

    /// Learning rate of step `step` (0-based) out of `totalSteps`.
    public func learningRate(step: Int, totalSteps: Int) -> Float {
        if step < warmupSteps { return learningRate * Float(step + 1) / Float(warmupSteps) }
        let progress = Float(step - warmupSteps) / Float(max(1, totalSteps - warmupSteps))
        let floor = learningRate * minimumRatio
        switch schedule {
        case .constant: return learningRate
        case .linear: return learningRate - (learningRate - floor) * min(progress, 1)
        case .cosine: return floor + (learningRate - floor) * 0.5 * (1 + cos(Float.pi * min(progress, 1)))
        }
    }
}

/// AdamW (Loshchilov & Hutter): Adam moments, bias correction, and weight decay applied to
/// the weights directly (p ← p − lr·wd·p) rather than through the gradient, as PyTorch's AdamW.
public struct AdamW: Sendable {
    public var configuration: OptimizerConfiguration
    /// First and second moments, laid out as the parameters.
    public var m: [Float]
    public var v: [Float]
    /// Updates made so far (for bias correction).
    public var updates: Int

    public init(configuration: OptimizerConfiguration, parameterCount: Int) {
        self.configuration = configuration
        m = [Float](repeating: 0, count: parameterCount)
        v = m
        updates = 0
    }

    /// One update of `parameters` from `gradients`; tensors of rank ≥ 2 in `layout` decay.
    public mutating func update(_ parameters: inout [Float], gradients: [Float], layout: TensorLayout,
                                learningRate: Float, threads: Int) {
        updates += 1
        let c = configuration
        let correction1 = 1 - pow(c.beta1, Float(updates)), correction2 = 1 - pow(c.beta2, Float(updates))
        let stepSize = learningRate / correction1
        let inverseRoot2 = 1 / correction2.squareRoot()
        parameters.withUnsafeMutableBufferPointer { p in
            gradients.withUnsafeBufferPointer { g in
                m.withUnsafeMutableBufferPointer { m in
                    v.withUnsafeMutableBufferPointer { v in
                        let p = p.baseAddress!, g = g.baseAddress!, m = m.baseAddress!, v = v.baseAddress!
                        for entry in layout.entries {
                            let decay: Float = entry.shape.count >= 2 ? 1 - learningRate * c.weightDecay : 1
                            parallelFor(splitting: entry.count, parts: entry.count > 1 << 16 ? threads : 1, align: 1024) { block in
                                for index in block {
                                    let i = entry.offset + index
                                    let gradient = g[i]
                                    m[i] = c.beta1 * m[i] + (1 - c.beta1) * gradient
                                    v[i] = c.beta2 * v[i] + (1 - c.beta2) * gradient * gradient
                                    p[i] = p[i] * decay - stepSize * m[i] / (v[i].squareRoot() * inverseRoot2 + c.epsilon)
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
