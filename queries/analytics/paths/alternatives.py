"""Alternatives: the ``k`` shortest *simple* paths (Yen's algorithm) over a :class:`Question`'s
search, by cost then hop count; candidates are deduplicated, so each path appears once."""

from __future__ import annotations

import heapq

from queries.analytics.paths.question import Question


def k_shortest(
    question: Question, source: str, target: str, k: int
) -> list[tuple[float, list[str]]]:
    """Yen's k shortest simple paths over :meth:`Question.search`: each spur search blocks the
    root's actors and the pairs the paths found so far leave the spur by."""
    first = question.search(source, target)
    if first is None:
        return []
    found = [first]
    seen = {tuple(first[1])}
    candidates: list[tuple[float, int, tuple[str, ...]]] = []
    while len(found) < k:
        _, previous = found[-1]
        root_cost = 0.0
        for i in range(len(previous) - 1):
            spur, root = previous[i], previous[: i + 1]
            pairs: set[tuple[str, str]] = set()
            for _, path in found:
                if len(path) > i + 1 and path[: i + 1] == root:
                    pairs.add((path[i], path[i + 1]))
                    pairs.add((path[i + 1], path[i]))
            budget = None if question.max_hops is None else question.max_hops - i
            if budget is None or budget > 0:
                spur_found = question.search(
                    spur, target, extra_blocked=root[:-1], blocked_pairs=pairs, max_hops=budget
                )
                if spur_found is not None:
                    total = tuple(root[:-1] + spur_found[1])
                    if total not in seen:
                        seen.add(total)
                        heapq.heappush(
                            candidates, (round(root_cost + spur_found[0], 9), len(total), total)
                        )
            root_cost += question.hop_cost(previous[i], previous[i + 1])
        if not candidates:
            break
        cost, _, path_tuple = heapq.heappop(candidates)
        found.append((cost, list(path_tuple)))
    return found
