# shiftguard: `make test` and `make demo` set up what is missing, build, and run.
#
#   make test    system packages, Python package (pip install -e .), C++ tests (ctest),
#                the same C++ tests with AddressSanitizer + UndefinedBehaviorSanitizer,
#                Python tests (pytest); fails if any fails
#   make demo    set up, then a drift check of the bundled sample data
#   make bench   benchmarks against the peer libraries in .venv-bench (not part of test)

PYTHON ?= python3
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
DEB_PACKAGES := libeigen3-dev libtbb-dev libxtensor-dev doctest-dev
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
CMAKE ?= cmake
BUILD := build

.PHONY: all test demo deps system-deps python-deps install cpp-test cpp-test-sanitize \
        py-test bench clean

all: test

test: deps install cpp-test cpp-test-sanitize py-test

deps: system-deps python-deps

# Debian packages for the C++ dependencies, installed only when missing.
system-deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -q && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; \
	fi

python-deps:
	$(PYTHON) -m pip install -q --disable-pip-version-check -r tests/requirements.txt

# The Python package, editable; the extension builds into build/<wheel tag>.
install: deps
	$(PYTHON) -m pip install -q --disable-pip-version-check --no-build-isolation -e .

cpp-test: system-deps
	$(CMAKE) -S . -B $(BUILD)/release -DCMAKE_BUILD_TYPE=Release
	$(CMAKE) --build $(BUILD)/release -j $(JOBS)
	cd $(BUILD)/release && ctest --output-on-failure -j $(JOBS)

cpp-test-sanitize: system-deps
	$(CMAKE) -S . -B $(BUILD)/sanitize -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSHIFTGUARD_SANITIZE=ON
	$(CMAKE) --build $(BUILD)/sanitize -j $(JOBS)
	cd $(BUILD)/sanitize && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j $(JOBS)

py-test: install
	$(PYTHON) -m pytest -q

demo: install
	@echo "== shiftguard demo: bundled reference sample vs bundled shifted sample =="
	$(PYTHON) -m shiftguard demo; status=$$?; \
	  if [ $$status -eq 1 ]; then echo "(exit status 1: drift detected, as expected for this data)"; \
	  elif [ $$status -ne 0 ]; then exit $$status; fi

# Benchmarks against the peer libraries. alibi-detect pins numpy<2, so bench_drift.py runs in
# its own venv (.venv-bench, with shiftguard built fresh in build/bench so it never shares a
# CMake cache with dev builds); river needs numpy>=2.2 and is a test dependency already, so
# bench_stream.py runs in the test environment. The C++ micro-benchmarks are built in
# build/bench-cpp (Release).
BENCH_VENV_SCRIPTS := benchmarks/bench_drift.py benchmarks/bench_drift_numeric.py \
	benchmarks/bench_drift_scores.py benchmarks/bench_drift_multivariate.py \
	benchmarks/bench_drift_univariate.py \
	benchmarks/bench_validate_sketch.py benchmarks/bench_validate_schema.py
BENCH_SCRIPTS := benchmarks/bench_stream.py \
	benchmarks/bench_imbalance.py \
	benchmarks/bench_imbalance_metrics.py \
	benchmarks/bench_imbalance_smote.py \
	benchmarks/bench_imbalance_shift.py \
	benchmarks/bench_nn.py \
	benchmarks/bench_validate_profile.py \
	benchmarks/bench_validate_integrity.py \
	benchmarks/bench_validate_tensor.py

bench: system-deps install
	$(PYTHON) -m venv .venv-bench
	.venv-bench/bin/python -m pip install -q --disable-pip-version-check -r benchmarks/requirements.txt
	rm -rf $(BUILD)/bench
	.venv-bench/bin/python -m pip install -q --disable-pip-version-check -C build-dir=$(BUILD)/bench .
	$(CMAKE) -S . -B $(BUILD)/bench-cpp -DCMAKE_BUILD_TYPE=Release -DSHIFTGUARD_BUILD_TESTS=OFF \
	  -DSHIFTGUARD_BUILD_BENCHMARKS=ON
	$(CMAKE) --build $(BUILD)/bench-cpp -j$(JOBS) --target bench_stream
	@status=0; \
	for script in $(BENCH_VENV_SCRIPTS); do \
	  echo "== $$script"; .venv-bench/bin/python $$script || status=1; \
	done; \
	for script in $(BENCH_SCRIPTS); do \
	  echo "== $$script"; $(PYTHON) $$script || status=1; \
	done; \
	echo "== bench_stream (C++)"; $(BUILD)/bench-cpp/benchmarks/cpp/bench_stream || status=1; \
	exit $$status

clean:
	rm -rf $(BUILD)
