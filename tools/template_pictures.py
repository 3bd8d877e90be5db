"""Pictures of the shipped key templates for the docs: one SVG per template and phone type.

    python tools/template_pictures.py            write docs/images/templates/<template>-<phone type>.svg
    python tools/template_pictures.py --check    exit 1 when a picture is missing, differs or is stale

The templates are the role's ``phone_buttons_builtin_templates`` (roles/phone_buttons/vars/main.yml),
drawn by the plan report's ``key_svg`` (plugins/plugin_utils/plan_report_html.py with its template
plan_report_keys.svg.j2, from the collection in place). Each phone type's programmable keys
and the key types whose label it ignores come from the simulator's seed (simulator/apio_sim/seed.yaml),
read by the simulator's own loader, which fills in the defaults of docs/api.md, D3 (24 keys when a phone
type names none).
"""

import argparse
import importlib
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "roles" / "phone_buttons" / "vars" / "main.yml"
SEED = ROOT / "simulator" / "apio_sim" / "seed.yaml"
OUT = ROOT / "docs" / "images" / "templates"


def load_renderer():
    """The plan report's renderer, imported from the collection in place (.build/collections)."""
    collections = ROOT / ".build" / "collections"  # the link make setup makes (tools.inprocess.collection_in_place)
    if str(collections) not in sys.path:
        sys.path.append(str(collections))
    return importlib.import_module("ansible_collections.telephony.apio.plugins.plugin_utils.plan_report_html")


class _Loader(yaml.SafeLoader):
    """YAML as Ansible reads vars files, keeping ``!unsafe`` values (the Jinja) as the plain text."""


_Loader.add_constructor("!unsafe", lambda loader, node: loader.construct_scalar(node))


def builtin_templates():
    """template name -> phone type -> keys, as roles/phone_buttons/vars/main.yml ships them."""
    data = yaml.load(TEMPLATES.read_text(encoding="utf-8"), Loader=_Loader)
    return data["phone_buttons_builtin_templates"]


def seed_phone_types():
    """phone type -> (managed key ids, key types whose label it ignores), from the simulator's seed."""
    try:
        from apio_sim.seed import load_seed
    except ImportError:  # the simulator is not installed: from the work tree
        sys.path.insert(0, str(ROOT / "simulator"))
        from apio_sim.seed import load_seed
    state = load_seed(SEED)
    return dict((name, (sorted(phone.managed_keys),
                        sorted(kind for kind, rules in phone.key_types.items() if rules.label_ignored)))
                for name, phone in state.phone_types.items())


def picture_name(template, phone_type):
    return "%s-%s.svg" % (template, phone_type)


def pictures():
    """{file name: SVG text} for every template and phone type, in a fixed order."""
    key_svg = load_renderer().key_svg
    phone_types = seed_phone_types()
    out = {}
    for template, layouts in sorted(builtin_templates().items()):
        for phone_type, keys in sorted(layouts.items()):
            if phone_type not in phone_types:
                raise SystemExit("%s: template %s names phone type %s, which the simulator's seed (%s) lacks"
                                 % (TEMPLATES.relative_to(ROOT), template, phone_type, SEED.relative_to(ROOT)))
            managed, label_ignored = phone_types[phone_type]
            out[picture_name(template, phone_type)] = key_svg(
                managed, keys, label_ignored=label_ignored, title="%s on %s" % (template, phone_type)) + "\n"
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a picture is not current")
    parser.add_argument("--dir", type=Path, default=OUT, help="where the pictures are (default: %(default)s)")
    args = parser.parse_args(argv)
    wanted = pictures()
    present = dict((path.name, path) for path in sorted(args.dir.glob("*.svg"))) if args.dir.is_dir() else {}
    missing = [name for name in wanted if name not in present]
    differ = [name for name in wanted if name in present and present[name].read_text(encoding="utf-8") != wanted[name]]
    stale = [name for name in present if name not in wanted]
    if args.check:
        for what, names in (("missing", missing), ("not current", differ), ("stale (no such template)", stale)):
            for name in names:
                print("%s: %s" % (args.dir / name, what))
        if missing or differ or stale:
            print("run: python tools/template_pictures.py")
            return 1
        print("ok: %d template pictures in %s are current" % (len(wanted), args.dir))
        return 0
    args.dir.mkdir(parents=True, exist_ok=True)
    for name in missing + differ:
        (args.dir / name).write_text(wanted[name], encoding="utf-8")
        print("wrote %s" % (args.dir / name))
    for name in stale:
        present[name].unlink()
        print("removed %s" % present[name])
    return 0


if __name__ == "__main__":
    sys.exit(main())
