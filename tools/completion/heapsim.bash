# bash completion for heapsim and heap-trace.
# Use: source tools/completion/heapsim.bash (or install it as
# /usr/share/bash-completion/completions/heapsim). Layout names come from the
# heapsim being completed (`heapsim list-layouts`), so new layouts need no edit.

_heapsim_layouts() {
  "$1" list-layouts 2>/dev/null | awk 'NF { print $1 }'
}

_heapsim() {
  local cur prev cmd opts
  cur=${COMP_WORDS[COMP_CWORD]}
  prev=${COMP_WORDS[COMP_CWORD-1]}
  local commands="audit run list-layouts replay matrix minimize export verdict report help"
  if [ "$COMP_CWORD" -eq 1 ]; then
    mapfile -t COMPREPLY < <(compgen -W "$commands --help --version" -- "$cur")
    return
  fi
  cmd=${COMP_WORDS[1]}
  local env_opts="--layout --hardening --profile --cores --heap-bytes --word-bits --period --strict-verify --no-cache --no-alias --kernel-ll"
  case $cmd in
    audit) opts="$env_opts --dynamic --json" ;;
    run) opts="$env_opts --ticks --json --sarif --trace --budget-ticks --budget-seconds" ;;
    list-layouts) opts="--json" ;;
    replay) opts="--target --layout --hardening --oracle --word-bits --json --sarif --stop-at-first" ;;
    matrix) opts="--dir --out --check --json --sarif --budget-ticks --budget-seconds" ;;
    minimize) opts="--target --layout --hardening --oracle --out --fuzzer --seconds --same-class --no-libfuzzer --json" ;;
    export) opts="--scenario --xtensa --target --layout --hardening --out" ;;
    verdict) opts="--seconds --seed --out --scenarios --json --sarif --budget-ticks --budget-seconds" ;;
    report) opts="--out --findings --scenarios --no-matrix" ;;
    *) opts="" ;;
  esac
  opts="$opts --help"
  case $prev in
    --layout) mapfile -t COMPREPLY < <(compgen -W "$(_heapsim_layouts "${COMP_WORDS[0]}")" -- "$cur"); return ;;
    --hardening) mapfile -t COMPREPLY < <(compgen -W "none basic moderate full extreme" -- "$cur"); return ;;
    --target) mapfile -t COMPREPLY < <(compgen -W "fuzz_heap_ops fuzz_user_syscalls fuzz_ll_sched fuzz_cli_input" -- "$cur"); return ;;
    --oracle) mapfile -t COMPREPLY < <(compgen -W "all escape beyond" -- "$cur"); return ;;
    --word-bits) mapfile -t COMPREPLY < <(compgen -W "32 64" -- "$cur"); return ;;
    --profile) mapfile -t COMPREPLY < <(compgen -W "production debug fuzz" -- "$cur"); return ;;
    --out|--dir|--scenarios|--findings) mapfile -t COMPREPLY < <(compgen -d -- "$cur"); return ;;
    --sarif|--check|--fuzzer|--scenario|--xtensa) mapfile -t COMPREPLY < <(compgen -f -- "$cur"); return ;;
    --ticks|--seconds|--seed|--heap-bytes|--period|--cores) COMPREPLY=(); return ;;
  esac
  if [[ $cur == -* ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
  else
    mapfile -t COMPREPLY < <(compgen -f -- "$cur")   # scenario files, crash inputs
  fi
}

_heap_trace() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
  case $prev in
    --word) mapfile -t COMPREPLY < <(compgen -W "32 64" -- "$cur"); return ;;
    --hardening) mapfile -t COMPREPLY < <(compgen -W "none basic moderate full extreme" -- "$cur"); return ;;
    --bytes) COMPREPLY=(); return ;;
  esac
  mapfile -t COMPREPLY < <(compgen -W "--bytes --word --hardening --help --version" -- "$cur")
}

complete -F _heapsim heapsim
complete -F _heap_trace heap-trace
