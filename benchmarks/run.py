"""Run every benchmark script in this folder (``make bench``), passing the same arguments to each."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    scripts = sorted(p for p in HERE.glob("*.py") if p.name not in {"run.py", "common.py", "__init__.py"})
    failures = 0
    for script in scripts:
        print(f"\n##### {script.name}", flush=True)
        failures += subprocess.call([sys.executable, str(script), *sys.argv[1:]])  # noqa: S603
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
