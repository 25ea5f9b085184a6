"""
`migrate` in production runs with the page cache on (REDIS_URL set): the data migrations' writes must not
touch the site's generation before its table exists, and the migrated database starts with one
(core/pagecache.py: `migrate` changes the generation once it has finished). Redis itself is not needed.
"""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_migrate_from_an_empty_database_with_the_page_cache_on(tmp_path):
    database = tmp_path / "fresh.sqlite3"
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("REDIS_", "CACHE_", "PAGE_CACHE_", "DATABASE_", "DJANGO_SETTINGS"))
    }
    # A Redis nobody listens on: migrate needs none.
    env.update(DEBUG="1", DATABASE_URL=f"sqlite:///{database}", REDIS_URL="redis://127.0.0.1:1/0")
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT id, length(token) FROM core_sitegeneration").fetchall()
    assert rows == [(1, 16)]
