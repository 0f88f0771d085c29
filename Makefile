# jupyssh: a Jupyter notebook on the remote end of a plain "ssh host".

VERSION = 0.1.0

PREFIX ?= /usr/local
BINDIR = $(PREFIX)/bin
LIBDIR = $(PREFIX)/lib
DOCDIR = $(PREFIX)/share/doc/jupyssh

CC ?= cc
CFLAGS ?= -O2 -g
CFLAGS += -std=c11 -Wall -Wextra -D_GNU_SOURCE -DJUPYSSH_VERSION=\"$(VERSION)\"

COMMON_SRC = common/match.c common/readconf.c
COMMON_H = common/match.h common/readconf.h
SHIM_SRC = shim/shim.c shim/sshargs.c shim/translate.c
SHIM_H = shim/sshargs.h shim/translate.h
HELPER_SRC = helper/jupyssh.c helper/commands.c helper/hook.c \
	helper/remote.c helper/state.c helper/util.c
HELPER_H = helper/commands.h helper/remote.h helper/state.h helper/util.h

SHIM = shim/libjupyssh.so
HELPER = helper/jupyssh
UNIT_TESTS = tests/unit/test_readconf tests/unit/test_translate

all: $(SHIM) $(HELPER)

# Only the hooks are exported; everything else stays inside the library.
$(SHIM): $(SHIM_SRC) $(SHIM_H) $(COMMON_SRC) $(COMMON_H) shim/exports.map
	$(CC) $(CFLAGS) -fPIC -shared -fvisibility=hidden \
		-Wl,--version-script=shim/exports.map -Wl,-z,now \
		-o $@ $(SHIM_SRC) $(COMMON_SRC) -ldl -lpthread

$(HELPER): $(HELPER_SRC) $(HELPER_H) $(COMMON_SRC) $(COMMON_H) helper/remote_sh.h
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

check: all $(UNIT_TESTS)
	tests/run

check-unit: all $(UNIT_TESTS)
	tests/run unit

demo: all
	examples/demo/run

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(DOCDIR)
	install -m 755 $(HELPER) $(DESTDIR)$(BINDIR)/jupyssh
	install -m 644 $(SHIM) $(DESTDIR)$(LIBDIR)/libjupyssh.so
	install -m 644 README.md examples/jupyter_config $(DESTDIR)$(DOCDIR)

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/jupyssh $(DESTDIR)$(LIBDIR)/libjupyssh.so
	rm -rf $(DESTDIR)$(DOCDIR)

clean:
	rm -f $(SHIM) $(HELPER) helper/remote_sh.h $(UNIT_TESTS)

.PHONY: all check check-unit demo install uninstall clean
