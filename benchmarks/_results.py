"""Write one benchmark's section of a shared Markdown results file."""

from __future__ import annotations

from pathlib import Path


def write_section(path: Path, title: str, body: str, *, heading: str) -> None:
    """Replace the ``## title`` section of ``path`` (or append it), keeping the others.

    Args:
        path: the results file; created with ``# heading`` when missing.
        title: the section title, without the ``## `` prefix.
        body: the section's Markdown.
        heading: the file's top heading, used when the file is created.
    """
    text = path.read_text() if path.exists() else f"# {heading}\n"
    head, *sections = text.split("\n## ")
    kept = [s for s in sections if s.split("\n", 1)[0].strip() != title]
    kept.append(f"{title}\n\n{body.strip()}\n")
    kept.sort(key=lambda s: s.split("\n", 1)[0])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(head.rstrip("\n") + "\n" + "".join(f"\n## {s.rstrip()}\n" for s in kept))
