"""Emergent themes in segments no code covers: TF-IDF + non-negative matrix factorisation."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

import numpy as np
import pandas as pd

from casekit.analysis.inputs import require_columns
from casekit.analysis.text_features import tfidf_vectorizer
from casekit.errors import CasekitError

__all__ = ["INTERVIEWER_LABELS", "Themes", "find_themes", "uncovered_segments"]


@dataclass(frozen=True)
class Themes:
    """Result of :func:`find_themes`.

    Attributes
    ----------
    summary
        ``theme, segments, top_terms``: themes numbered from 1, the number of segments whose
        strongest theme it is, and its leading terms joined by spaces.
    terms
        ``theme, rank, term, weight``: the top terms of each theme (NMF loading).
    examples
        ``theme, rank, segment, document, weight, text``: among the segments whose strongest
        theme it is, those loading most on it.
    """

    summary: pd.DataFrame
    terms: pd.DataFrame
    examples: pd.DataFrame


# Speaker labels of the asking side of an interview; their turns are questions, not data.
INTERVIEWER_LABELS = frozenset({"问", "Q", "访谈者", "访谈人", "Interviewer", "Researcher"})


def uncovered_segments(
    codings: pd.DataFrame,
    segments: pd.DataFrame,
    *,
    skip_speakers: Collection[str] = INTERVIEWER_LABELS,
) -> pd.DataFrame:
    """The segments (rows of ``segments``) that carry no coding, in their order.

    Turns of the speakers in ``skip_speakers`` (by default the interviewer's: 问, Q, 访谈者
    ...) are left out, so themes come from what interviewees said; pass ``()`` to keep them.
    """
    require_columns(codings, ("segment_id",), "codings")
    require_columns(segments, ("segment_id",), "segments")
    keep = ~segments["segment_id"].isin(set(codings["segment_id"]))
    if skip_speakers and "speaker" in segments.columns:
        keep &= ~segments["speaker"].isin(set(skip_speakers))
    return segments[keep].reset_index(drop=True)


def find_themes(
    segments_uncovered: pd.DataFrame,
    *,
    n_themes: int,
    seed: int,
    n_terms: int = 10,
    n_examples: int = 3,
    analyzer: Callable[[str], list[str]] | None = None,
) -> Themes:
    """Factorise the TF-IDF matrix of uncovered segments into ``n_themes`` themes.

    Chinese text uses character 2-3-grams as terms, English words without stop words (see
    :func:`casekit.analysis.text_features.tfidf_vectorizer`); terms in fewer than two segments
    are dropped when there are at least 20 segments. NMF starts from NNDSVDa, so results
    depend only on the data and ``seed``.
    """
    from sklearn.decomposition import NMF

    require_columns(segments_uncovered, ("segment", "document", "text"), "segments")
    if n_themes < 1:
        raise CasekitError(f"the number of themes must be at least 1, not {n_themes}")
    texts = segments_uncovered["text"].astype(str).tolist()
    if len(texts) < n_themes:
        raise CasekitError(
            f"{len(texts)} uncovered segments cannot make {n_themes} themes; ask for fewer themes"
        )
    vectorizer = tfidf_vectorizer(
        texts, analyzer=analyzer, for_topics=True, min_df=2 if len(texts) >= 20 else 1
    )
    try:
        X = vectorizer.fit_transform(texts)
    except ValueError as exc:  # every text was empty or punctuation
        raise CasekitError(
            f"the uncovered segments have no terms to find themes in ({exc})"
        ) from exc
    model = NMF(n_components=n_themes, init="nndsvda", random_state=seed, max_iter=1000)
    W = model.fit_transform(X)
    H = model.components_
    vocabulary = vectorizer.get_feature_names_out()
    term_rows, example_rows, summary_rows = [], [], []
    dominant = W.argmax(axis=1)
    for k in range(n_themes):
        theme = k + 1
        # Ties broken by term (vocabulary is sorted) so the order is fully determined.
        top = [i for i in np.lexsort((np.arange(len(vocabulary)), -H[k]))[:n_terms] if H[k, i] > 0]
        term_rows += [
            {"theme": theme, "rank": r, "term": str(vocabulary[i]), "weight": float(H[k, i])}
            for r, i in enumerate(top, start=1)
        ]
        mine = (dominant == k) & (W[:, k] > 0)
        ranked = [i for i in np.lexsort((np.arange(len(texts)), -W[:, k])) if mine[i]][:n_examples]
        example_rows += [
            {
                "theme": theme,
                "rank": r,
                "segment": str(segments_uncovered["segment"].iat[i]),
                "document": str(segments_uncovered["document"].iat[i]),
                "weight": float(W[i, k]),
                "text": texts[i],
            }
            for r, i in enumerate(ranked, start=1)
        ]
        summary_rows.append(
            {
                "theme": theme,
                "segments": int(mine.sum()),
                "top_terms": " ".join(str(vocabulary[i]) for i in top),
            }
        )
    return Themes(
        summary=pd.DataFrame(summary_rows, columns=["theme", "segments", "top_terms"]),
        terms=pd.DataFrame(term_rows, columns=["theme", "rank", "term", "weight"]),
        examples=pd.DataFrame(
            example_rows, columns=["theme", "rank", "segment", "document", "weight", "text"]
        ),
    )
