# The two commands a newcomer needs:
#   make run    set up, build and serve the default stack (config/stratus.toml)
#   make test   set up, build and run every test (unit, sanitizers, fuzz, end to end)
# Heavier work has its own targets: make bench, make fuzz.

BUILD ?= build
JOBS  ?= 2
CMAKE_FLAGS ?= -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSTRATUS_WERROR=ON

.PHONY: all setup build run test unit e2e asan fuzz bench clean

all: build

setup:
	@scripts/setup

build: setup
	@cmake -S . -B $(BUILD) $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

run: build
	./$(BUILD)/stratus serve

test:
	@scripts/test

# Pieces of `make test`, for development.
unit: build
	cd $(BUILD) && ctest -j $(JOBS) --output-on-failure

e2e: build
	/usr/bin/python3 -m pytest tests/e2e -q

asan: setup
	@scripts/test --only asan

fuzz: setup
	scripts/fuzz 300

bench: build
	bench/run

clean:
	rm -rf build build-san build-fuzz
