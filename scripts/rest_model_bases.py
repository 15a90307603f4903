"""Factor the fields that generated models repeat into base classes.

The specs describe sibling objects (a meeting as listed, as listed by an admin, as a
series...) that restate long blocks of identical fields. ``plan_bases`` decides, per
models module, which class inherits from which so that every field is written once:

* when every field of a class ``A`` (at least ``min_superset`` of them) also appears,
  identical, in class ``B``, then ``B`` inherits from ``A``;
* classes left without a base that share at least ``min_shared`` identical fields get
  a private base class holding those fields (repeated until no pair shares enough).

A field is identical when its name, annotation, default, alias and docstring are: a
class inherits nothing it would have documented differently.
"""

from __future__ import annotations

from dataclasses import dataclass, field

Entry = tuple[str, tuple[str, ...]]  # (field name, source lines of the field)


@dataclass
class Plan:
    """The bases chosen for one module."""

    base: dict[str, str] = field(default_factory=dict)  # class -> its base class
    private: dict[str, list[Entry]] = field(default_factory=dict)  # new base -> fields
    members: dict[str, list[str]] = field(default_factory=dict)  # new base -> its users

    def own(self, cls: str, fields: dict[str, list[Entry]]) -> list[Entry]:
        """The fields ``cls`` declares itself (those its base lacks), in order."""
        parent = self.base.get(cls)
        if parent is None:
            return fields[cls]
        inherited = set(fields[parent])
        return [e for e in fields[cls] if e not in inherited]


def _private_name(members: list[str], taken: set[str]) -> str:
    public = sorted((m for m in members if not m.startswith("_")), key=lambda m: (len(m), m))
    stem = (public or sorted(members))[0].lstrip("_").removesuffix("Fields")
    name, n = f"_{stem}Fields", 1
    while name in taken:
        n += 1
        name = f"_{stem}Fields{n}"
    return name


def plan_bases(
    fields: dict[str, list[Entry]], *, min_superset: int = 3, min_shared: int = 8
) -> Plan:
    """Choose base classes for the classes of one module.

    Args:
        fields: every class of the module and its fields, in declaration order. New
            private bases are added to it.
        min_superset: fewest fields a public class must have to become a base.
        min_shared: fewest shared fields worth a private base.

    Returns:
        The plan: each class's base, and the private bases to write.
    """
    plan = Plan()
    sets = {cls: set(entries) for cls, entries in fields.items()}
    for cls in sorted(fields):
        best: str | None = None
        for other in sorted(fields):
            if other == cls or len(sets[other]) < min_superset:
                continue
            # equal field sets: the first name alphabetically is the base (no cycles)
            contained = sets[other] < sets[cls] or (sets[other] == sets[cls] and other < cls)
            if contained and (best is None or len(sets[other]) > len(sets[best])):
                best = other
        if best is not None:
            plan.base[cls] = best
    pool = [cls for cls in sorted(fields) if cls not in plan.base]
    while True:
        pair: tuple[str, list[Entry]] | None = None
        for i, first in enumerate(pool):
            for second in pool[i + 1 :]:
                common = [e for e in fields[first] if e in sets[second]]
                if len(common) >= min_shared and (pair is None or len(common) > len(pair[1])):
                    pair = (first, common)
        if pair is None:
            return plan
        common_set = set(pair[1])
        members = [cls for cls in pool if common_set <= sets[cls]]
        exact = [cls for cls in members if sets[cls] == common_set]
        if exact:  # one of them already is the shared block
            parent = exact[0]
            members.remove(parent)
        else:
            parent = _private_name(members, set(fields))
            fields[parent] = pair[1]
            sets[parent] = common_set
            plan.private[parent] = pair[1]
            plan.members[parent] = members
            pool.append(parent)
        for cls in members:
            plan.base[cls] = parent
            pool.remove(cls)


def class_order(classes: list[str], plan: Plan) -> list[str]:
    """``classes`` sorted, each base written before the classes that use it."""
    out: list[str] = []
    done: set[str] = set()

    def emit(cls: str) -> None:
        if cls in done:
            return
        parent = plan.base.get(cls)
        if parent is not None:
            emit(parent)
        done.add(cls)
        out.append(cls)

    for cls in sorted(classes):
        emit(cls)
    return out
