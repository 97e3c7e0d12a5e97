"""A deterministic force-directed layout, for graphs too large to lay out in the browser.

networkx's spring layout needs scipy past 500 nodes and spends its time on far pairs; this small layout (numpy
only) uses Fruchterman–Reingold repulsion (k²/d) only between nodes in neighbouring cells (the "grid variant" of
their paper), and linear springs along edges (as in ForceAtlas2) whose strength is divided by the square root of
the two degrees, so the hundreds of leaves of a hub (a city every agency is located in) spread around it instead
of collapsing onto it; a weak pull to the centre and a temperature that cools linearly.
Each connected component is laid out on its own, then the components are packed in rows, largest first, and
single nodes fill a grid after them in the order they were given. The same nodes and edges always give the same
coordinates (seeded, no hash ordering).
"""

from __future__ import annotations

import math
import random
from collections.abc import Hashable, Iterable, Sequence

import numpy as np

SEED = 20240601
EDGE_LENGTH = 90.0  # pixels per unit of the layout's ideal edge length
_HALF = ((1, -1), (1, 0), (1, 1), (0, 1))  # with the own cell, each neighbouring pair of cells is visited once


def _components(n: int, adjacency: list[list[int]]) -> list[list[int]]:
    seen = [False] * n
    out = []
    for start in range(n):
        if seen[start]:
            continue
        seen[start] = True
        comp, queue = [start], [start]
        while queue:
            nxt = []
            for u in queue:
                for v in adjacency[u]:
                    if not seen[v]:
                        seen[v] = True
                        comp.append(v)
                        nxt.append(v)
            queue = nxt
        out.append(sorted(comp))
    return out


def _on_square(radius: float, u: float) -> tuple[float, float]:
    """The point at fraction ``u`` of the way round a square of half-side ``radius``.

    Squares rather than circles: no sin/cos, whose last bits differ between C libraries, so every platform starts
    from the same positions (+ - * / and sqrt are exactly rounded everywhere).
    """
    side = 2 * radius
    p = (u % 1.0) * 4 * side
    if p < side:
        return -radius + p, -radius
    if p < 2 * side:
        return radius, -radius + (p - side)
    if p < 3 * side:
        return radius - (p - 2 * side), radius
    return -radius, radius - (p - 3 * side)


def _initial(comp: list[int], adjacency: list[list[int]], rng: random.Random) -> dict[int, tuple[float, float]]:
    """Square rings of breadth-first layers around the best-connected node: springs start nearly relaxed."""
    centre = max(comp, key=lambda u: (len(adjacency[u]), -u))
    layer, seen, pos = [centre], {centre}, {centre: (0.0, 0.0)}
    radius = 0.0
    while layer:
        nxt = []
        for u in layer:
            for v in adjacency[u]:
                if v not in seen:
                    seen.add(v)
                    nxt.append(v)
        if not nxt:
            break
        radius += max(1.0, len(nxt) / (8 * max(radius, 1.0)))
        start = rng.random()
        for i, v in enumerate(nxt):
            x, y = _on_square(radius * rng.uniform(0.9, 1.1), start + (i + rng.uniform(-0.2, 0.2)) / len(nxt))
            pos[v] = (x, y)
        layer = nxt
    return pos


def _relax(comps: list[list[int]], edges: list[tuple[int, int]], start: dict[int, tuple[float, float]],
           iterations: int) -> list[list[tuple[float, float]]]:
    """Grid repulsion and degree-normalised linear springs, unit ideal distance; each component's positions in
    its order. The components are relaxed side by side, each about its own origin with its own temperature
    (repulsion only within a component), so a graph of many small components costs one set of array operations
    per step, not one per component (the grid's cells are a component's own).

    Vectorised with numpy: each step lists the pairs of nodes in the same or neighbouring cells and sums their
    forces with ``bincount``, which adds in index order, so the result is the same on every machine."""
    if not comps:
        return []
    order = [u for comp in comps for u in comp]
    index = {u: i for i, u in enumerate(order)}
    n = len(order)
    comp_of = np.repeat(np.arange(len(comps)), [len(comp) for comp in comps])
    xs = np.array([start[u][0] for u in order], dtype=np.float64)
    ys = np.array([start[u][1] for u in order], dtype=np.float64)
    si = np.array([index[u] for u, _ in edges], dtype=np.int64)
    sj = np.array([index[v] for _, v in edges], dtype=np.int64)
    degree = np.bincount(si, minlength=n) + np.bincount(sj, minlength=n)
    weight = 1.0 / np.sqrt((degree[si] * degree[sj]).astype(np.float64))
    gravity = 0.002
    temperature = np.array([max(1.0, math.sqrt(len(comp)) / 4) for comp in comps])[comp_of]
    cooling = temperature / (iterations + 1)
    for _ in range(iterations):
        i, j = _near_pairs(xs, ys, comp_of)
        ddx = xs[i] - xs[j]
        ddy = ys[i] - ys[j]
        d2 = ddx * ddx + ddy * ddy
        near = d2 < 4.0  # repulsion reaches two ideal edge lengths (the cell's side)
        i, j, ddx, ddy, d2 = i[near], j[near], ddx[near], ddy[near], d2[near]
        same = d2 < 1e-9  # two nodes on one point: pushed apart in a direction fixed by their indices
        if same.any():
            ddx[same] = 1e-3 * ((i[same] - j[same]) % 7 - 3)
            ddy[same] = 1e-3 * ((i[same] + j[same]) % 5 - 2)
            d2[same] = 1e-5
        f = 1.0 / d2  # k² / d, times the unit vector (ddx, ddy) / d
        dx = _sums(i, ddx * f, n) - _sums(j, ddx * f, n)
        dy = _sums(i, ddy * f, n) - _sums(j, ddy * f, n)
        # linear springs: weight * d along the unit vector (ddx, ddy) / d
        sx = (xs[si] - xs[sj]) * weight
        sy = (ys[si] - ys[sj]) * weight
        dx += _sums(sj, sx, n) - _sums(si, sx, n)
        dy += _sums(sj, sy, n) - _sums(si, sy, n)
        fx = dx - gravity * xs
        fy = dy - gravity * ys
        length = np.sqrt(fx * fx + fy * fy)
        scale = np.where(length > temperature, temperature / np.maximum(length, 1e-300), 1.0)
        xs += fx * scale
        ys += fy * scale
        temperature -= cooling
    placed = list(zip(xs.tolist(), ys.tolist(), strict=True))
    out, at = [], 0
    for comp in comps:
        out.append(placed[at:at + len(comp)])
        at += len(comp)
    return out


