# Everything builds in release for the x86-64-v3 baseline (AVX2, FMA, F16C; `haswell` is its
# name for swiftc): without a CPU target Swift SIMD compiles to scalar code and the engine runs
# 100x slower (../shared/ENGINE-NOTES.md). Never `native`: the binary must run on every x86-64-v3
# CPU. Kernels that need more (AVX-512 VNNI) are C variants chosen at run time (KernelsC).
SWIFT_FLAGS := -c release -Xswiftc -target-cpu -Xswiftc haswell -Xcc -march=haswell
S2D := .build/release/s2d

.PHONY: setup build test demo bench clean

setup:
	@bash scripts/setup.sh

build: setup
	swift build $(SWIFT_FLAGS) --product s2d

# No test uses @testable, so tests build with the same flags as `make build` and share its
# artifacts instead of rebuilding every module with -enable-testing.
test: setup
	swift test $(SWIFT_FLAGS) --disable-testable-imports

# The embedded demo end to end on both tasks: teach System 2 (LoRA on gold chains of thought),
# distil it into System 1 on unlabeled inputs, evaluate all three systems, write the reports.
# At these sizes both tasks took 12 min 53 s on the 2-core dev machine (README); a re-run resumes
# (finished stages are skipped). DEMO_FLAGS overrides them, e.g. DEMO_FLAGS="--test 100".
DEMO_OUT ?= runs/demo
DEMO_SIZES ?= --teach 64 --inputs 64 --samples 4 --test 40 --teach-epochs 3 --distill-epochs 3
DEMO_FLAGS ?=

demo: build
	$(S2D) distill --task coin-flip $(DEMO_SIZES) --regression $(DEMO_FLAGS) --out $(DEMO_OUT)/coin-flip
	$(S2D) distill --task last-letter $(DEMO_SIZES) --regression $(DEMO_FLAGS) --out $(DEMO_OUT)/last-letter
	@echo "reports: $(DEMO_OUT)/coin-flip/report.html $(DEMO_OUT)/last-letter/report.html"

bench: build
	$(S2D) bench engine

clean:
	rm -rf .build
