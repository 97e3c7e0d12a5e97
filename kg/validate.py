"""Check a graph against the RDF layout (docs/rdf-layout.md) with the SHACL shapes in ``ontology/shapes.ttl``.

``validate(graph)`` returns ``(conforms, problems)``: one readable line per violation, the offending node, the
shape's message saying what is required, and in brackets the property, what exactly failed and the value::

    kgid:post/ab12: Post needs exactly one kg:title, the title as written, … (kg:title: missing)
    kgid:mention/m1: Mention's kg:startOffset must be smaller than its kg:endOffset, …
        (kg:startOffset: not less than kg:endOffset, value 43)

The ontology (``ontology/kg.ttl``) is mixed into a copy of the data as pySHACL's ``ont_graph``, so that an
sh:class check sees the class hierarchy (kg:Official is a kg:Person, kg:Agency an org:Organization) and the
caller's graph is never touched. No inference is run: the shapes name every class they accept, the graphs we
write state their types explicitly, and RDFS inference over a large graph costs more than the whole check.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD

from kg.vocab import bind_prefixes

ONTOLOGY_FILE = "kg.ttl"
SHAPES_FILE = "shapes.ttl"

__all__ = ["ontology_dir", "shapes_graph", "ontology_graph", "validate", "format_term"]


def ontology_dir() -> Path:
    """The folder holding ``kg.ttl`` and ``shapes.ttl``: ``ontology/`` next to ``kg/`` in a source checkout,
    else ``<prefix>/share/kg/ontology`` where an installed package puts its data files."""
    checkout = Path(__file__).resolve().parent.parent / "ontology"
    if (checkout / SHAPES_FILE).is_file():
        return checkout
    installed = Path(sys.prefix) / "share" / "kg" / "ontology"
    if (installed / SHAPES_FILE).is_file():
        return installed
    raise FileNotFoundError(f"kg ontology files not found in {checkout} or {installed}")


@lru_cache(maxsize=2)
def _parse(name: str) -> Graph:
    return Graph().parse(ontology_dir() / name, format="turtle")


def shapes_graph() -> Graph:
    """The SHACL shapes, parsed once. Treat as read-only."""
    return _parse(SHAPES_FILE)


def ontology_graph() -> Graph:
    """The OWL ontology, parsed once. Treat as read-only."""
    return _parse(ONTOLOGY_FILE)


def validate(data: Graph) -> tuple[bool, list[str]]:
    """Validate ``data`` against the layout and return ``(conforms, problems)``.

    ``problems`` is sorted, one line per violation:
    ``<node>: <what is required> (<property>: <what failed>, value <value>)``, with IRIs compacted by the
    prefixes bound in ``data`` (and the project's usual prefixes for namespaces it leaves unbound).
    ``data`` is not changed."""
    from pyshacl import validate as shacl_validate

    shapes, batched = _prepared_shapes()
    conforms, report, _text = shacl_validate(
        data,
        shacl_graph=shapes,
        ont_graph=ontology_graph(),
        inference="none",
        abort_on_first=False,
        advanced=False,
    )
    prefixes = _prefixes(data)
    # Only the report's own results: results nested as sh:detail (inside sh:node, sh:or) repeat the same
    # problem in pySHACL's words.
    results = [r for rep in report.subjects(RDF.type, SH.ValidationReport) for r in report.objects(rep, SH.result)]
    lines = set()
    for r in results:
        focus, path = report.value(r, SH.focusNode), report.value(r, SH.resultPath)
        lines.add(
            _line(
                prefixes,
                focus=focus,
                message=_message(report, r),
                path=_path_text(report, path, prefixes),
                failure=_failure(data, shapes, report, r, focus, path, prefixes),
                value=report.value(r, SH.value),
                severity=report.value(r, SH.resultSeverity),
            )
        )
    for query in batched:
        for focus, value in query.run(data):
            conforms = False
            lines.add(_line(prefixes, focus=focus, message=query.message, value=value, severity=query.severity))
    return bool(conforms), sorted(lines)


# ----------------------------------------------------------------------------------------------------------
# SPARQL constraints, run once per graph
#
# pySHACL parses a SPARQL constraint's query again for every focus node (about 10 ms each), which makes a
# check over all assertions cost more than the rest of the validation together. A node shape that only has
# sh:targetClass targets and sh:sparql constraints is therefore deactivated in the copy of the shapes given to
# pySHACL, and each of its queries is run once over the whole data graph, keeping the rows whose $this is an
# instance of a target class. That gives the same results as long as the query does not read the ontology,
# which pySHACL would have mixed in.

_BATCHABLE = {
    RDF.type, SH.targetClass, SH.sparql, SH.severity, SH.message, SH.name, SH.description, RDFS.comment,
    RDFS.label,
}  # fmt: skip


@dataclass(frozen=True)
class _BatchedQuery:
    text: str
    message: str
    target_classes: tuple[URIRef, ...]
    severity: URIRef

    def run(self, data: Graph):
        """(focus node, value or None) for every violation in ``data``."""
        classes = set()
        for cls in self.target_classes:
            for g in (ontology_graph(), data):
                classes.update(g.transitive_subjects(RDFS.subClassOf, cls))
        for row in data.query(self.text):
            focus = row["this"]
            if any((focus, RDF.type, cls) in data for cls in classes):
                yield focus, row.get("value")


@lru_cache(maxsize=1)
def _prepared_shapes() -> tuple[Graph, tuple[_BatchedQuery, ...]]:
    shapes = shapes_graph()
    batched: list[_BatchedQuery] = []
    prepared = Graph()
    for triple in shapes:
        prepared.add(triple)
    for prefix, ns in shapes.namespaces():
        prepared.bind(prefix, ns)
    for shape in set(shapes.subjects(SH.sparql, None)):
        targets = tuple(o for o in shapes.objects(shape, SH.targetClass) if isinstance(o, URIRef))
        if not targets or not set(shapes.predicates(shape)) <= _BATCHABLE or _is_true(shapes, shape):
            continue
        constraints = [c for c in shapes.objects(shape, SH.sparql) if not _is_true(shapes, c)]
        if any(shapes.value(c, SH.select) is None for c in constraints):
            continue
        severity = shapes.value(shape, SH.severity) or SH.Violation
        for c in constraints:
            message = _pick(list(shapes.objects(c, SH.message)) or list(shapes.objects(shape, SH.message)))
            text = _sparql_prefixes(shapes, c) + str(shapes.value(c, SH.select))
            batched.append(_BatchedQuery(text, message or "violates a SPARQL constraint", targets, severity))
        prepared.add((shape, SH.deactivated, Literal(True)))
    return prepared, tuple(batched)


def _is_true(g: Graph, node) -> bool:
    return g.value(node, SH.deactivated) == Literal(True)


def _sparql_prefixes(shapes: Graph, constraint) -> str:
    lines = []
    for decl_owner in shapes.objects(constraint, SH.prefixes):
        for decl in shapes.objects(decl_owner, SH.declare):
            prefix, ns = shapes.value(decl, SH.prefix), shapes.value(decl, SH.namespace)
            if prefix is not None and ns is not None:
                lines.append(f"PREFIX {prefix}: <{ns}>\n")
    return "".join(lines)


# ----------------------------------------------------------------------------------------------------------
# Turning a validation result into one line


def _prefixes(data: Graph) -> list[tuple[str, str]]:
    """(prefix, namespace) pairs, longest namespace first so the most specific one wins."""
    pairs: dict[str, str] = {}
    for prefix, ns in data.namespaces():
        if prefix:
            pairs.setdefault(str(ns), prefix)
    defaults = Graph(bind_namespaces="none")
    bind_prefixes(defaults)
    taken = set(pairs.values())
    for prefix, ns in defaults.namespaces():
        if str(ns) not in pairs and prefix not in taken:
            pairs[str(ns)] = prefix
    return sorted(((p, ns) for ns, p in pairs.items()), key=lambda pn: -len(pn[1]))


def format_term(term, prefixes: list[tuple[str, str]]) -> str:
    """A term as a reader wants to see it.

    E.g. ``kgid:post/ab12``, ``"常务副市长"@zh``, ``12``, ``"--05-01"^^xsd:gMonthDay``."""
    if isinstance(term, URIRef):
        iri = str(term)
        for prefix, ns in prefixes:
            if iri.startswith(ns) and len(iri) > len(ns):
                return f"{prefix}:{iri[len(ns) :]}"
        return f"<{iri}>"
    if isinstance(term, Literal):
        text = str(term).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        if len(text) > 60:
            text = text[:57] + "…"
        if term.language:
            return f'"{text}"@{term.language}'
        if term.datatype is None or term.datatype == XSD.string:
            return f'"{text}"'
        if term.datatype == XSD.integer and not term.ill_typed:
            return text
        return f'"{text}"^^{format_term(term.datatype, prefixes)}'
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def _pick(messages) -> str | None:
    """The English message if there is one, else an untagged one, else any."""
    for wanted in ("en", None):
        for m in messages:
            if isinstance(m, Literal) and m.language == wanted:
                return str(m)
    return str(messages[0]) if messages else None


def _message(report: Graph, result) -> str:
    message = _pick(list(report.objects(result, SH.resultMessage)))
    if message is not None:
        return message
    component = report.value(result, SH.sourceConstraintComponent)
    return f"violates {component}" if component is not None else "violates a shape"


def _path_text(g: Graph, path, prefixes: list[tuple[str, str]]) -> str | None:
    """A SHACL property path in SPARQL syntax: ``kg:title``, ``kg:mentionOf/rdf:type``, ``^org:holds``."""
    if path is None:
        return None
    if isinstance(path, URIRef):
        return format_term(path, prefixes)
    if (path, RDF.first, None) in g:
        return "/".join(_path_text(g, p, prefixes) or "?" for p in g.items(path))
    for op, mark in ((SH.inversePath, "^"), (SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+")):
        inner = g.value(path, op)
        if inner is not None:
            text = _path_text(g, inner, prefixes)
            return f"^{text}" if mark == "^" else f"({text}){mark}"
    return "a property path"


def _failure(data: Graph, shapes: Graph, report: Graph, result, focus, path, prefixes) -> str | None:
    """What exactly failed, in a few words, when a shape's message states several requirements at once."""
    component = report.value(result, SH.sourceConstraintComponent)
    shape = report.value(result, SH.sourceShape)

    def param(name: str):
        value = shapes.value(shape, SH[name]) if shape is not None else None
        return format_term(value, prefixes) if value is not None else "?"

    def count() -> int | None:
        return len(set(data.objects(focus, path))) if isinstance(path, URIRef) else None

    def bound(name: str, relation: str) -> str:
        # pySHACL also reports a value that cannot be compared with the bound at all (a string against 1)
        value, limit = report.value(result, SH.value), shapes.value(shape, SH[name]) if shape is not None else None
        if isinstance(value, Literal) and isinstance(limit, Literal):
            try:
                value.toPython() < limit.toPython()  # noqa: B015 - only whether it can be compared
            except TypeError:
                return f"cannot be compared with {param(name)}"
        return f"{relation} {param(name)}"

    if component == SH.MinCountConstraintComponent:
        n = count()
        if n is None:  # a longer path: pySHACL counted it, we only know it fell short
            return "missing" if param("minCount") == "1" else "too few values"
        return "missing" if n == 0 else f"only {n}"
    if component == SH.MaxCountConstraintComponent:
        n = count()
        return f"{n} values" if n is not None else "too many values"
    simple = {
        SH.DatatypeConstraintComponent: lambda: "wrong datatype",
        SH.ClassConstraintComponent: lambda: f"not a {param('class')}",
        SH.InConstraintComponent: lambda: "not an allowed value",
        SH.PatternConstraintComponent: lambda: "not an allowed value",
        SH.NodeKindConstraintComponent: lambda: "wrong kind of node",
        SH.MinInclusiveConstraintComponent: lambda: bound("minInclusive", "less than"),
        SH.MaxInclusiveConstraintComponent: lambda: bound("maxInclusive", "more than"),
        SH.MinExclusiveConstraintComponent: lambda: bound("minExclusive", "not more than"),
        SH.MaxExclusiveConstraintComponent: lambda: bound("maxExclusive", "not less than"),
        SH.LessThanConstraintComponent: lambda: f"not less than {param('lessThan')}",
        SH.LessThanOrEqualsConstraintComponent: lambda: f"more than {param('lessThanOrEquals')}",
        SH.EqualsConstraintComponent: lambda: f"differs from {param('equals')}",
        SH.OrConstraintComponent: lambda: "none of the allowed forms",
        SH.NodeConstraintComponent: lambda: "does not match the expected shape",
    }
    return simple[component]() if component in simple and path is not None else None


def _line(
    prefixes,
    *,
    focus,
    message: str,
    path: str | None = None,
    failure: str | None = None,
    value=None,
    severity=None,
) -> str:
    line = f"{format_term(focus, prefixes)}: {message}"
    details = []
    if path is not None:
        details.append(f"{path}: {failure}" if failure else path)
    if value is not None and value != focus:
        details.append(f"value {format_term(value, prefixes)}")
    if severity is not None and severity != SH.Violation:
        details.append(format_term(severity, [("sh", str(SH))]))
    if details:
        line += f" ({', '.join(details)})"
    return line
