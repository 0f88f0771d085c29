# jupyssh: a Jupyter notebook on the remote end of a plain "ssh host".

VERSION = 0.1.0

PREFIX ?= /usr/local
BINDIR = $(PREFIX)/bin
LIBDIR = $(PREFIX)/lib
DOCDIR = $(PREFIX)/share/doc/jupyssh
MANDIR = $(PREFIX)/share/man
BASHCOMPDIR = $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR = $(PREFIX)/share/zsh/site-functions

CC ?= cc
CFLAGS ?= -O2 -g
CFLAGS += -std=c11 -Wall -Wextra -D_GNU_SOURCE -DJUPYSSH_VERSION=\"$(VERSION)\"

COMMON_SRC = common/match.c common/readconf.c common/statedir.c
COMMON_H = common/match.h common/readconf.h common/statedir.h
SHIM_SRC = shim/shim.c shim/sshargs.c shim/translate.c
SHIM_H = shim/sshargs.h shim/translate.h
HELPER_SRC = helper/jupyssh.c helper/browser.c helper/commands.c helper/hook.c \
	helper/forward.c helper/inspect.c helper/proxy.c helper/remote.c \
	helper/state.c \
	helper/util.c shim/sshargs.c shim/translate.c
HELPER_H = helper/commands.h helper/remote.h helper/state.h helper/util.h

SHIM = shim/libjupyssh.so
HELPER = helper/jupyssh
UNIT_TESTS = tests/unit/test_readconf tests/unit/test_translate \
	tests/unit/test_regressions

all: $(SHIM) $(HELPER)

# Only the hooks are exported; everything else stays inside the library.
$(SHIM): $(SHIM_SRC) $(SHIM_H) $(COMMON_SRC) $(COMMON_H) shim/exports.map
	$(CC) $(CFLAGS) -fPIC -shared -fvisibility=hidden \
		-Wl,--version-script=shim/exports.map -Wl,-O1 \
		-o $@ $(SHIM_SRC) $(COMMON_SRC) -ldl -lpthread

$(HELPER): $(HELPER_SRC) $(HELPER_H) $(SHIM_H) $(COMMON_SRC) $(COMMON_H) helper/remote_sh.h
	$(CC) $(CFLAGS) -o $@ $(HELPER_SRC) $(COMMON_SRC)

# The remote script is kept as a real sh file and embedded as a C string.
helper/remote_sh.h: helper/remote.sh
	{ echo '/* Generated from remote.sh by make. */'; \
	  echo 'static const char remote_sh[] ='; \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' $<; \
	  echo ';'; } > $@

tests/unit/test_readconf: tests/unit/test_readconf.c tests/unit/unit.h $(COMMON_SRC) $(COMMON_H)
	$(CC) $(CFLAGS) -o $@ tests/unit/test_readconf.c $(COMMON_SRC)

tests/unit/test_translate: tests/unit/test_translate.c tests/unit/unit.h \
		shim/sshargs.c shim/translate.c $(SHIM_H) $(COMMON_SRC) $(COMMON_H)
	$(CC) $(CFLAGS) -o $@ tests/unit/test_translate.c shim/sshargs.c \
		shim/translate.c $(COMMON_SRC)

# The fuzz harness replays the seeds and every stored crash; its glob
# keeps Includes inside a sandbox folder.
FUZZ_SRC = tests/fuzz/harness.c shim/sshargs.c shim/translate.c
FUZZ_H = tests/fuzz/harness.h

tests/unit/test_regressions: tests/unit/test_regressions.c tests/unit/unit.h \
		$(FUZZ_SRC) $(FUZZ_H) $(SHIM_H) $(COMMON_SRC) $(COMMON_H)
	$(CC) $(CFLAGS) -Wl,--wrap=glob -o $@ tests/unit/test_regressions.c \
		$(FUZZ_SRC) $(COMMON_SRC)

check: all $(UNIT_TESTS)
	tests/run

check-unit: all $(UNIT_TESTS)
	tests/run unit

demo: all
	examples/demo/run

# Side-by-side measurements into tests/bench/RESULTS.md (root, sandbox).
bench: all
	tests/bench/bench.py

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(DOCDIR)
	install -m 755 $(HELPER) $(DESTDIR)$(BINDIR)/jupyssh
	install -m 644 $(SHIM) $(DESTDIR)$(LIBDIR)/libjupyssh.so
	install -m 644 README.md examples/jupyter_config $(DESTDIR)$(DOCDIR)
	install -d $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR)
	install -m 644 man/jupyssh.1 $(DESTDIR)$(MANDIR)/man1/jupyssh.1
	install -m 644 man/jupyssh_config.5 \
		$(DESTDIR)$(MANDIR)/man5/jupyssh_config.5
	install -m 644 completion/jupyssh.bash $(DESTDIR)$(BASHCOMPDIR)/jupyssh
	install -m 644 completion/_jupyssh $(DESTDIR)$(ZSHCOMPDIR)/_jupyssh

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/jupyssh $(DESTDIR)$(LIBDIR)/libjupyssh.so
	rm -rf $(DESTDIR)$(DOCDIR)
	rm -f $(DESTDIR)$(MANDIR)/man1/jupyssh.1 \
		$(DESTDIR)$(MANDIR)/man5/jupyssh_config.5 \
		$(DESTDIR)$(BASHCOMPDIR)/jupyssh $(DESTDIR)$(ZSHCOMPDIR)/_jupyssh

