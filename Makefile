# essaim: build, test and run. Plain make; libraries through pkg-config
# (CivetWeb has no .pc file in Debian: -lcivetweb).
#
#   make            build build/essaim
#   make run        install missing deps, build, create the demo database
#                   on first run, serve on http://localhost:8080
#   make test       install missing deps, build, run every test suite
#   make asan       the test suites under AddressSanitizer + UBSan
#   make fmt        format the C sources with .clang-format
#   make clean

CC      ?= cc
PKGS     = sqlite3 jansson libcurl libsodium libxml-2.0
WARN     = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wpointer-arith -Wcast-qual -Wwrite-strings -Wformat=2 \
           -Wundef -Wvla -Werror \
           $(if $(findstring clang,$(CC)),,-Wno-format-truncation)
CFLAGS  ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -DNDEBUG $(WARN) $(CFLAGS) \
           $(shell pkg-config --cflags $(PKGS)) -MMD -MP
LIBS     = -lcivetweb $(shell pkg-config --libs $(PKGS)) -lstemmer -lm -lpthread

BUILD   ?= build
SRC_LIB  = $(wildcard util/*.c store/*.c search/*.c directory/*.c \
             account/*.c matching/*.c notify/*.c \
             tender/*.c group/*.c offer/*.c timebank/*.c \
             federation/*.c)
SRC_SRV  = $(filter-out server/main.c,$(wildcard server/*.c))
ASM      = util/assets.S
OBJ_LIB  = $(SRC_LIB:%.c=$(BUILD)/%.o) $(SRC_SRV:%.c=$(BUILD)/%.o) \
           $(ASM:%.S=$(BUILD)/%.o)
TESTS    = $(patsubst tests/%.c,$(BUILD)/tests/%,$(wildcard tests/test_*.c))
ASSETS   = $(wildcard data/*.tsv) server/openapi.json

.PHONY: all run test asan fmt clean deps check-openapi

all: $(BUILD)/essaim

deps:
	@tools/install-deps

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "CC $<"; $(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/util/assets.o: util/assets.S $(ASSETS)
	@mkdir -p $(dir $@)
	@echo "AS $<"; $(CC) -c $< -o $@

$(BUILD)/essaim: $(OBJ_LIB) $(BUILD)/server/main.o
	@echo "LD $@"; $(CC) $(ALL_CFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/tests/%: tests/%.c tests/testutil.h $(OBJ_LIB)
	@mkdir -p $(dir $@)
	@echo "CC $<"; $(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -o $@ $< \
	    $(OBJ_LIB) $(LIBS) -lcmocka

run: deps $(BUILD)/essaim
	@mkdir -p var
	@if [ ! -f var/essaim.db ]; then \
	    echo "creating var/essaim.db with the demo data (first run)"; \
	    $(BUILD)/essaim demo --db var/essaim.db --size 10000 \
	        --demo-accounts 1 || exit 1; \
	    $(BUILD)/essaim admin create admin@essaim.demo --db var/essaim.db \
	        > var/demo-admin.txt || exit 1; \
	fi
	@if [ -f var/demo-admin.txt ]; then \
	    echo "demo: $$(tr '\n' ' ' < var/demo-admin.txt)(sign in at /account.html)"; \
	fi
	$(BUILD)/essaim serve --db var/essaim.db --port 8080 --public public

test: deps $(BUILD)/essaim $(TESTS)
	@tools/run-tests $(BUILD) $(TESTS)
	@tools/lint-openapi
	@ESSAIM_BUILD=$(BUILD) tools/test-pages
	@$(MAKE) --no-print-directory fuzz-replay fuzz-ci

asan:
	$(MAKE) BUILD=build-asan CC=clang \
	    CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	    test

fmt:
	clang-format -i $(wildcard */*.c */*.h)

clean:
	rm -rf build build-asan build-fuzz

# ------------------------------------------------------------- fuzzing
# One libFuzzer target per parser, tests/fuzz/fuzz_NAME.c, with its seeds
# in tests/fuzz/corpus/NAME/ and its past crashes in
# tests/fuzz/regressions/NAME/ (tests/fuzz/README.md).
#   make fuzz         the targets, clang + ASan + UBSan, in build-fuzz/fuzz/
#   make fuzz-ci      each target for FUZZ_SECONDS, FUZZ_JOBS at a time
#                     (the CI budget: 8 targets in 4 rounds of 25 s of
#                     fuzzing plus ~10 s of start-up each on 2 cores:
#                     under 3 min with the incremental build); skipped
#                     with a note when clang cannot link libFuzzer
#   make fuzz-replay  every seed and regression through a plain build of
#                     each target (any compiler: part of make test)
#   tools/run-fuzz run NAME SECONDS    a longer run of one target
FUZZ_TARGETS = $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_SECONDS ?= 25
FUZZ_JOBS   ?= 2
FUZZ_CFLAGS  = -O1 -g -fno-omit-frame-pointer \
               -fsanitize=fuzzer-no-link,address,undefined \
               -fno-sanitize-recover=all
# The domain modules only: no parser lives in server/.
FUZZ_OBJ     = $(SRC_LIB:%.c=$(BUILD)/%.o) $(ASM:%.S=$(BUILD)/%.o)
FUZZ_DEPS    = tests/fuzz/fuzz.h tests/fuzz/fuzz_world.h $(FUZZ_OBJ)

.PHONY: fuzz fuzz-bins fuzz-ci fuzz-replay

fuzz:
	@$(MAKE) --no-print-directory BUILD=build-fuzz CC=clang \
	    CFLAGS="$(FUZZ_CFLAGS)" fuzz-bins

fuzz-bins: $(FUZZ_TARGETS:%=$(BUILD)/fuzz/fuzz_%)

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_DEPS)
	@mkdir -p $(dir $@)
	@echo "CC $<"; $(CC) $(ALL_CFLAGS) -fsanitize=fuzzer -o $@ $< \
	    $(FUZZ_OBJ) $(LIBS)

$(BUILD)/fuzz/replay_%: tests/fuzz/fuzz_%.c $(BUILD)/tests/fuzz/replay.o \
                        $(FUZZ_DEPS)
	@mkdir -p $(dir $@)
	@echo "CC $<"; $(CC) $(ALL_CFLAGS) -o $@ $< \
	    $(BUILD)/tests/fuzz/replay.o $(FUZZ_OBJ) $(LIBS)

fuzz-replay: $(BUILD)/tests/fuzz/replay.o \
             $(FUZZ_TARGETS:%=$(BUILD)/fuzz/replay_%)
	@tools/run-fuzz replay $(BUILD)/fuzz $(FUZZ_TARGETS)

fuzz-ci:
	@if tools/run-fuzz can-fuzz; then \
	    $(MAKE) --no-print-directory fuzz && \
	    tools/run-fuzz ci build-fuzz/fuzz $(FUZZ_SECONDS) $(FUZZ_JOBS) \
	        $(FUZZ_TARGETS); \
	else \
	    echo "fuzz-ci: skipped: clang cannot link libFuzzer here" \
	         "(the replay of the corpora ran)"; \
	fi

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
