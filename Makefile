# bastion's entry points. `make` builds Release into build/ (binary: build/bastion);
# `make test` installs what is missing, builds, and runs every test (unit, e2e, fuzz smoke);
# `make run` builds and serves the demo model (random weights: its output is noise) with the
# embedded engine on 127.0.0.1:8080; README.md says how to serve a real model instead.
JOBS ?= $(shell nproc)
BUILD ?= build
CMAKE_FLAGS ?=

.PHONY: all deps npm configure build test unit e2e fuzz-smoke run sanitize bench-gateway format tidy clean

all: build

deps:
	@bash scripts/install-deps.sh

npm:
	@bash scripts/install-npm.sh

configure: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) >/dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

test: build npm
	@cd $(BUILD) && ctest --output-on-failure -j 1

DEMO_MODEL = $(BUILD)/demo-model.gguf

$(DEMO_MODEL): scripts/make-demo-model.py
	@/usr/bin/python3 scripts/make-demo-model.py $@

run: build $(DEMO_MODEL)
	./$(BUILD)/bastion intake $(DEMO_MODEL)
	./$(BUILD)/bastion serve --insecure-no-auth --model $(DEMO_MODEL)

# The whole suite under AddressSanitizer and UndefinedBehaviorSanitizer.
sanitize:
	@$(MAKE) test BUILD=build-asan CMAKE_FLAGS="-DBASTION_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo"

bench-gateway: build
	@bash bench/gateway/run.sh

format:
	@clang-format -i $$(git ls-files 'src/*.cc' 'src/*.h' 'tests/*.cc' 'fuzz/*.cc' 'bench/*.cc')

tidy: configure
	@run-clang-tidy -quiet -p $(BUILD) 'src/.*\.cc$$'

clean:
	rm -rf build build-asan build-fuzz
