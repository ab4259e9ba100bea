"""The README's Python example runs as written and prints what it says it prints."""

from __future__ import annotations

import contextlib
import io
import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_readme_python_example(tmp_path):
    text = (ROOT / "README.md").read_text()
    code = re.search(r"From Python.*?```python\n(.*?)```", text, re.S).group(1)
    expected = [ln.split("# ", 1)[1] for ln in code.splitlines() if ln.startswith("# ")]
    out = io.StringIO()
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(code, "README.md", "exec"), {})
    finally:
        os.chdir(cwd)
    printed = out.getvalue().splitlines()
    assert printed[0] == "mandibular right second primary molar"
    assert printed[1:] == expected, printed
    assert (tmp_path / "crown-pulp-85.stl").stat().st_size > 10_000
