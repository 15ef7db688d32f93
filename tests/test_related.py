"""Related news: the inverted-index search must equal the brute-force definition."""

from __future__ import annotations

import random

from bantin.content.related import DAY, Document, related, related_update, search


def brute_force(documents, count, half_life_days):
    result = {}
    for a in documents:
        terms_a = dict(a.terms)
        scored = []
        for b in documents:
            if b.key == a.key:
                continue
            shared = sum(w for t, w in b.terms if t in terms_a)
            if shared <= 0:
                continue
            score = shared * 0.5 ** (abs(a.timestamp - b.timestamp) / (half_life_days * DAY))
            scored.append((-score, -b.timestamp, b.key))
        result[a.key] = tuple(key for _, _, key in sorted(scored)[:count])
    return result


def random_documents(seed: int, n: int) -> list[Document]:
    rng = random.Random(seed)
    documents = []
    for i in range(n):
        tags = rng.sample([f"tag{k}" for k in range(12)], rng.randint(0, 4))
        terms = [(f"tag:{t}", 3.0) for t in tags]
        terms.append((f"topic:{rng.randint(0, 3)}", 2.0))
        terms.append((f"province:{rng.randint(0, 9)}", 2.0))
        # whole days, so that equal timestamps and equal scores (ties) happen
        documents.append(Document(f"k{i:04d}", rng.randint(0, 3000) * DAY, tuple(terms)))
    return documents


def test_inverted_index_equals_brute_force():
    for seed in range(4):
        documents = random_documents(seed, 300)
        assert related(documents, 5, 90, max_reach=10**9) == brute_force(documents, 5, 90)


def test_the_work_cap_keeps_nearly_all_of_the_exact_answer():
    documents = random_documents(7, 600)
    exact = brute_force(documents, 5, 90)
    capped = related(documents, 5, 90)
    kept = sum(len(set(capped[k]) & set(exact[k])) for k in exact)
    assert kept >= 0.95 * sum(len(v) for v in exact.values())
    assert all(len(capped[k]) == len(exact[k]) for k in exact)


def test_ties_are_broken_by_date_then_key():
    same = (("tag:a", 1.0),)
    documents = [Document("b", 10 * DAY, same), Document("a", 10 * DAY, same),
                 Document("c", 20 * DAY, same), Document("x", 15 * DAY, same)]
    # "c" and the pair "a"/"b" are both 5 days from "x": the newer one wins, then the smaller key
    assert related(documents, 3, 30)["x"] == ("c", "a", "b")


def test_unrelated_documents_are_never_listed():
    documents = [Document("a", 0, (("tag:x", 1.0),)), Document("b", DAY, (("tag:y", 1.0),))]
    assert related(documents, 5, 30) == {"a": (), "b": ()}


def test_updating_after_edits_equals_computing_from_scratch():
    # with the work cap on: the update must reproduce the capped answer exactly, not just a good one
    rng = random.Random(11)
    documents = random_documents(3, 400)
    previous = search(documents, 5, 90)
    for step in range(60):
        edited = list(documents)
        action = step % 5
        if action == 0:  # add, at any time
            edited.append(Document(f"new{step}", rng.randint(0, 3000) * DAY,
                                   (("tag:tag1", 3.0), (f"topic:{rng.randint(0, 3)}", 2.0))))
        elif action == 1:  # delete
            edited.pop(rng.randrange(len(edited)))
        elif action == 2:  # change the terms
            i = rng.randrange(len(edited))
            edited[i] = Document(edited[i].key, edited[i].timestamp, ((f"tag:tag{rng.randint(0, 11)}", 3.0),))
        elif action == 3:  # move in time
            i = rng.randrange(len(edited))
            edited[i] = Document(edited[i].key, rng.randint(0, 3000) * DAY, edited[i].terms)
        else:  # the daily case: a new article dated after every other, on the same day as the newest
            newest = max(d.timestamp for d in edited)
            terms = edited[rng.randrange(len(edited))].terms
            edited.append(Document(f"today{step}", newest + rng.choice((0, DAY)), terms))
        updated = related_update(edited, {d.key: d for d in documents}, previous, 5, 90)
        assert updated == search(edited, 5, 90), step  # lists and extents alike
        # every list that differs from the previous answer is one the update says may have (the build asks those)
        differs = {key for key in updated.lists.keys() | previous.lists.keys()
                   if updated.lists.get(key) != previous.lists.get(key)}
        assert updated.changed is not None and differs <= updated.changed, step
        documents, previous = edited, updated
    assert related_update(documents, {d.key: d for d in documents}, previous, 5, 90) == previous


def test_several_edits_at_once_equal_computing_from_scratch():
    rng = random.Random(5)
    for seed in range(6):
        documents = random_documents(seed, 500)
        previous = search(documents, 5, 90)
        edited = list(documents)
        for _ in range(rng.randint(2, 8)):
            i = rng.randrange(len(edited))
            edited[i] = Document(edited[i].key, rng.randint(0, 3000) * DAY, edited[i].terms)
        edited.append(Document("new", 3001 * DAY, edited[0].terms))
        del edited[rng.randrange(len(edited))]
        assert related_update(edited, {d.key: d for d in documents}, previous, 5, 90) == search(edited, 5, 90)


def test_a_new_article_of_today_searches_again_only_the_lists_that_reach_today():
    """The bound: on a dense archive, the new article's terms are shared by most documents, but only
    the newest few on each term read as far as today."""
    documents = random_documents(9, 3000)
    previous = search(documents, 5, 90)
    newest = max(d.timestamp for d in documents)
    new = Document("today", newest + DAY, (("tag:tag1", 3.0), ("topic:1", 2.0), ("province:2", 2.0)))
    searched: list[str] = []

    def counting(function, keys):
        searched.extend(keys)
        return map(function, keys)

    updated = related_update([*documents, new], {d.key: d for d in documents}, previous, 5, 90, mapper=counting)
    assert updated == search([*documents, new], 5, 90)
    sharing = [d for d in documents if {t for t, _ in d.terms} & {t for t, _ in new.terms}]
    assert len(sharing) > 1000 and len(searched) < 150, (len(sharing), len(searched))
