"""Extraction on a Dask cluster: Documents in input order, byte-identical Turtle; a clear error without Dask."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.engines import EngineError, extract_sources
from kg.pipeline import build
from kg.read import read_source

ROOT = Path(__file__).resolve().parent.parent
PAGE = "本报讯（记者 王明）3月5日，全市工业经济运行调度会召开，市委常委、副市长赵刚出席会议并讲话。\n"


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")
    # threads in this process: starts in a second; one thread so extraction never runs concurrently in-process
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as c:
        yield c


def test_dask_build_is_byte_identical(cluster, seed_build, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    report, _, _ = build(["seeds/"], out_dir=tmp_path, name="seeds", engine="dask",
                         scheduler=cluster.scheduler_address)
    assert report.extracted == 5
    assert (tmp_path / "seeds.ttl").read_bytes() == (seed_build[3] / "seeds.ttl").read_bytes()


def test_dask_keeps_input_order_with_many_batches(cluster, monkeypatch):
    monkeypatch.chdir(ROOT)
    sources = [read_source(str(p)) for p in sorted((ROOT / "seeds").glob("*.txt"))]
    sources = sources + sources[::-1]  # ten pages, more batches than workers
    docs = extract_sources(sources, engine="dask", scheduler=cluster.scheduler_address, jobs=8)
    assert [d.source for d in docs] == sources


def test_cli_engine_dask(cluster, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("p.txt").write_text(PAGE, encoding="utf-8")
    runner = CliRunner()
    local = runner.invoke(main, ["build", "p.txt", "--out", "a", "--no-cache", "--quiet"])
    dask = runner.invoke(main, ["build", "p.txt", "--out", "b", "--no-cache", "--quiet", "--engine", "dask",
                                "--scheduler", cluster.scheduler_address])
    assert local.exit_code == 0 and dask.exit_code == 0, dask.output
    assert Path("a/p.ttl").read_bytes() == Path("b/p.ttl").read_bytes()
    assert runner.invoke(main, ["build", "p.txt", "--scheduler", "tcp://x:1"]).exit_code == 2


def test_missing_dask_is_one_clear_line(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import fails as if not installed
    with pytest.raises(EngineError, match=r"pip install 'kg\[dask\]'"):
        extract_sources([read_source(str(ROOT / "seeds" / "000_86fc442ea4b7cf66.txt"))], engine="dask")
    monkeypatch.chdir(tmp_path)
    Path("p.txt").write_text("本报讯 市委常委、副市长赵刚出席会议。\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "p.txt", "--engine", "dask", "--quiet"])
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and "needs Dask" in result.output