def _sums(at: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """The sum of ``values`` at each of ``n`` indices, added in order (bincount; floats even when empty)."""
    return np.bincount(at, values, n).astype(np.float64, copy=False)


def _near_pairs(xs: np.ndarray, ys: np.ndarray, group: np.ndarray,
                cell: float = 2.0) -> tuple[np.ndarray, np.ndarray]:
    """Every pair of nodes of one group in one cell of side ``cell`` (lower index first) or in two neighbouring
    cells (each neighbouring pair of cells once: own cell, then right-below, right, right-above, above)."""
    cx = np.floor(xs / cell).astype(np.int64)
    cy = np.floor(ys / cell).astype(np.int64)
    cx -= cx.min()
    cy -= cy.min()
    # keys one wider and one taller than any cell, so a neighbour's key off the grid is no cell's key
    height = int(cy.max()) + 2
    width = int(cx.max()) + 2
    key = (group * width + cx) * height + cy
    order = np.argsort(key, kind="stable")  # by group and cell, then by index
    cells, starts, counts = np.unique(key[order], return_index=True, return_counts=True)
    cell_of = np.repeat(np.arange(len(cells)), counts)
    position = np.arange(len(order))
    firsts, seconds = [], []
    # the own cell: each node with the nodes after it in the cell
    after = starts[cell_of] + counts[cell_of] - position - 1
    firsts.append(np.repeat(position, after))
    seconds.append(firsts[-1] + 1 + _ramps(after))
    for ox, oy in _HALF:
        wanted = cells + ox * height + oy
        found = np.minimum(np.searchsorted(cells, wanted), len(cells) - 1)
        hit = cells[found] == wanted
        size = np.where(hit, counts[found], 0)[cell_of]
        firsts.append(np.repeat(position, size))
        seconds.append(np.repeat(starts[found][cell_of], size) + _ramps(size))
    return order[np.concatenate(firsts)], order[np.concatenate(seconds)]


def _ramps(sizes: np.ndarray) -> np.ndarray:
    """0, 1, … sizes[k] - 1 for each k, end to end."""
    total = int(sizes.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    ends = np.cumsum(sizes)
    return np.arange(total, dtype=np.int64) - np.repeat(ends - sizes, sizes)


def layout(nodes: Sequence[Hashable], edges: Iterable[tuple[Hashable, Hashable]], *, seed: int = SEED,
           iterations: int = 60, edge_length: float = EDGE_LENGTH) -> dict[Hashable, tuple[float, float]]:
    """Pixel coordinates (rounded to 0.1) for every node; edges between unknown nodes are ignored."""
    index = {node: i for i, node in enumerate(nodes)}
    n = len(nodes)
    adjacency: list[set[int]] = [set() for _ in range(n)]
    for u, v in edges:
        if u in index and v in index and u != v:
            adjacency[index[u]].add(index[v])
            adjacency[index[v]].add(index[u])
    adj = [sorted(a) for a in adjacency]
    comps = _components(n, adj)
    big = sorted((c for c in comps if len(c) > 1), key=lambda c: (-len(c), c[0]))
    singles = [c[0] for c in comps if len(c) == 1]
    rng = random.Random(seed)
    boxes = []  # (width, height, [(node index, x, y)]) with x, y from the box's corner
    starts: dict[int, tuple[float, float]] = {}
    for comp in big:
        starts.update(_initial(comp, adj, rng))
    big_edges = sorted({(min(u, v), max(u, v)) for comp in big for u in comp for v in adj[u]})
    for comp, pos in zip(big, _relax(big, big_edges, starts, iterations), strict=True):
        min_x = min(x for x, _ in pos)
        min_y = min(y for _, y in pos)
        placed = [(u, x - min_x, y - min_y) for u, (x, y) in zip(comp, pos, strict=True)]
        boxes.append((max(x for _, x, _ in placed) + 1, max(y for _, _, y in placed) + 1, placed))
    if singles:
        side = math.ceil(math.sqrt(len(singles)))
        placed = [(u, float(i % side), float(i // side)) for i, u in enumerate(singles)]
        boxes.append((float(side), float(math.ceil(len(singles) / side)), placed))
    # shelf packing: rows about as wide as the square root of the total area, keeping things near a square
    row_width = max([math.sqrt(sum(w * h for w, h, _ in boxes)) * 1.2] + [w for w, _, _ in boxes[:1]])
    out: dict[Hashable, tuple[float, float]] = {}
    x = y = row_height = 0.0
    for w, h, placed in boxes:
        if x > 0 and x + w > row_width:
            x, y, row_height = 0.0, y + row_height + 1.5, 0.0
        for u, px, py in placed:
            out[nodes[u]] = (round((x + px) * edge_length, 1), round((y + py) * edge_length, 1))
        x += w + 1.5
        row_height = max(row_height, h)
    return out
