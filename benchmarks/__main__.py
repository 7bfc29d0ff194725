"""``python -m benchmarks [matching|retrieval|reports|load|imports|scale|search] [options]``: run a benchmark suite.

The default is ``matching``.
"""

import sys

from benchmarks import imports, load, matching, reports, retrieval, scale, search

SUITES = {"matching": matching.main, "retrieval": retrieval.main, "reports": reports.main, "load": load.main,
          "imports": imports.main, "scale": scale.main, "search": search.main}


def main(argv: list[str]) -> int:
    name = "matching"
    if argv and not argv[0].startswith("-"):
        name, argv = argv[0], argv[1:]
    if name not in SUITES:
        print(f"unknown benchmark {name!r}; choose from: {', '.join(SUITES)}", file=sys.stderr)
        return 2
    return SUITES[name](argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
