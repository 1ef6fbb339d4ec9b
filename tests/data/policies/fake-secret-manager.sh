#!/bin/sh
# A stand-in for a secret manager's command-line tool, for the exec key
# source tests. The first argument picks the behaviour.
case "$1" in
    print) printf '%s\n' "$2" ;;
    pem) cat "$2" ;;
    sleep) sleep "$2"; printf 'late\n' ;;
    detach) printf '%s\n' "$2"; exec >&-; sleep 5 ;;
    big) head -c 100000 /dev/zero | tr '\0' 'A' ;;
    fail) echo "access denied" >&2; exit 3 ;;
    *) exit 64 ;;
esac
