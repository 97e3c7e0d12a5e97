"""The pure-Python layout used for large graphs: complete, deterministic, readable (no pile-ups, neighbours near)."""

from __future__ import annotations

import math
import random

from kg.export.layout import EDGE_LENGTH, layout


def star_and_chain(rng: random.Random):
    """A hub with 60 leaves, a 30-node chain hanging off it, a few pairs, and isolated nodes."""
    nodes = [f"n{i}" for i in range(140)]
    edges = [("n0", f"n{i}") for i in range(1, 61)]
    edges += [(f"n{i}", f"n{i + 1}") for i in range(60, 90)]
    edges += [(f"n{i}", f"n{i + 1}") for i in range(100, 120, 2)]
    rng.shuffle(edges)
    return nodes, edges


def distance(a, b) -> float:
    return math.hypot(a[0] - b[0], a[1] - b[1])


def test_every_node_gets_a_distinct_position():
    nodes, edges = star_and_chain(random.Random(1))
    pos = layout(nodes, edges)
    assert set(pos) == set(nodes)
    assert len(set(pos.values())) == len(nodes)
    assert all(isinstance(v, float) for xy in pos.values() for v in xy)


def test_same_input_same_coordinates_whatever_the_edge_order():
    nodes, edges = star_and_chain(random.Random(1))
    _, shuffled = star_and_chain(random.Random(2))
    reversed_pairs = [(v, u) for u, v in edges]
    first = layout(nodes, edges)
    assert layout(nodes, shuffled) == first
    assert layout(nodes, reversed_pairs) == first
    assert layout(nodes, edges, seed=99) != first  # the seed matters: it is not ignored


def test_nodes_do_not_pile_up_and_neighbours_stay_near():
    nodes, edges = star_and_chain(random.Random(1))
    pos = layout(nodes, edges)
    connected = sorted({u for e in edges for u in e})
    nearest = [min(distance(pos[u], pos[v]) for v in connected if v != u) for u in connected]
    assert min(nearest) > 0.15 * EDGE_LENGTH  # no two nodes drawn on top of each other
    lengths = sorted(distance(pos[u], pos[v]) for u, v in edges)
    median_edge = lengths[len(lengths) // 2]
    pairs = [(a, b) for i, a in enumerate(connected) for b in connected[i + 1:]]
    mean_pair = sum(distance(pos[a], pos[b]) for a, b in pairs) / len(pairs)
    assert median_edge < 0.5 * mean_pair  # related things are drawn closer than unrelated ones


def test_components_do_not_overlap():
    nodes, edges = star_and_chain(random.Random(1))
    pos = layout(nodes, edges)
    groups = [["n0", *[f"n{i}" for i in range(1, 91)]]] + [[f"n{i}", f"n{i + 1}"] for i in range(100, 120, 2)]
    singles = [n for n in nodes if not any(n in g for g in groups)]
    groups += [[n] for n in singles]
    boxes = []
    for group in groups:
        xs = [pos[n][0] for n in group]
        ys = [pos[n][1] for n in group]
        boxes.append((min(xs), min(ys), max(xs), max(ys)))
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert a[2] < b[0] or b[2] < a[0] or a[3] < b[1] or b[3] < a[1], (a, b)


def test_isolated_nodes_keep_the_given_order_in_a_grid():
    nodes = ["c", "a", "b", "d"]
    pos = layout(nodes, [])
    # row by row: c a / b d
    assert pos["c"][1] == pos["a"][1] < pos["b"][1] == pos["d"][1]
    assert pos["c"][0] < pos["a"][0] and pos["b"][0] < pos["d"][0]


def test_empty_and_self_loops():
    assert layout([], []) == {}
    assert set(layout(["x"], [("x", "x"), ("x", "unknown")])) == {"x"}


def test_near_pairs_are_every_pair_of_neighbouring_cells_once():
    """The vectorised grid gives exactly the pairs a plain scan gives: every two nodes of one group whose cells
    touch (side or corner), each pair once, on random points (negative, far, on cell borders, piled up)."""
    import numpy as np

    from kg.export.layout import _near_pairs

    rng = random.Random(5)
    for case in range(60):
        n = rng.randint(2, 40)
        spread = rng.choice([1.0, 5.0, 50.0, 1e6])
        xs = np.array([rng.choice([rng.uniform(-spread, spread), 2.0 * rng.randint(-3, 3)]) for _ in range(n)])
        ys = np.array([rng.uniform(-spread, spread) if case % 5 else 0.5 for _ in range(n)])
        group = np.array([rng.randint(0, 2) for _ in range(n)])
        i, j = _near_pairs(xs, ys, group)
        found = sorted(tuple(sorted(pair)) for pair in zip(i.tolist(), j.tolist(), strict=True))
        cell = [(math.floor(x / 2.0), math.floor(y / 2.0)) for x, y in zip(xs, ys, strict=True)]
        expected = sorted((a, b) for a in range(n) for b in range(a + 1, n) if group[a] == group[b]
                          and abs(cell[a][0] - cell[b][0]) <= 1 and abs(cell[a][1] - cell[b][1]) <= 1)
        assert found == expected, case
