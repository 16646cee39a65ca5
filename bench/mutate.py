"""Mutation testing of the rule modules, one module at a time against its own test files.

    .venv/bin/python bench/mutate.py [MODULE ...] [--survivors] [--max-children N]

(`make mutate` installs mutmut and runs this with every module.) For each module of MODULES
below, mutmut 3 generates the mutants of that one source file and runs, for each mutant, the
tests of that module's own test files that reach the mutated function. The table at the end
gives, per module, the mutants generated, the killed ones (a timeout counts as killed: the
mutant changed behaviour), the ones not killed (survived, or reached by no test), and the
score killed ÷ generated. --survivors also lists the surviving mutants by name; look at one
with `cd mutants/<module> && ../../.venv/bin/mutmut show <name>`.

mutmut reads its configuration from the pyproject.toml of the directory it runs in and copies
the project into ./mutants. So that each module sees only its own tests, every module runs in
its own scratch directory, mutants/<module>/, holding links to the project's packages and a
pyproject.toml that is the project's own with the module's `only_mutate` and test selection
added to its `[tool.mutmut]` table (which holds the settings common to all modules). Each run
starts from scratch: mutmut's result cache would otherwise keep verdicts reached by older tests.
Tests that take the `db` fixture run on SQLite only here (`-k "not postgres"` in pyproject).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRATCH = ROOT / "mutants"

# The one list to edit when a module moves: name -> (source file, its own test files).
MODULES: dict[str, tuple[str, list[str]]] = {
    "calendar": ("bot/calendar.py", ["tests/test_calendar.py"]),
    "durations": ("bot/durations.py", ["tests/test_durations.py"]),
    "parsing": ("commands/parsing.py", ["tests/test_parsing.py"]),
    "kpi": ("bot/services/reports/kpi.py", ["tests/test_kpi.py"]),
    "deadlines": ("bot/services/deadlines/clocks.py",
                  ["tests/test_deadlines.py", "tests/test_deadline_edges.py"]),
}

# What mutmut's copy of the project needs besides the mutated packages (tests/ and pyproject.toml
# it copies by itself).
LINKED = ["bot", "commands", "notifiers", "storage", "tests"]
TARGET = 0.90


def prepare(name: str) -> Path:
    source, tests = MODULES[name]
    work = SCRATCH / name
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    for entry in LINKED:
        (work / entry).symlink_to(ROOT / entry, target_is_directory=True)
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    header = "[tool.mutmut]\n"
    if header not in text:
        sys.exit("pyproject.toml has no [tool.mutmut] table")
    added = f"only_mutate = {json.dumps([source])}\npytest_add_cli_args_test_selection = {json.dumps(tests)}\n"
    (work / "pyproject.toml").write_text(text.replace(header, header + added, 1), encoding="utf-8")
    return work


def mutmut(work: Path, *args: str, quiet: bool = True) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("mutmut")
    return subprocess.run(
        [str(exe), *args], cwd=work, text=True, capture_output=quiet, env={**os.environ, "PYTHONPATH": ""}
    )


def run_module(name: str, max_children: int) -> dict[str, object]:
    work = prepare(name)
    started = time.monotonic()
    run = mutmut(work, "run", "--max-children", str(max_children))
    (work / "run.log").write_text((run.stdout or "") + (run.stderr or ""), encoding="utf-8")
    if run.returncode != 0:
        sys.exit(f"mutmut failed on {name} (exit {run.returncode}); see {work / 'run.log'}")
    mutmut(work, "export-cicd-stats")
    stats = json.loads((work / "mutants" / "mutmut-cicd-stats.json").read_text(encoding="utf-8"))
    listing = mutmut(work, "results").stdout
    caught = (": killed", ": timeout")
    survivors = sorted(line.strip() for line in listing.splitlines()
                       if line.strip() and not line.rstrip().endswith(caught))
    killed = stats["killed"] + stats["timeout"]
    return {
        "name": name,
        "total": stats["total"],
        "killed": killed,
        "survived": stats["survived"],
        "no_tests": stats["no_tests"],
        "other": stats["total"] - killed - stats["survived"] - stats["no_tests"],
        "score": killed / stats["total"] if stats["total"] else 1.0,
        "seconds": time.monotonic() - started,
        "survivors": survivors,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", metavar="MODULE", help=f"one of {', '.join(MODULES)}; default: all")
    parser.add_argument("--survivors", action="store_true", help="list the mutants not killed")
    parser.add_argument("--max-children", type=int, default=os.cpu_count() or 2)
    opts = parser.parse_args()
    unknown = [m for m in opts.modules if m not in MODULES]
    if unknown:
        parser.error(f"unknown module {', '.join(unknown)}; known: {', '.join(MODULES)}")
    rows = []
    for name in opts.modules or list(MODULES):
        print(f"mutating {MODULES[name][0]} against {' '.join(MODULES[name][1])} ...", flush=True)
        rows.append(run_module(name, opts.max_children))
    print()
    print(f"{'module':<10} {'source':<34} {'mutants':>7} {'killed':>6} {'survived':>8} {'no test':>7} "
          f"{'other':>5} {'score':>6} {'time':>6}")
    for r in rows:
        print(f"{r['name']:<10} {MODULES[r['name']][0]:<34} {r['total']:>7} {r['killed']:>6} {r['survived']:>8} "
              f"{r['no_tests']:>7} {r['other']:>5} {r['score']:>6.1%} {r['seconds']:>5.0f}s")
    if opts.survivors:
        for r in rows:
            for line in r["survivors"]:
                print(f"{r['name']}: {line}")
    below = [r["name"] for r in rows if r["score"] < TARGET]
    if below:
        print(f"below {TARGET:.0%}: {', '.join(below)}")
        sys.exit(1)


if __name__ == "__main__":
    main()
