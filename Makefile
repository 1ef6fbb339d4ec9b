# Front end for the CMake build. `make check` is what CI runs.
BUILD_DIR ?= build
# Seconds of the gateway memory soak in `make bench`; 0 skips it.
SOAK_SECONDS ?= 600
CC := clang
CMAKE_FLAGS ?= -DJWG_WERROR=ON
JOBS ?= 2

.PHONY: all deps build check demo bench install clean

all: build

deps:
	sh scripts/install-deps.sh

build:
	cmake -S . -B $(BUILD_DIR) -DCMAKE_C_COMPILER=$(CC) $(CMAKE_FLAGS)
	cmake --build $(BUILD_DIR) -j$(JOBS)

check: deps build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j$(JOBS)

demo: deps build
	JWTGUARD=$(abspath $(BUILD_DIR))/jwtguard bash examples/demo.sh
	JWTGUARD=$(abspath $(BUILD_DIR))/jwtguard bash examples/scan-demo.sh

bench: deps build
	cmake --build $(BUILD_DIR) --target bench_verify bench_alloc bench_json
	$(BUILD_DIR)/bench_verify
	$(BUILD_DIR)/bench_alloc
	$(BUILD_DIR)/bench_json
	JWTGUARD=$(BUILD_DIR)/jwtguard bash bench/bench_scan.sh
	JWTGUARD=$(BUILD_DIR)/jwtguard bash bench/bench_scan_redact.sh
	BUILD_DIR=$(BUILD_DIR) JWTGUARD=$(BUILD_DIR)/jwtguard bash bench/bench_server.sh $(SOAK_SECONDS)

install:
	cmake --install $(BUILD_DIR)

clean:
	rm -rf $(BUILD_DIR)
