/// Seeded generator of small Python programs for the CPython differential test.
struct ProgramCorpus {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    /// SplitMix64: deterministic across platforms.
    private mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    private mutating func int(_ r: ClosedRange<Int>) -> Int {
        r.lowerBound + Int(next() % UInt64(r.upperBound - r.lowerBound + 1))
    }
    private mutating func pick<T>(_ xs: [T]) -> T { xs[int(0...(xs.count - 1))] }
    private mutating func float() -> String {
        let mant = Double(int(-99999...99999)) / Double(pick([1, 10, 100, 1000, 7, 3]))
        return pick(["\(mant)", "\(mant)e\(int(-8...8))", "0.1", "0.2", "1e16", "2.5", "-0.5", "1.005"])
    }

    /// A random arithmetic expression over ints and floats.
    mutating func expression(depth: Int = 3) -> String {
        if depth == 0 || int(0...3) == 0 {
            return int(0...3) == 0 ? "(\(float()))" : "\(int(-30...30))"
        }
        let op = pick(["+", "-", "*", "/", "//", "%", "**", "+", "-", "*"])
        if op == "**" { return "(\(expression(depth: depth - 1))) ** \(int(0...4))" }
        let form = int(0...5)
        let a = expression(depth: depth - 1), b = expression(depth: depth - 1)
        switch form {
        case 0: return "abs(\(a)) \(op) \(b)"
        case 1: return "(\(a) \(op) \(b))"
        default: return "\(a) \(op) \(b)"
        }
    }

    mutating func arithmeticProgram() -> String {
        let e1 = expression(), e2 = expression(depth: 2)
        let cmp = pick(["<", "<=", "==", "!=", ">", ">="])
        return """
        def solution():
            a = \(e1)
            b = \(e2)
            print(a, b, a \(cmp) b, isinstance(a, float))
            print(divmod(\(int(-50...50)), \(pick([-7, -3, 3, 7, 10]))), round(\(float()), \(int(0...3))), round(\(float())))
            print(int(\(float())), float(\(int(-99...99))), abs(\(float())), \(int(1...20)) ** \(int(0...30)))
            return a
        """
    }

    mutating func stringProgram() -> String {
        let words = ["apple", "Banana", "cherry pie", "  spaced  ", "a,b,,c", "Mississippi", "x", ""]
        let w = pick(words), v = pick(words)
        let i = int(-8...8), j = int(-8...8), k = pick([1, 2, -1, -2, 3])
        let x = float()
        let spec = pick([".2f", ",", ">10", "<8", "^9", "+.3e", "08.3f", ".1%", "g", ".3g", ",.2f", "10.4f", "e", ".0f"])
        return """
        def solution():
            s = \(w.debugDescription)
            t = \(v.debugDescription)
            print(s.upper(), s.lower(), s.strip(), s.replace("p", "P"), s.split(), s.split(","))
            print(s[\(i):\(j)], s[::\(k)], s[\(i):], len(s), s.find("i"), s.count("s"), t in s)
            print("-".join([s, t]), s.startswith("a"), s.endswith("e"), s.title(), s.capitalize())
            print(f"{\(x):\(spec)}|{s!r}|{len(t):>4}|{s:>12}|")
            print(repr(s + t), (s * 2)[:5], s.isdigit(), s.isalpha(), str(\(x)), "%s-%d-%.2f" % (s, \(i), \(x)))
            return s[\(i)] if s else t
        """
    }

    mutating func listProgram() -> String {
        let xs = (0..<int(0...7)).map { _ in String(int(-20...20)) }.joined(separator: ", ")
        let i = int(-9...9)
        return """
        def solution():
            xs = [\(xs)]
            ys = sorted(xs, reverse=\(pick(["True", "False"])))
            xs.append(\(int(-5...5)))
            xs.insert(\(i), 99)
            print(xs, ys, sum(xs), len(xs), xs[::\(pick([1, -1, 2]))], xs[\(i):])
            print([x * 2 for x in xs if x % 2 == 0], {x: x * x for x in xs[:3]}, sorted(xs, key=lambda v: (v % 5, -v)))
            print(max(xs), min(xs), list(reversed(xs)), list(enumerate(xs))[:3], list(zip(xs, ys)))
            xs.sort()
            print(xs, xs.index(99), xs.count(99), xs.pop(), xs, any(x > 10 for x in xs), all(xs))
            return xs[\(i)]
        """
    }

    mutating func controlFlowProgram() -> String {
        let n = int(1...30), m = int(2...9), limit = int(10...500)
        return """
        def helper(x, scale=\(int(1...5)), *, offset=0):
            if x % \(m) == 0:
                return x * scale + offset
            elif x % \(m) == 1:
                return -x
            else:
                return x // \(m)

        def solution():
            total = 0
            counts = {}
            i = 0
            while True:
                i += 1
                if i > \(n):
                    break
                if i % 3 == 0:
                    continue
                total += helper(i, offset=\(int(0...3)))
                key = "even" if i % 2 == 0 else "odd"
                counts[key] = counts.get(key, 0) + 1
            for a, b in [(1, 2), (3, 4)]:
                total += a * b
            acc = []
            for k in range(\(n)):
                if total > \(limit):
                    acc.append(k)
            else:
                acc.append(-1)
            print(total, counts, sorted(counts.items()), acc[:5], len(acc))
            return total / \(int(-3...3))
        """
    }

