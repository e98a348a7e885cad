#!/usr/bin/env bash
# Checks GitHub workflows (a ctest): yamllint with ci/yamllint.yml, and
# every command a `run:` line starts is real: a shell builtin or keyword, a
# program on this machine's PATH, or a file of the repository that holds
# the workflow (the folder above .github/). A run: line calling a script
# that was renamed or never committed fails here, not on the CI machine.
#
#   ci/check-workflows.sh WORKFLOW.yml...
#   ci/check-workflows.sh --selftest     # the check fails on a broken workflow
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

check() {
  yamllint -c "$here/yamllint.yml" "$@" || return 1
  python3 - "$@" <<'PY'
import os, re, shlex, shutil, sys
import yaml

KEYWORDS = {"if", "then", "else", "elif", "fi", "for", "while", "until", "do", "done",
            "case", "esac", "in", "function", "{", "}", "!", "[[", "]]", "[", "test", "time"}
BUILTINS = {"cd", "echo", "export", "set", "unset", "exit", "return", "source", ".", "true",
            "false", "printf", "read", "shift", "eval", "exec", "trap", "wait", "cat", "local"}
bad = 0
for path in sys.argv[1:]:
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(path))))
    with open(path) as f:
        doc = yaml.safe_load(f)
    for job_name, job in (doc.get("jobs") or {}).items():
        for step in job.get("steps") or []:
            script = step.get("run")
            if script is None:
                continue
            # Continuation lines joined, then each simple command.
            text = script.replace("\\\n", " ")
            for line in text.splitlines():
                for part in re.split(r"&&|\|\||;|\|", line):
                    try:
                        words = shlex.split(part, comments=True)
                    except ValueError as e:
                        print(f"{path}: job {job_name}: cannot parse run line {line!r}: {e}")
                        bad += 1
                        continue
                    while words and re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", words[0]):
                        words.pop(0)  # VAR=value before the command.
                    if not words:
                        continue
                    cmd = words[0]
                    if cmd in KEYWORDS or cmd in BUILTINS:
                        continue
                    if "/" in cmd:
                        if os.path.isfile(os.path.join(root, cmd)) and os.access(os.path.join(root, cmd), os.X_OK):
                            continue
                        print(f"{path}: job {job_name}: run: {cmd} is not an executable file of {root}")
                        bad += 1
                    elif shutil.which(cmd) is None:
                        print(f"{path}: job {job_name}: run: {cmd} is not a command on this machine")
                        bad += 1
sys.exit(1 if bad else 0)
PY
}

if [[ ${1:-} == --selftest ]]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  mkdir -p "$tmp/.github/workflows"
  printf 'name: broken\non:\n  push:\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: ci/missing.sh --flag\n' \
    >"$tmp/.github/workflows/broken.yml"
  if check "$tmp/.github/workflows/broken.yml"; then
    echo "selftest: a run: line calling a missing script passed the check" >&2
    exit 1
  fi
  printf 'name: bad\non:\n  push:\njobs:\n  a:\n   runs-on: x\n' >"$tmp/.github/workflows/bad.yml"
  if check "$tmp/.github/workflows/bad.yml" 2>/dev/null; then
    echo "selftest: a badly indented workflow passed yamllint" >&2
    exit 1
  fi
  echo "selftest: both broken workflows rejected"
  exit 0
fi
check "$@"
echo "workflows: yamllint clean, every run: command exists ($#)"
