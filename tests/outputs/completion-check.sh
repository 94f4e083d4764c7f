#!/usr/bin/env bash
# The bash completion knows every command `heapsim help` lists and every
# option each command's --help documents, and completes layout names from
# the binary (so it cannot drift from the CLI unnoticed).
#   completion-check.sh HEAPSIM COMPLETION_FILE
set -uo pipefail
heapsim=$1 file=$2
# grep without -q: an early exit would SIGPIPE the writer and fail the pipe
# shellcheck disable=SC1090
. "$file" || { echo "FAIL: $file does not source"; exit 1; }
complete_words() { # words... -> the completions for the last one
  COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMPREPLY=()
  _heapsim
  printf '%s\n' "${COMPREPLY[@]}"
}
fail=0
commands=$("$heapsim" help | awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 }')
[ -n "$commands" ] || { echo "FAIL: no commands in 'heapsim help'"; exit 1; }
for c in $commands; do
  complete_words "$heapsim" "" | grep -x "$c" >/dev/null || { echo "FAIL: command $c not completed"; fail=1; }
  [ "$c" = help ] && continue
  # the options a help text documents: in its usage line ("[--json]") or at a line start
  for o in $("$heapsim" "$c" --help 2>&1 | grep -oE -- '(^ *|\[)--[a-z][a-z-]+' | grep -oE -- '--[a-z-]+' | sort -u); do
    complete_words "$heapsim" "$c" "--" | grep -x -- "$o" >/dev/null || { echo "FAIL: $c $o not completed"; fail=1; }
  done
done
layouts=$(complete_words "$heapsim" audit --layout "")
for l in $("$heapsim" list-layouts | awk 'NF { print $1 }'); do
  echo "$layouts" | grep -x "$l" >/dev/null || { echo "FAIL: layout $l not completed"; fail=1; }
done
[ $fail = 0 ] && echo "completion: $(echo $commands | wc -w) commands, their options and the layouts"
exit $fail
