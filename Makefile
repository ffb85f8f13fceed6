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
             tender/*.c group/*.c offer/*.c timebank/*.c)
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

asan:
	$(MAKE) BUILD=build-asan CC=clang \
	    CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	    test

fmt:
	clang-format -i $(wildcard */*.c */*.h)

clean:
	rm -rf build build-asan build-fuzz

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
