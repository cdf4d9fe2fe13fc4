"""The documentation names files that exist: every repository path cited in README.md and docs/*.md (a `path.py`,
a folder ending in `/`) is checked against the tree, so a moved module cannot leave the map pointing nowhere."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = (
    "arledger",
    "graphql_api",
    "services",
    "adapters",
    "policies",
    "replay",
    "projections",
    "ledger",
    "tests",
    "bench",
    "docs",
)
# `pkg/module.py`, `pkg/sub/module.py`, `pkg/folder/`, also with a `:function` or `::test` suffix
CITED = re.compile(r"(?<![\w/.-])((?:%s)/[\w./-]*[\w/])" % "|".join(PACKAGES))


def cited_paths(text: str) -> set[str]:
    paths = set()
    for match in CITED.finditer(text):
        path = match.group(1).split("::")[0].rstrip(".")
        if "*" in path or "<" in path:
            continue
        paths.add(path)
    return paths


def test_every_path_the_documentation_cites_exists():
    missing = []
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for path in sorted(cited_paths(page.read_text(encoding="utf-8"))):
            if not (ROOT / path).exists():
                missing.append(f"{page.relative_to(ROOT)}: {path}")
    assert not missing, "paths cited but not in the tree:\n" + "\n".join(missing)
