"""`manage.py db_worker`, with an import that stops half-way until it is let go.

    python tests/exchange/gated_worker.py GATE [db_worker options]

The worker is the real command; only the import engine is wrapped: chunks of 2 rows, and after
the first chunk of a run (its rows already written, for an import, inside its transaction) the
file GATE.reached is created and the run waits until GATE.go exists. A test can so look at the
job from another process while the run is half-way, or kill the worker there.
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plan_tracker.settings")

import django  # noqa: E402

django.setup()

from django.core.management import execute_from_command_line  # noqa: E402

from exchange.imports import engine  # noqa: E402

gate = Path(sys.argv[1])
engine.CHUNK = 2
handle = engine.Importer._handle


def _handle(self, chunk, commit):
    handle(self, chunk, commit)
    if not getattr(self, "gate_passed", False):
        self.gate_passed = True
        gate.with_suffix(".reached").touch()
        while not gate.with_suffix(".go").exists():
            time.sleep(0.02)


engine.Importer._handle = _handle
execute_from_command_line(["manage.py", "db_worker", *sys.argv[2:]])
