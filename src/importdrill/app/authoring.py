"""Writing new problem files that already validate, for authors to fill in."""

from __future__ import annotations

from pathlib import Path

from importdrill.core.errors import UsageError
from importdrill.core.problems import SLUG_RE, validate

PREDICT_TEMPLATE = """\
# yaml-language-server: $schema=https://importdrill.invalid/problem.schema.json
# A predict problem: the learner reads `code` and types what it prints.
# Fields: see `importdrill schema`, or problems/README.md in the importdrill repository.
slug: {slug}
title: TODO a one-line title
difficulty: easy
kind: predict
tags: [sys.modules]
prompt: |
  What does this program print?
code: |
  import sys
  import json
  print("json" in sys.modules)
expected_output: |
  True
hints:
  - TODO a first hint that points the way without giving the answer.
  - TODO a second hint, a little closer.
explanation: |
  TODO why it prints what it prints, with a link to the language reference or a PEP.
"""

IMPLEMENT_TEMPLATE = """\
# yaml-language-server: $schema=https://importdrill.invalid/problem.schema.json
# An implement problem: the learner edits `code` (the starter) until it prints expected_output.
# Fields: see `importdrill schema`, or problems/README.md in the importdrill repository.
slug: {slug}
title: TODO a one-line title
difficulty: medium
kind: implement
tags: [importlib]
prompt: |
  Complete `load(name)` so that it imports the module called `name` and returns it.
code: |
  import importlib


  def load(name):
      raise NotImplementedError("your code here")


  if __name__ == "__main__":
      print(load("json").__name__)
solution: |
  import importlib


  def load(name):
      return importlib.import_module(name)


  if __name__ == "__main__":
      print(load("json").__name__)
expected_output: |
  json
# A run whose output a file that only prints can't know: verify insists on one.
runs:
  - name: python main.py
  - name: with a module name only the driver knows
    driver: |
      from main import load

      print(load("email.mime").__name__)
decoys:
  - code: |
      def load(name):
          return __import__(name)


      if __name__ == "__main__":
          print(load("json").__name__)
    misconception: __import__ returns the module it was asked for (it returns the top-level package)
hints:
  - TODO a first hint that points the way without giving the answer.
  - TODO a second hint, a little closer.
explanation: |
  TODO why the solution works, with a link to the language reference or a PEP.
"""


ORDER_TEMPLATE = """\
# yaml-language-server: $schema=https://importdrill.invalid/problem.schema.json
# An order problem: the learner writes the problem's modules in the order their bodies start
# (order_of: start) or finish (order_of: finish), one a line; -X importtime records it.
# Fields: see `importdrill schema`, or problems/README.md in the importdrill repository.
slug: {slug}
title: TODO a one-line title
difficulty: easy
kind: order
order_of: start
tags: [packages]
prompt: |
  In what order do the problem's modules start running their body?
code: |
  import app
files:
  app.py: |
    import helpers
  helpers.py: |
    VALUE = 1
expected_output: |
  app
  helpers
hints:
  - TODO a first hint that points the way without giving the answer.
  - TODO a second hint, a little closer.
explanation: |
  TODO why the bodies run in that order, with a link to the language reference or a PEP.
"""

WHICH_FILE_TEMPLATE = """\
# yaml-language-server: $schema=https://importdrill.invalid/problem.schema.json
# A which-file problem: after the program has run, importlib.util.find_spec is asked for each
# of `names`; the learner writes, one a line, the file it finds (a path from the run folder,
# <stdlib>/..., built-in, frozen, namespace or not found).
# Fields: see `importdrill schema`, or problems/README.md in the importdrill repository.
slug: {slug}
title: TODO a one-line title
difficulty: easy
kind: which-file
names: [helpers, sys]
tags: [sys.path]
prompt: |
  Which file does each name resolve to once the program has run?
code: |
  print("hello")
files:
  helpers.py: |
    VALUE = 1
expected_output: |
  helpers.py
  built-in
hints:
  - TODO a first hint that points the way without giving the answer.
  - TODO a second hint, a little closer.
explanation: |
  TODO why each name resolves there, with a link to the language reference or a PEP.
"""

TEMPLATES = {
    "predict": PREDICT_TEMPLATE,
    "implement": IMPLEMENT_TEMPLATE,
    "order": ORDER_TEMPLATE,
    "which-file": WHICH_FILE_TEMPLATE,
}


def write_new(slug: str, kind: str, directory: Path) -> Path:
    """Write <directory>/<slug>.yaml from the template for kind; never overwrite a file."""
    from importdrill.core.kinds import KINDS

    if kind not in KINDS:
        raise UsageError(f"--kind {kind!r}: choose one of {', '.join(KINDS)}")
    if not SLUG_RE.match(slug):
        raise UsageError(f"slug {slug!r}: use lowercase letters and digits, words joined by '-'")
    template = TEMPLATES.get(kind, PREDICT_TEMPLATE)
    text = template.format(slug=slug)
    target = directory / f"{slug}.yaml"
    import yaml

    # The template must itself be a valid problem: check before writing anything.
    validate(yaml.safe_load(text), target)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with target.open("x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        raise UsageError(f"{target} already exists; choose another slug or --dir") from None
    except OSError as exc:
        raise UsageError(
            f"--dir {directory}: cannot write {target.name} there ({exc.strerror})"
        ) from None
    return target
