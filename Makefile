# Everything builds in release for the x86-64-v3 baseline (AVX2, FMA, F16C; `haswell` is its
# name for swiftc): without a CPU target Swift SIMD compiles to scalar code and the engine runs
# 100x slower (../shared/ENGINE-NOTES.md). Never `native`: the binary must run on every x86-64-v3
# CPU. Kernels that need more (AVX-512 VNNI) are C variants chosen at run time (KernelsC).
SWIFT_FLAGS := -c release -Xswiftc -target-cpu -Xswiftc haswell -Xcc -march=haswell
S2D := .build/release/s2d

.PHONY: setup build test demo demo-full bench clean

setup:
	@bash scripts/setup.sh

build: setup
	swift build $(SWIFT_FLAGS) --product s2d

# No test uses @testable, so tests build with the same flags as `make build` and share its
# artifacts instead of rebuilding every module with -enable-testing.
# SWT_SWIFT_ERROR_BACKTRACING_ENABLED=0: Swift Testing otherwise unwinds the stack at every
# error thrown anywhere in the process (its swift_willThrow hook); in this large test binary that
# made the fuzz test's ~2,000 refusals take 19 s instead of 1.5 s, and once 20 s of CPU time in
# one refusal, which the fuzzer rightly called a hang. Our failures print their own messages.
test: setup
	SWT_SWIFT_ERROR_BACKTRACING_ENABLED=0 swift test $(SWIFT_FLAGS) --disable-testable-imports

# The embedded demo: coin-flip end to end. Teach System 2 (LoRA on 128 gold chains of
# thought), sample it on 1024 unlabeled inputs (3 samples, a 4th only when they disagree:
# --adaptive decides exactly as the full 4-sample vote), keep the self-consistent answers, distil
# them into System 1 (LoRA from the taught adapter, lr 2e-3, batch 16, 3 epochs), evaluate all
# three on 200 test items, write the report. Sizes from ../shared/reference/calibration (LoRA
# recovers coin-flip from ~1000 answers); 3 epochs because 2 reached 95%, below System 2's
# interval, and 4 gave the same 100% as 3 (see the README, which has the measured result and wall time). A re-run resumes (finished stages skipped).
# DEMO_FLAGS adds flags, e.g. DEMO_FLAGS="--schedule internalize".
DEMO_OUT ?= runs/demo
DEMO_SIZES ?= --teach 128 --inputs 1024 --samples 4 --adaptive --test 200 --teach-epochs 3 --distill-epochs 3 --batch 16
DEMO_FLAGS ?=

demo: build
	$(S2D) distill --task coin-flip $(DEMO_SIZES) $(DEMO_FLAGS) --run $(DEMO_OUT)/coin-flip
	@echo "report: $(DEMO_OUT)/coin-flip/report.html"

# Both tasks at the calibration's full size (~2000 curated inputs each; hours on 2 cores).
FULL_SIZES ?= --teach 512 --inputs 2048 --samples 4 --test 200 --teach-epochs 3 --distill-epochs 2 --batch 16

demo-full: build
	$(S2D) distill --task coin-flip $(FULL_SIZES) --regression $(DEMO_FLAGS) --run $(DEMO_OUT)/full/coin-flip
	$(S2D) distill --task last-letter $(FULL_SIZES) --regression $(DEMO_FLAGS) --run $(DEMO_OUT)/full/last-letter
	@echo "reports: $(DEMO_OUT)/full/coin-flip/report.html $(DEMO_OUT)/full/last-letter/report.html"

bench: build
	$(S2D) bench engine

clean:
	rm -rf .build
