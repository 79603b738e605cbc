import Foundation

/// Small self-contained SVG charts (no scripts, no external assets) for the HTML report.
public enum SVGChart {
    /// One bar: a label, a value, and an optional interval drawn as a whisker.
    public struct Bar: Sendable {
        public var label: String
        public var value: Double
        public var low: Double?
        public var high: Double?
        public init(label: String, value: Double, low: Double? = nil, high: Double? = nil) {
            self.label = label
            self.value = value
            self.low = low
            self.high = high
        }
    }

    /// Horizontal bars scaled to `maximum` (the largest value when nil), with whiskers.
    public static func bars(_ bars: [Bar], title: String, maximum: Double? = nil, format: (Double) -> String) -> String {
        let width = 640.0, labelWidth = 190.0, row = 30.0, top = 30.0
        let height = top + row * Double(bars.count) + 10
        let maxValue = max(maximum ?? (bars.map { max($0.value, $0.high ?? 0) }.max() ?? 1), 1e-9)
        let plot = width - labelWidth - 80
        var s = open(width: width, height: height, title: title)
        for (i, b) in bars.enumerated() {
            let y = top + row * Double(i)
            let w = plot * min(1, max(0, b.value / maxValue))
            s += "<text x=\"\(labelWidth - 6)\" y=\"\(y + 18)\" text-anchor=\"end\" font-size=\"12\">\(escape(b.label))</text>"
            s += "<rect class=\"bar\" x=\"\(labelWidth)\" y=\"\(y + 5)\" width=\(q(w)) height=\"18\" fill=\"\(palette[i % palette.count])\"/>"
            if let lo = b.low, let hi = b.high {
                let x1 = labelWidth + plot * lo / maxValue, x2 = labelWidth + plot * hi / maxValue
                s += "<line x1=\(q(x1)) x2=\(q(x2)) y1=\(q(y + 14)) y2=\(q(y + 14)) stroke=\"#222\" stroke-width=\"1.5\"/>"
                s += "<line x1=\(q(x1)) x2=\(q(x1)) y1=\(q(y + 8)) y2=\(q(y + 20)) stroke=\"#222\"/>"
                s += "<line x1=\(q(x2)) x2=\(q(x2)) y1=\(q(y + 8)) y2=\(q(y + 20)) stroke=\"#222\"/>"
            }
            s += "<text x=\(q(labelWidth + max(w, (b.high ?? 0) / maxValue * plot) + 6)) y=\"\(y + 18)\" font-size=\"12\">\(escape(format(b.value)))</text>"
        }
        return s + "</svg>"
    }

    /// A line chart of (x, y) series.
    public static func lines(_ series: [(name: String, points: [(x: Double, y: Double)])], title: String, xLabel: String, yLabel: String) -> String {
        // top leaves room for the title (baseline 18) and, below it, the y-axis label (baseline top - 8);
        // right holds the legend, beside the plot rather than over its lines.
        let width = 700.0, height = 270.0, left = 55.0, right = 170.0, top = 44.0, bottom = 40.0
        let all = series.flatMap { $0.points }
        var s = open(width: width, height: height, title: title)
        guard !all.isEmpty else { return s + "<text x=\"60\" y=\"120\" font-size=\"12\">no data</text></svg>" }
        let xs = all.map { $0.x }, ys = all.map { $0.y }
        let x0 = xs.min()!, x1 = max(xs.max()!, x0 + 1e-9)
        let y0 = min(0, ys.min()!), y1 = max(ys.max()!, y0 + 1e-9)
        let px = { (x: Double) in left + (x - x0) / (x1 - x0) * (width - left - right) }
        let py = { (y: Double) in top + (1 - (y - y0) / (y1 - y0)) * (height - top - bottom) }
        s += "<line x1=\(q(left)) y1=\(q(height - bottom)) x2=\(q(width - right)) y2=\(q(height - bottom)) stroke=\"#444\"/>"
        s += "<line x1=\(q(left)) y1=\(q(top)) x2=\(q(left)) y2=\(q(height - bottom)) stroke=\"#444\"/>"
        for t in 0...4 {
            let y = y0 + (y1 - y0) * Double(t) / 4
            s += "<text x=\(q(left - 4)) y=\(q(py(y) + 4)) text-anchor=\"end\" font-size=\"10\">\(String(format: "%.3g", y))</text>"
        }
        s += "<text x=\(q(left)) y=\(q(height - bottom + 14)) font-size=\"10\">\(String(format: "%.3g", x0))</text>"
        s += "<text x=\(q(width - right)) y=\(q(height - bottom + 14)) text-anchor=\"end\" font-size=\"10\">\(String(format: "%.3g", x1))</text>"
        s += "<text x=\(q((left + width) / 2)) y=\(q(height - 8)) text-anchor=\"middle\" font-size=\"11\">\(escape(xLabel))</text>"
        s += "<text x=\"12\" y=\(q(top - 8)) font-size=\"11\">\(escape(yLabel))</text>"
        for (i, line) in series.enumerated() where !line.points.isEmpty {
            let color = palette[i % palette.count]
            let d = line.points.map { "\(String(format: "%.1f", px($0.x))),\(String(format: "%.1f", py($0.y)))" }.joined(separator: " ")
            s += "<polyline class=\"series\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" points=\"\(d)\"/>"
            if line.points.count == 1 { s += "<circle cx=\(q(px(line.points[0].x))) cy=\(q(py(line.points[0].y))) r=\"3\" fill=\"\(color)\"/>" }
            s += "<text x=\(q(width - right + 12)) y=\(q(top + 14 * Double(i))) font-size=\"11\" fill=\"\(color)\">\(escape(line.name))</text>"
        }
        return s + "</svg>"
    }

    static let palette = ["#4C78A8", "#F58518", "#54A24B", "#E45756", "#72B7B2", "#B279A2", "#9D755D"]

    static func open(width: Double, height: Double, title: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\(q(width)) height=\(q(height)) viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"\(escape(title))\">"
            + "<text x=\"8\" y=\"18\" font-size=\"14\" font-weight=\"bold\">\(escape(title))</text>"
    }

    static func q(_ v: Double) -> String { "\"\(String(format: "%.1f", v.isFinite ? v : 0))\"" }

    /// Text made safe for XML content and attributes.
    public static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
