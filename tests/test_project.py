"""Project-wide promises: deterministic committed outputs, no seed names in kg/, every term declared."""

import os
import re
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF

ROOT = Path(__file__).resolve().parent.parent


def test_committed_seed_graph_is_what_a_fresh_build_writes(seed_build):
    """README command 1 rebuilds graphs/seeds.* byte for byte (deterministic output)."""
    out = seed_build[3]
    for suffix in (".ttl", ".html"):
        fresh = (out / f"seeds{suffix}").read_bytes()
        committed = (ROOT / "graphs" / f"seeds{suffix}").read_bytes()
        assert fresh == committed, f"graphs/seeds{suffix} is stale: run 'kg build seeds/'"


def test_no_seed_name_inside_kg(seed_resolved):
    """Lexicons, rules and code hold generic knowledge only: no person, body or programme of the seeds."""
    from kg.extract.lexicon import lexicon

    lex = lexicon()
    generic = "|".join(re.escape(w) for w in [*lex.departments, *lex.bodies, *lex.org_suffix])
    names = set()
    for e in seed_resolved.entities:
        if e.type in ("Place",):
            continue
        for name in [e.name, *e.aliases]:
            # 市工信局, 县委统战部, 市政协: a level and a standard body are lexicon knowledge, not a name
            if len(name) >= 3 and not re.fullmatch(rf"[省市县区]?委?(?:{generic})(?:党组|党委)?", name):
                names.add(name)
    offenders = []
    for dirpath, _dirs, files in os.walk(ROOT / "kg"):
        for f in files:
            # complete public reference lists, not picked from the seeds: every division of China, every
            # central ministry and commission (their completeness is tested below)
            if f.endswith((".py", ".txt", ".tsv", ".json")) and f not in ("divisions.tsv", "central_bodies.tsv"):
                text = (Path(dirpath) / f).read_text(encoding="utf-8")
                offenders += [(f, n) for n in names if n in text]
    assert not offenders, offenders


def test_the_central_bodies_list_is_complete_not_picked():
    """The exemption above holds only while the list is the whole central structure, seeds or not."""
    from kg.extract.orgs import central_bodies

    table, _ = central_bodies()
    fulls = {full for full, _ in table.values()}
    ministries = {"外交部", "国防部", "教育部", "公安部", "民政部", "司法部", "财政部", "自然资源部", "生态环境部",
                  "交通运输部", "水利部", "商务部", "退役军人事务部", "应急管理部", "审计署", "科学技术部",
                  "工业和信息化部", "人力资源和社会保障部", "住房和城乡建设部", "农业农村部", "文化和旅游部"}
    assert ministries <= fulls and len(fulls) >= 50


def test_every_term_in_the_seed_graph_is_declared():
    onto = Graph().parse(ROOT / "ontology" / "kg.ttl")
    data = Graph().parse(ROOT / "graphs" / "seeds.ttl")
    kg_ns = "https://w3id.org/kgcn/ontology#"
    used = {t for s, p, o in data for t in (p, o if p == RDF.type else None) if isinstance(t, URIRef)}
    undeclared = [t for t in used if str(t).startswith(kg_ns) and (t, RDF.type, None) not in onto]
    assert not undeclared
    standard = ("http://www.w3.org/", "https://schema.org/", "http://xmlns.com/foaf/")
    assert all(str(t).startswith((kg_ns, *standard)) for t in used)
    assert (URIRef(kg_ns.rstrip("#")), RDF.type, OWL.Ontology) in onto
