"""
Every write that sends no model signal is accounted for: the public page cache (core/pagecache.py)
learns of a change through post_save, post_delete and m2m_changed, and these writes send none:
`QuerySet.update()`, `bulk_create()`, `bulk_update()`, `raw()`, and SQL through a cursor.

Each one in the apps' code must be listed below with why the cache still learns of it (the rows are
saved with save() in the same transaction, or the code calls `core.pagecache.site_changed()`). A new
one fails this test until someone has looked at it: add `site_changed()` after it, or save the rows.
"""

import ast
from pathlib import Path

from django.apps import apps
from django.conf import settings

# (file, function, call) -> why the page cache learns of the change.
REVIEWED = {
    ("core/collation.py", "register_sqlite_collations", "execute"): (
        "a SELECT of pg_catalog.pg_collation when a connection opens (which ICU collations the server has): it "
        "writes nothing"
    ),
    ("core/locking.py", "claim_version", "update"): (
        "the conditional UPDATE of the version is the lock; save_versioned() saves the instance right after, "
        "in the same transaction (post_save)"
    ),
    ("meetings/services.py", "_renumber", "update"): (
        "moves the items out of the way; each is then saved with save(update_fields=['position']) (post_save)"
    ),
    ("meetings/models.py", "save", "update"): (
        "Reschedule.save counts the meeting's calendar SEQUENCE up right after saving the reschedule itself "
        "(post_save), in the same transaction"
    ),
    ("core/pagecache.py", "bump_generation", "update"): (
        "is the page cache's change of generation itself: a signal would call site_changed() again"
    ),
    ("core/pagecache.py", "bump_generation", "bulk_create"): (
        "writes the generation's row when a flushed database lacks it; the change of generation itself"
    ),
    ("portal/mine.py", "visit_home", "bulk_create"): (
        "a Board member's first visit to their home (portal.models.HomeVisit): bookkeeping no cached page shows"
    ),
    ("portal/mine.py", "visit_home", "update"): (
        "moves a Board member's last visit (HomeVisit), once per visit: bookkeeping no cached page shows"
    ),
    ("portal/mine.py", "meeting_opened", "bulk_create"): (
        "a Board member opened a meeting's page (portal.models.MeetingVisit): bookkeeping no cached page shows"
    ),
    ("portal/mine.py", "meeting_opened", "update"): (
        "a Board member opened a meeting's page again (MeetingVisit), once per visit: no cached page shows it"
    ),
    # issue 20: mail
    ("core/notifications.py", "notify", "bulk_create"): (
        "the items held for a user's weekly digest: no page shows them, so the page cache has nothing to learn"
    ),
    ("core/notifications.py", "send_digests", "update"): (
        "marks a user's digest items sent: no page shows them, so the page cache has nothing to learn"
    ),
    ("core/backup.py", "_applied_schema", "execute"): "reads (SELECT)",
    ("core/backup.py", "_table_names", "execute"): "reads (SELECT)",
    ("core/backup.py", "_row_counts", "execute"): "reads (SELECT COUNT(*))",
    ("core/backup.py", "_dump_postgresql", "execute"): "reads: a read-only snapshot for pg_dump",
    ("decisions/models.py", "newest_first_ids", "execute"): "reads (SELECT): the ids of one page of the register",
    ("decisions/exports.py", "rows", "execute"): "reads (SELECT): an export's links of one chunk of decisions",
}

WRITE_CALLS = {"bulk_create", "bulk_update", "raw", "execute", "executemany", "_raw_delete"}


def _first_party_modules():
    root = Path(settings.BASE_DIR)
    for config in apps.get_app_configs():
        folder = Path(config.path)
        # The project's own apps only: not the installed packages of a virtualenv inside the checkout.
        if root not in folder.parents or "site-packages" in folder.parts:
            continue
        for path in sorted(folder.rglob("*.py")):
            if "migrations" not in path.parts:
                yield path.relative_to(root).as_posix(), ast.parse(path.read_text(), filename=str(path))


def _writes_without_signals(tree):
    """(function, call name) of each call that writes rows without sending a model signal."""
    found = []

    def visit(node, function):
        for child in ast.iter_child_nodes(node):
            name = child.name if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else function
            if isinstance(child, ast.Call) and isinstance(child.func, ast.Attribute):
                attr = child.func.attr
                # QuerySet.update() takes field=value keywords only; dict, set and hash updates take an argument.
                if attr in WRITE_CALLS or (attr == "update" and child.keywords and not child.args):
                    found.append((function, attr))
            visit(child, name)

    visit(tree, "<module>")
    return found


def test_every_write_without_a_signal_is_accounted_for():
    found = {
        (module, function, call)
        for module, tree in _first_party_modules()
        for function, call in _writes_without_signals(tree)
    }
    unreviewed = sorted(found - set(REVIEWED))
    assert unreviewed == [], (
        "These calls write without a model signal, so the public page cache would not learn of them: call "
        "core.pagecache.site_changed() after each (or save the rows), then list it in REVIEWED with why."
    )
    # A listed call that is gone is taken off the list, so that the list stays true.
    assert sorted(set(REVIEWED) - found) == []


def test_the_scan_finds_a_queryset_update_and_ignores_a_dict_update():
    tree = ast.parse(
        "def f():\n"
        "    Meeting.objects.filter(pk=1).update(title='x')\n"
        "    values.update(other)\n"
        "    digest.update(chunk)\n"
        "    Decision.objects.bulk_create(rows)\n"
    )
    assert _writes_without_signals(tree) == [("f", "update"), ("f", "bulk_create")]
