"""The pictures of the shipped templates (tools/template_pictures.py) are current and right."""

import re
import subprocess
import sys
import xml.etree.ElementTree as ET

from tools import template_pictures

SVG = "{http://www.w3.org/2000/svg}"
TOOL = template_pictures.ROOT / "tools" / "template_pictures.py"


def test_the_committed_pictures_are_current():
    done = subprocess.run([sys.executable, str(TOOL), "--check"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_each_picture_is_svg_that_names_every_key_of_its_template():
    templates = template_pictures.builtin_templates()
    phone_types = template_pictures.seed_phone_types()
    names = []
    for template, layouts in templates.items():
        for phone_type, keys in layouts.items():
            name = template_pictures.picture_name(template, phone_type)
            names.append(name)
            root = ET.parse(template_pictures.OUT / name).getroot()
            assert root.tag == SVG + "svg"
            assert root.find(SVG + "title").text.startswith("%s on %s:" % (template, phone_type))
            shown = ["".join(text.itertext()) for text in root.iter(SVG + "text")]
            for key in keys:
                assert str(key["id"]) in shown, "%s: key %s" % (name, key["id"])
                assert key["type"] in shown, "%s: key %s" % (name, key["id"])
            # One cell per programmable key of the phone type, as the simulator's seed has it.
            cells = [t.text for t in root.iter(SVG + "title") if t.text.startswith("Key ")]
            assert len(cells) == len(phone_types[phone_type][0])
    assert sorted(names) == sorted(path.name for path in template_pictures.OUT.glob("*.svg"))


def test_the_readme_and_the_docs_page_show_every_picture():
    readme = (template_pictures.ROOT / "roles" / "phone_buttons" / "README.md").read_text(encoding="utf-8")
    page = (template_pictures.ROOT / "docs" / "templates.md").read_text(encoding="utf-8")
    wanted = sorted(template_pictures.pictures())
    assert sorted(re.findall(r"\]\(\.\./\.\./docs/images/templates/([^)]+)\)", readme)) == wanted
    assert sorted(re.findall(r"\]\(images/templates/([^)]+)\)", page)) == wanted


def test_check_finds_a_missing_a_changed_and_a_stale_picture(tmp_path, capsys):
    assert template_pictures.main(["--dir", str(tmp_path)]) == 0
    assert template_pictures.main(["--dir", str(tmp_path), "--check"]) == 0
    first, second = sorted(tmp_path.glob("*.svg"))[:2]
    first.unlink()
    second.write_text(second.read_text() + "<!-- edited -->\n")
    (tmp_path / "gone-Phone.svg").write_text("<svg/>")
    capsys.readouterr()
    assert template_pictures.main(["--dir", str(tmp_path), "--check"]) == 1
    out = capsys.readouterr().out
    assert "%s: missing" % first in out and "%s: not current" % second in out and "gone-Phone.svg: stale" in out
    assert template_pictures.main(["--dir", str(tmp_path)]) == 0
    assert template_pictures.main(["--dir", str(tmp_path), "--check"]) == 0
    assert not (tmp_path / "gone-Phone.svg").exists()