clean:
	rm -f $(SHIM) $(HELPER) helper/remote_sh.h $(UNIT_TESTS)

# Sanitizers: the shim, the helper and the unit tests built with ASan and
# UBSan in build/sanitize/ (the normal objects stay as they are); the unit
# tests must pass with no report, leaks included; then the build goes into
# build/sanitize/prefix for tests/lint/sanitize.sh, which runs the shim in
# a real "ssh -G" and the helper.
SAN = build/sanitize
SAN_PREFIX = $(SAN)/prefix
SAN_FLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all -g -O1
SAN_ENV = ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
SAN_REPORT = ERROR: AddressSanitizer|runtime error:|LeakSanitizer
# A new unit test gets a rule below and a place here.
SAN_UNIT = $(SAN)/test_readconf $(SAN)/test_translate $(SAN)/test_regressions

# As the real ones, but for the flags.
$(SAN)/libjupyssh.so: $(SHIM_SRC) $(SHIM_H) $(COMMON_SRC) $(COMMON_H) \
		shim/exports.map
	@mkdir -p $(SAN)
	$(CC) $(CFLAGS) $(SAN_FLAGS) -fPIC -shared -fvisibility=hidden \
		-Wl,--version-script=shim/exports.map -Wl,-O1 \
		-o $@ $(SHIM_SRC) $(COMMON_SRC) -ldl -lpthread

$(SAN)/jupyssh: $(HELPER_SRC) $(HELPER_H) $(COMMON_SRC) $(COMMON_H) \
		helper/remote_sh.h
	@mkdir -p $(SAN)
	$(CC) $(CFLAGS) $(SAN_FLAGS) -o $@ $(HELPER_SRC) $(COMMON_SRC)

# The helper without sanitizers, from the same sources: what the sanitized
# one must behave like.
$(SAN)/reference/jupyssh: $(HELPER_SRC) $(HELPER_H) $(COMMON_SRC) \
		$(COMMON_H) helper/remote_sh.h
	@mkdir -p $(SAN)/reference
	$(CC) $(CFLAGS) -o $@ $(HELPER_SRC) $(COMMON_SRC)

$(SAN)/test_readconf: tests/unit/test_readconf.c tests/unit/unit.h \
		$(COMMON_SRC) $(COMMON_H)
	@mkdir -p $(SAN)
	$(CC) $(CFLAGS) $(SAN_FLAGS) -o $@ tests/unit/test_readconf.c \
		$(COMMON_SRC)

$(SAN)/test_translate: tests/unit/test_translate.c tests/unit/unit.h \
		shim/sshargs.c shim/translate.c $(SHIM_H) $(COMMON_SRC) $(COMMON_H)
	@mkdir -p $(SAN)
	$(CC) $(CFLAGS) $(SAN_FLAGS) -o $@ tests/unit/test_translate.c \
		shim/sshargs.c shim/translate.c $(COMMON_SRC)

