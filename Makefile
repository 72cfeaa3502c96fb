# The two set-up commands of the README: `make demo` and `make test`. Both install missing
# Debian packages first (scripts/install-deps.sh), then build with CMake presets (build/<preset>).
.PHONY: all deps build test test-asan demo bench format format-check tidy install clean

JOBS ?= $(shell nproc)
PREFIX ?= $(CURDIR)/build/install

all: build

deps:
	@bash scripts/install-deps.sh

build/default/build.ninja: CMakePresets.json | deps
	cmake --preset default

build: deps build/default/build.ninja
	cmake --build --preset default -j $(JOBS)

test: build
	bash scripts/with-postgres.sh ctest --preset default -j $(JOBS)

build/asan/build.ninja: CMakePresets.json | deps
	cmake --preset asan

test-asan: deps build/asan/build.ninja
	cmake --build --preset asan -j $(JOBS)
	bash scripts/with-postgres.sh ctest --preset asan -j $(JOBS)

demo: build
	bash examples/demo.sh build/default

bench: deps
	cmake --preset release
	cmake --build --preset release -j $(JOBS)
	bash benchmarks/run.sh build/release

format:
	git ls-files '*.cpp' '*.h' | xargs clang-format -i

format-check:
	git ls-files '*.cpp' '*.h' | xargs clang-format --dry-run --Werror

tidy: build/default/build.ninja
	bash scripts/run-clang-tidy.sh build/default

install: build
	cmake --install build/default --prefix $(PREFIX)

clean:
	rm -rf build
