# Thin wrapper keeping the original service's habits (build, start = poller, consumer, seed).
BUILD_DIR ?= build
JOBS ?= 2
CMAKE_FLAGS ?=
BULKMSG = ./$(BUILD_DIR)/bulkmsg

.PHONY: setup build check test start consumer api all seed migrate demo stack-up stack-down stack-status stack-reset \
        bench sanitize fuzz format clean

setup:
	scripts/setup

# Release build of ./build/bulkmsg and the test executables.
build:
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) >/dev/null
	cmake --build $(BUILD_DIR) -j$(JOBS)

# The developer loop (minutes): build, stack up (left running), the unit and integration tiers; no benchmarks,
# fuzzing, chaos run or sanitizer pass.
check: build
	scripts/npm-tools install
	scripts/stack up
	ctest --test-dir $(BUILD_DIR) -L '^unit$$' -j$(JOBS) --output-on-failure
	ctest --test-dir $(BUILD_DIR) -L '^integration$$' -j$(JOBS) --output-on-failure --timeout 300

# Installs what is missing, builds, brings the stack up, runs every test label, brings the stack down.
test:
	scripts/test

start: build
	$(BULKMSG) poller

consumer: build
	$(BULKMSG) consumer

api: build
	$(BULKMSG) api

all: build
	$(BULKMSG) all

migrate: build
	$(BULKMSG) migrate

seed: build
	$(BULKMSG) seed

# Sets up, builds, starts the stack, migrates, seeds demo data and runs `bulkmsg all` in the foreground.
demo:
	scripts/demo

stack-up:
	scripts/stack up

stack-down:
	scripts/stack down

stack-status:
	scripts/stack status

stack-reset:
	scripts/stack reset

bench: build
	mkdir -p bench/results
	BUILD_DIR=$(BUILD_DIR) bench/run --json bench/results/e2e-200000.json
	$(BUILD_DIR)/bench/bulkmsg_micro_bench --benchmark_out=bench/results/micro.json --benchmark_out_format=json

# Unit and integration tiers under AddressSanitizer and UndefinedBehaviorSanitizer (build-asan/).
sanitize:
	BUILD_DIR=build-asan SANITIZE=address,undefined scripts/test

# libFuzzer targets (clang, ASan + UBSan, build-fuzz/) for FUZZ_SECONDS each (default 60).
fuzz:
	scripts/fuzz

format:
	find src tests -name '*.cpp' -o -name '*.hpp' | xargs clang-format -i

clean:
	rm -rf $(BUILD_DIR) build-asan