$(SAN)/test_regressions: tests/unit/test_regressions.c tests/unit/unit.h \
		$(FUZZ_SRC) $(FUZZ_H) $(SHIM_H) $(COMMON_SRC) $(COMMON_H)
	@mkdir -p $(SAN)
	$(CC) $(CFLAGS) $(SAN_FLAGS) -Wl,--wrap=glob -o $@ \
		tests/unit/test_regressions.c $(FUZZ_SRC) $(COMMON_SRC)

check-sanitize: $(SAN)/libjupyssh.so $(SAN)/jupyssh $(SAN)/reference/jupyssh \
		$(SAN_UNIT)
	@log=$(SAN)/check.log; : > $$log; \
	for t in $(SAN_UNIT); do \
		$(SAN_ENV) $$t > $$t.out 2>&1; rc=$$?; \
		sed -n '/^\(PASS\|FAIL\)/p;/^  /p' $$t.out | tee -a $$log; \
		if [ $$rc -ne 0 ] || grep -Eq '$(SAN_REPORT)' $$t.out || \
		    ! grep -q '^PASS: ' $$t.out; then \
			echo "FAIL: sanitize/$${t##*/}: exited $$rc, a report" \
			    "or no PASS line (all of it: $$t.out)" | tee -a $$log; \
			grep -E -A 12 '$(SAN_REPORT)' $$t.out | sed 's/^/  /'; \
		fi; \
	done; \
	if ! grep -q '^FAIL: ' $$log; then \
		install -d $(SAN_PREFIX)/bin $(SAN_PREFIX)/lib && \
		install -m 755 $(SAN)/jupyssh $(SAN_PREFIX)/bin/jupyssh && \
		install -m 644 $(SAN)/libjupyssh.so \
		    $(SAN_PREFIX)/lib/libjupyssh.so && \
		bash tests/lint/sanitize.sh | tee -a $$log; \
	fi; \
	echo "$$(grep -c '^PASS: ' $$log) passed," \
	    "$$(grep -c '^FAIL: ' $$log) failed"; \
	! grep -q '^FAIL: ' $$log && grep -q '^PASS: lint/sanitize' $$log

# Fuzzing with libFuzzer (clang; Debian's libclang-rt-dev): the reader, the
# translation and the argv parser (tests/fuzz/) for FUZZ_SECONDS, from the
# seeds in tests/fuzz/corpus/. New inputs go to build/fuzz/corpus/, a
# crashing, leaking or hanging one to build/fuzz/ and fails the target:
# fix the bug and keep the input in tests/fuzz/crashes/.
FUZZ = build/fuzz
FUZZ_SECONDS ?= 60
FUZZ_CC = clang
FUZZ_FLAGS = -fsanitize=fuzzer,address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all -g -O1

$(FUZZ)/fuzz_config: tests/fuzz/fuzz_config.c $(FUZZ_SRC) $(FUZZ_H) \
		$(SHIM_H) $(COMMON_SRC) $(COMMON_H)
	@mkdir -p $(FUZZ)
	$(FUZZ_CC) $(FUZZ_FLAGS) -std=c11 -Wall -Wextra -D_GNU_SOURCE \
		-Wl,--wrap=glob -o $@ tests/fuzz/fuzz_config.c $(FUZZ_SRC) \
		$(COMMON_SRC)

fuzz: $(FUZZ)/fuzz_config
	@mkdir -p $(FUZZ)/corpus
	$(SAN_ENV) $(FUZZ)/fuzz_config -max_total_time=$(FUZZ_SECONDS) \
		-timeout=10 -rss_limit_mb=2048 -dict=tests/fuzz/config.dict \
		-artifact_prefix=$(FUZZ)/ -print_final_stats=1 \
		$(FUZZ)/corpus tests/fuzz/corpus

.PHONY: all bench check check-unit check-sanitize demo fuzz install uninstall \
	clean
