# After the backend: what was asked for.
case $JS_MODE in
start) start ;;
status) status ;;
stop) stop ;;
log) log ;;
check) check ;;
*) fail "unknown mode $JS_MODE" ;;
esac
