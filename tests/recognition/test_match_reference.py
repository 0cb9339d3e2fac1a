"""Matcher correctness against a brute-force reference (hypothesis)."""

from __future__ import annotations

import itertools
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recognition.match import HotListIndex, IndexEntry, MatchConfig, Matcher
from recognition.match.confusion import LOOKALIKE_GROUPS, same_class

# Look-alike-rich alphabet so collisions are frequent.
ALPHA = "0ODQ1IL8B5S2Z6GAX"
STATES = ["CA", "NV", None]
LOOK = {ch: g for g in LOOKALIKE_GROUPS for ch in g}
RANK = {"exact": 0, "alternative": 1, "lookalike": 2, "wildcard": 3}


def _aligned_subs(a: str, b: str) -> int | None:
    if len(a) != len(b) or not all(same_class(x, y) for x, y in zip(a, b, strict=True)):
        return None
    return sum(x != y for x, y in zip(a, b, strict=True))


def _variants(text: str, k: int):
    """All strings reachable from text by <= k look-alike substitutions, with their counts."""
    for r in range(k + 1):
        for spots in itertools.combinations(range(len(text)), r):
            choices = [[c for c in LOOK.get(text[i], text[i]) if c != text[i]] for i in spots]
            for repl in itertools.product(*choices):
                chars = list(text)
                for i, c in zip(spots, repl, strict=True):
                    chars[i] = c
                yield "".join(chars), r


def reference(entries: list[IndexEntry], read: str, state: str | None, cfg: MatchConfig) -> dict[int, tuple]:
    out: dict[int, tuple] = {}
    k = cfg.max_substitutions
    for e in entries:
        sm = "unknown" if not state or not e.state else ("match" if state == e.state else "mismatch")
        if "*" in e.plate or "?" in e.plate:
            rx = re.compile("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in e.plate))
            subs = [r for v, r in _variants(read, k) if rx.fullmatch(v)]
            if subs:
                out[e.entry_id] = ("wildcard", min(subs), min(subs), sm)
            continue
        subs = _aligned_subs(e.plate, read)
        if subs is not None and subs <= k:
            out[e.entry_id] = ("exact" if subs == 0 else "lookalike", subs, subs, sm)
            continue
        if cfg.allow_one_indel and abs(len(e.plate) - len(read)) == 1:
            longer, shorter = (e.plate, read) if len(e.plate) > len(read) else (read, e.plate)
            cands = [_aligned_subs(longer[:j] + longer[j + 1 :], shorter) for j in range(len(longer))]
            cands = [c for c in cands if c is not None and c <= k]
            if cands and shorter:
                out[e.entry_id] = ("lookalike", min(cands) + 1, min(cands), sm)
    return out


plates = st.text(ALPHA, min_size=1, max_size=6)
wild = st.text(ALPHA + "*?", min_size=1, max_size=6).filter(lambda p: sum(c not in "*?" for c in p) >= 3)


@st.composite
def scenario(draw):
    n = draw(st.integers(0, 25))
    entries = []
    for i in range(n):
        plate = draw(wild) if draw(st.integers(0, 9)) == 0 else draw(plates)
        entries.append(IndexEntry(i + 1, plate, draw(st.sampled_from(STATES)), draw(st.integers(1, 9))))
    plain = [e.plate for e in entries if "*" not in e.plate and "?" not in e.plate]
    if plain and draw(st.booleans()):
        base = draw(st.sampled_from(plain))
        read = "".join(draw(st.sampled_from(LOOK.get(c, c))) if draw(st.booleans()) else c for c in base)
        if draw(st.booleans()) and len(read) > 1:
            cut = draw(st.integers(0, len(read) - 1))
            read = read[:cut] + read[cut + 1 :]
    else:
        read = draw(plates)
    cfg = MatchConfig(max_substitutions=draw(st.integers(0, 2)), allow_one_indel=draw(st.booleans()))
    return entries, read, draw(st.sampled_from(STATES)), cfg


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario())
def test_matcher_agrees_with_brute_force(case):
    entries, read, state, cfg = case
    got = Matcher(HotListIndex(entries), cfg).match(read, state)
    assert {m.entry_id: (m.kind, m.distance, m.substitutions, m.state_match) for m in got} == reference(
        entries, read, state, cfg
    )
    keys = [(m.priority, m.distance, RANK[m.kind], m.entry_id) for m in got]
    assert keys == sorted(keys)


@settings(max_examples=150, deadline=None)
@given(st.lists(plates, min_size=1, max_size=30), st.integers(0, 2))
def test_every_entry_finds_itself_exactly(entry_plates, k):
    entries = [IndexEntry(i, p, None, 5) for i, p in enumerate(entry_plates)]
    matcher = Matcher(HotListIndex(entries), MatchConfig(max_substitutions=k))
    for e in entries:
        assert any(m.entry_id == e.entry_id and m.kind == "exact" for m in matcher.match(e.plate))
