"""`papers-warehouse ui`: `dg dev` on the data dir's own instance, the docs site beside it."""

import os
import subprocess
import sys
import threading

from dagster_project.commands.instance import ensure_dagster_home
from dagster_project.serve.docs_site import DOCS_PORT_ENV, serve
from dagster_project.settings import PROJECT_ROOT, use_data_dir


def run_ui(data_dir: str | None, port: int, docs_port: int) -> int:
    paths = use_data_dir(data_dir)
    home = ensure_dagster_home(paths)
    os.environ[DOCS_PORT_ENV] = str(docs_port)  # the UI's links point to the site
    threading.Thread(target=serve, args=(paths, docs_port), daemon=True).start()
    print(f"Dagster UI of {paths.root} (instance {home}) on http://127.0.0.1:{port}/",
          flush=True)
    dg = os.path.join(os.path.dirname(sys.executable), "dg")
    try:
        # dg finds the project by its pyproject.toml: run it from the project root.
        return subprocess.call([dg, "dev", "-h", "127.0.0.1", "-p", str(port)],
                               cwd=PROJECT_ROOT)
    except KeyboardInterrupt:  # dg dev got the same Ctrl-C and stops its own processes
        return 130
