"""
The layers: core ← members ← meetings ← decisions ← portal ← opendata (the site; settings and root URLs in
iisg_portal). opendata, the open-data API (issue 21), is a site-layer package that nothing imports.

A lower layer names nothing of a higher one: not its modules (imports), not its model labels,
permissions or field and relation names in lookups, not its URL namespaces, not its template
folders. Where a lower record needs something of a higher app, the higher app registers it
(core.visibility), or the site layer composes both (portal/).

The project's own templates (base.html, 404.html, 500.html) are the site's layout, which the pages
of every layer extend; they are not checked here.
"""

import ast
import re
from pathlib import Path

import pytest
from django.apps import apps

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ["core", "members", "meetings", "decisions", "portal", "opendata"]
SITE = "iisg_portal"
# Templates of core that live in folders named after the library they dress (django-two-factor-auth, axes).
CORE_TEMPLATE_FOLDERS = ["core", "two_factor", "registration"]


def higher(layer: str) -> list[str]:
    return [*LAYERS[LAYERS.index(layer) + 1 :], SITE]


def python_files(layer: str) -> list[Path]:
    return sorted((ROOT / layer).rglob("*.py"))


def template_files(layer: str) -> list[Path]:
    folders = CORE_TEMPLATE_FOLDERS if layer == "core" else [layer]
    return sorted(path for folder in folders for path in (ROOT / "templates" / folder).rglob("*") if path.is_file())


def imported_modules(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def names_used(tree: ast.AST) -> set[str]:
    """String constants, keyword argument names (filter(x__y=…)) and attribute names (obj.relation) of a module."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            names.add(node.value)
        elif isinstance(node, ast.keyword) and node.arg:
            names.add(node.arg)
        elif isinstance(node, ast.Attribute):
            names.add(node.attr)
    return names


def higher_relation_names(layer: str) -> set[str]:
    """
    The names by which the models of higher apps reach this layer's models: the reverse relations
    they put on them (`participations`, `presented`, `decisions`, …), as a lookup or a manager uses them.
    """
    if layer in ("core", "portal", "opendata"):
        return set()
    names = set()
    for model in apps.get_app_config(layer).get_models():
        for field in model._meta.get_fields():
            related = field.related_model
            if field.auto_created and related is not None and related._meta.app_label in higher(layer):
                names.update({field.name, field.get_accessor_name()})
    return names


def code_offences(layer: str, source: str) -> list[str]:
    tree = ast.parse(source)
    above = higher(layer)
    offences = [f"imports {module}" for module in sorted(imported_modules(tree)) if module.split(".")[0] in above]
    relations = higher_relation_names(layer)
    for name in sorted(names_used(tree)):
        for app in above:
            # A URL name (decisions:…, decisions-edit:…), a template ("decisions/…"),
            # a model label or a permission ("decisions.…").
            if re.match(rf"^{app}(-edit)?:[\w-]", name) or name.startswith((f"{app}/", f"{app}.")):
                offences.append(f"names {app}: {name!r}")
        if name in relations or any(part in relations for part in name.split("__")[:-1]):
            offences.append(f"looks up a relation of a higher app: {name!r}")
    return offences


def template_offences(layer: str, path: Path) -> list[str]:
    text = path.read_text()
    offences = []
    for app in higher(layer):
        offences += [f"names {app}: {m}" for m in re.findall(rf"""['"]{app}(?:-edit)?:[\w-]+""", text)]
        offences += [f"uses a template of {app}: {m}" for m in re.findall(rf"""['"]{app}/[\w/.-]+""", text)]
    for name in higher_relation_names(layer):
        offences += [f"reads a relation of a higher app: {m}" for m in re.findall(rf"\.{name}\b", text)]
    return offences


@pytest.mark.parametrize("layer", LAYERS)
def test_a_layer_names_nothing_of_the_layers_above(layer):
    offenders = {
        str(path.relative_to(ROOT)): offences
        for path in python_files(layer)
        if (offences := code_offences(layer, path.read_text()))
    }
    assert offenders == {}


@pytest.mark.parametrize("layer", LAYERS)
def test_a_layers_templates_name_nothing_of_the_layers_above(layer):
    offenders = {
        str(path.relative_to(ROOT)): offences
        for path in template_files(layer)
        if (offences := template_offences(layer, path))
    }
    assert offenders == {}


def test_the_guard_sees_the_relations_of_the_apps_above():
    """The relation names the checks look for are really there (the checks above are not vacuous)."""
    assert {"participations", "presented", "decisions"} <= higher_relation_names("members")
    assert {"decisions", "action_items"} <= higher_relation_names("meetings")
    offences = code_offences("members", OFFENDER)
    assert len(offences) == 5, offences


# Five ways for `members` to name the apps above it.
OFFENDER = """
from decisions.models import Decision
Organisation.objects.filter(participations__meeting__status="draft")
reverse("decisions:decision-list")
render(request, "meetings/meeting_list.html")
membership.decisions.all()
"""


def test_core_has_no_domain_models():
    """
    The toolkit holds no domain models: records belong to the domain apps. Its models are its own
    bookkeeping, which no record refers to: the page cache's generation, the sign-in's enrolment links and
    the invitation links with which an invited user sets a first password, each user's e-mail preferences
    and the items held for their weekly digest (core/notifications.py; a subject and a link, no record).
    """
    assert sorted(model.__name__ for model in apps.get_app_config("core").get_models()) == [
        "DigestItem",
        "EmailPreferences",
        "EnrolmentLink",
        "InvitationLink",
        # Issue 21: the version chain (core/chain.py): records named by label and key, no foreign key to them.
        "RecordVersion",
        "SiteGeneration",
    ]


def test_every_app_is_a_layer():
    """A new app of the portal takes its place in LAYERS (and so in these checks)."""
    ours = {config.name for config in apps.get_app_configs() if (ROOT / config.name).is_dir()}
    assert ours == set(LAYERS)


def test_written_procedures_are_a_package_of_the_decisions_layer():
    """
    decisions/procedures/ (services, views, forms, feeds, urls) is checked as the decisions layer, and a
    lower layer naming it — its modules, its URLs, its templates — is caught like any other of decisions.
    """
    package = {path.relative_to(ROOT).as_posix() for path in python_files("decisions")}
    assert {
        f"decisions/procedures/{name}.py" for name in ("__init__", "services", "views", "forms", "feeds", "urls")
    } <= package
    assert not (ROOT / "decisions" / "procedures.py").exists()
    assert any("decisions/procedures/" in path.as_posix() for path in template_files("decisions"))
    planted = """
from decisions.procedures.services import close_procedure
import decisions.procedures.views
reverse("decisions:procedure-detail", args=["wp-2026-01"])
render(request, "decisions/procedures/procedure_detail.html")
"""
    assert len(code_offences("meetings", planted)) == 4, code_offences("meetings", planted)
    assert code_offences("portal", planted) == []