    mutating func mathProgram() -> String {
        let a = int(1...200), b = int(1...200), x = float()
        return """
        import math
        from math import sqrt, floor, ceil
        def solution():
            print(math.gcd(\(a), \(b)), math.lcm(\(a), \(b)), sqrt(\(a)), floor(\(x)), ceil(\(x)), math.comb(\(a % 30), \(b % 10)))
            print(math.factorial(\(a % 25)), math.pow(\(a % 10), \(b % 5)), math.log(\(a)), math.exp(\(b % 20)), math.fabs(\(x)))
            print(math.isclose(0.1 + 0.2, 0.3), math.pi * \(a) ** 2, round(math.e, \(b % 6)), pow(\(a), \(b % 50), \(b)))
            print(\(a) ** \(b % 40), -\(a) // \(b % 7 + 1), \(x) // \(pick([3, -2, 0.5])), \(x) % \(pick([3, -2, 0.5])))
            return math.sqrt(\(a) * \(b))
        """
    }

    /// Float results printed through repr, str, round and format specs (the gold-answer path).
    mutating func numericFormattingProgram() -> String {
        func num() -> String {
            switch int(0...4) {
            case 0: return "\(int(-5000...5000)) / \(pick([3, 7, 9, 11, 13, 100, 1000, 6]))"
            case 1: return "\(int(1...999)) * 0.\(int(1...99))"
            case 2: return "math.sqrt(\(int(1...10000)))"
            case 3: return "\(int(1...99)).\(int(0...99)) * \(int(1...99)) / \(int(1...99))"
            default: return "\(int(1...9)) ** \(int(-3...20)) / \(pick([1, 3, 7]))"
            }
        }
        let specs = [".2f", ".3f", ".1f", ",.2f", ".0f", "g", ".4g", "e", ".2e", ".1%", ",", "10.3f", "+.2f", "0=+10.2f", "*^12.1f"]
        var lines: [String] = []
        for k in 0..<6 {
            lines.append("    v\(k) = \(num())")
            lines.append("    print(v\(k), str(v\(k)), round(v\(k), \(int(0...4))), round(v\(k)), int(v\(k)), f'{v\(k):\(pick(specs))}', v\(k) // 1, v\(k) % 1)")
        }
        return "import math\ndef solution():\n" + lines.joined(separator: "\n") + "\n    return v0 + v1 - v2 * v3\n"
    }

    /// A decimal literal of `digits` random digits.
    private mutating func digits(_ count: Int) -> String {
        String(int(1...9)) + String((1..<count).map { _ in Character(String(int(0...9))) })
    }

    /// Big-integer arithmetic (division, gcd, square roots, modular powers, shifts) on operands
    /// of random sizes up to a few thousand digits, including limb-boundary values (2^32k ± 1).
    mutating func bigIntegerProgram() -> String {
        let a = digits(int(20...1200)), b = digits(int(10...600)), m = int(2...90), k = int(1...70)
        return """
        import math
        def solution():
            a = \(pick(["", "-"]))\(a)
            b = \(b)
            c = 2 ** \(int(100...6000)) - \(int(1...5))
            d = 3 ** \(int(50...2500)) + \(int(0...99))
            e = 2 ** (32 * \(m)) - 1
            f = 2 ** (32 * \(k) - 1) + \(int(1...9))
            print(a // b, a % b, divmod(a, -b), (a * b) % 1000000007, a // d, a % c)
            print(c // d, c % d, (c * d) // (d + 1), e // f, e % f, divmod(e * e, f), (e * b) // e == b)
            print(math.gcd(a, b), math.gcd(a * d, b * d) == d * math.gcd(a, b), math.gcd(c, d), math.gcd(e, f), math.lcm(b, \(int(2...999999))))
            print(math.isqrt(abs(a)), math.isqrt(c), pow(abs(a), \(int(0...300)), d), pow(b, c % 2 ** 900, f), pow(d, b % 10 ** 6, e))
            print(a >> \(int(0...3000)), a << \(int(0...200)), -b >> \(int(0...300)), len(str(c)))
            print(a / (abs(a) + b), (d % 2 ** 1000) / c, c / (c // 3 + \(int(1...9))), (a % 10 ** 300) / d, -(e % 2 ** 1000) / c)
            print((e % 2 ** 1000) / (f + 1), (b % 10 ** 300) / 10 ** \(int(0...700)), float(c % 10 ** 300), float(-(a % 10 ** 300)))
            return a + b - c
        """
    }

    /// `count` big-integer programs.
    mutating func bigIntegerPrograms(count: Int) -> [String] {
        (0..<count).map { _ in bigIntegerProgram() }
    }

    /// Every program; each defines `solution()`.
    mutating func programs(count: Int) -> [String] {
        (0..<count).map { i in
            switch i % 6 {
            case 5: return numericFormattingProgram()
            case 0: return arithmeticProgram()
            case 1: return stringProgram()
            case 2: return listProgram()
            case 3: return controlFlowProgram()
            default: return mathProgram()
            }
        }
    }
}
