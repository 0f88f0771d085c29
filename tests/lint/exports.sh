# The shim exports its hooks and nothing else: no helper symbol may leak
# into every process the user starts.
cd "$(dirname "$0")/../.."
syms=$(nm -D --defined-only shim/libjupyssh.so | awk '{print $3}' | sort | tr '\n' ' ')
if [ "$syms" = "fopen fopen64 " ]; then
	echo "PASS: lint/shim-exports-only-hooks"
else
	echo "FAIL: lint/shim-exports-only-hooks: expected 'fopen fopen64', got '$syms'"
fi
# Nothing beyond libc (and libdl/libpthread, which are libc now).
libs=$(readelf -d shim/libjupyssh.so helper/jupyssh | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p' |
    grep -v -E '^(libc|libdl|libpthread)\.so|^ld-linux' | sort -u | tr '\n' ' ')
if [ -z "$libs" ]; then
	echo "PASS: lint/links-only-libc"
else
	echo "FAIL: lint/links-only-libc: also linked: $libs"
fi
