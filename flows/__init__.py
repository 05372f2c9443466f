"""Edges of newsmon: Prefect flows, HTTP, SMTP, settings and the CLI."""

import os
from pathlib import Path

# Quiet, fast Prefect defaults (measured with prefect 3.9.1); any value set by the user wins.
# They must be in place before prefect is imported, hence here.
for _key, _value in {
    "PREFECT_HOME": str(Path.home() / ".newsmon" / "prefect"),
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_LOGGING_LEVEL": "WARNING",
}.items():
    os.environ.setdefault(_key, _value)

# Prefect creates its home (the default above or the user's) without parents: on a machine that never ran
# newsmon, ~/.newsmon is missing and the temporary server dies on "unable to open database file" until its
# start-up times out.
try:
    Path(os.environ["PREFECT_HOME"]).expanduser().mkdir(parents=True, exist_ok=True)
except OSError:
    pass  # Prefect reports an unusable home itself, naming the path
