"""Shared fixtures: the seed pages built once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory):
    """(report, resolved, graph, out_dir) of ``kg build seeds/`` run from the repository root."""
    import os

    from kg.pipeline import build

    out = tmp_path_factory.mktemp("graphs")
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        report, resolved, graph = build(["seeds/"], out_dir=out, name="seeds")
    finally:
        os.chdir(cwd)
    return report, resolved, graph, out


@pytest.fixture(scope="session")
def seed_graph(seed_build):
    return seed_build[2]


@pytest.fixture(scope="session")
def seed_resolved(seed_build):
    return seed_build[1]
