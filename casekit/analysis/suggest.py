"""Code suggestions from a coder's codings: per-code TF-IDF + logistic regression, cross-validated."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from casekit.analysis.inputs import require_columns
from casekit.analysis.matrix import segment_code_matrix
from casekit.analysis.text_features import tfidf_vectorizer
from casekit.errors import CasekitError

__all__ = ["CodeSuggestions", "suggest_codes"]

SCORE_COLUMNS = [
    "code",
    "positives",
    "negatives",
    "folds",
    "threshold",
    "predicted",
    "precision",
    "recall",
    "f1",
    "average_precision",
]
SKIPPED_COLUMNS = ["code", "positives", "reason"]
SUGGESTION_COLUMNS = ["segment", "document", "code", "probability"]


@dataclass(frozen=True)
class CodeSuggestions:
    """Result of :func:`suggest_codes`.

    Attributes
    ----------
    scores
        ``code, positives, negatives, folds, threshold, predicted, precision, recall, f1,
        average_precision``: cross-validated quality of each code's classifier on the
        training segments, sorted by code. ``predicted`` counts the out-of-fold predictions at
        ``threshold``; precision, recall and F1 are measured there; ``average_precision`` (area
        under the precision-recall curve) does not depend on a threshold — compare it with
        the share of positive segments, which is what a random ranking scores.
    skipped
        ``code, positives, reason``: codes with too few positive (or negative) segments to train.
    suggestions
        ``segment, document, code, probability``: target segments (not coded by the coder)
        whose predicted probability reaches the code's threshold; in target order, then
        probability descending, then code.
    """

    scores: pd.DataFrame
    skipped: pd.DataFrame
    suggestions: pd.DataFrame


def suggest_codes(
    train_segments: pd.DataFrame,
    codings: pd.DataFrame,
    target_segments: pd.DataFrame,
    *,
    seed: int,
    min_positives: int = 5,
    n_folds: int = 5,
    threshold: float | None = None,
    analyzer: Callable[[str], list[str]] | None = None,
) -> CodeSuggestions:
    """Learn each code from one coder's codings and suggest it for segments the coder has not coded.

    Each code gets its own binary classifier: TF-IDF features (character 1-3-grams for Chinese,
    word 1-2-grams for English; see :func:`casekit.analysis.text_features.tfidf_vectorizer`)
    and a class-balanced logistic regression. Precision and recall come from stratified
    K-fold cross-validation (shuffled with ``seed``) on the training segments; the TF-IDF
    vocabulary and weights are learnt once from the training texts (no labels involved).

    Parameters
    ----------
    train_segments
        Segments the coder worked through (``segments_frame`` rows): coded ones are positives
        for their codes, the rest negatives.
    codings
        The coder's codings (``codings_frame(..., coders=[name])``) at the segments' unit.
    target_segments
        Segments to suggest codes for; those the coder already coded are skipped.
    seed
        Seeds the fold shuffling and the solver.
    min_positives
        Codes with fewer positive training segments are skipped (and listed).
    threshold
        Smallest probability reported as a suggestion. ``None``: per code, the threshold with
        the best F1 on the cross-validated probabilities (class-balanced logistic
        regression on sparse text gives probabilities far below 0.5 even for good
        matches); the F1 reported there is then optimistic, as it was picked on the
        same predictions.
    analyzer
        A callable ``text -> tokens`` replacing the default features.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import average_precision_score
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    require_columns(train_segments, ("segment_id", "segment", "document", "text"), "segments")
    require_columns(target_segments, ("segment_id", "segment", "document", "text"), "segments")
    if "coder" in codings.columns and codings["coder"].nunique() > 1:
        raise CasekitError(
            "suggestions learn from one coder; pass codings of one coder "
            f"(these have {', '.join(sorted(codings['coder'].unique()))})"
        )
    labels = segment_code_matrix(codings, train_segments)
    if labels.X.nnz == 0:
        raise CasekitError("the coder has no codings on the training segments")
    texts = train_segments["text"].astype(str).tolist()
    vectorizer = tfidf_vectorizer(texts, analyzer=analyzer)
    features = vectorizer.fit_transform(texts)
    coded = set(codings["segment_id"])
    targets = target_segments[~target_segments["segment_id"].isin(coded)].reset_index(drop=True)
    target_features = (
        vectorizer.transform(targets["text"].astype(str).tolist()) if len(targets) else None
    )
    Y = labels.X.toarray().astype(bool)
    scores, skipped, found = [], [], []
    for j, code in enumerate(labels.codes):
        y = Y[:, j]
        positives, negatives = int(y.sum()), int((~y).sum())
        if positives < min_positives:
            skipped.append(
                {
                    "code": code,
                    "positives": positives,
                    "reason": f"fewer than {min_positives} positive segments",
                }
            )
            continue
        folds = min(n_folds, positives, negatives)
        if folds < 2:
            skipped.append(
                {"code": code, "positives": positives, "reason": "fewer than 2 negative segments"}
            )
            continue
        model = LogisticRegression(
            class_weight="balanced", solver="liblinear", random_state=seed, max_iter=1000
        )
        cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
        held_out = cross_val_predict(model, features, y, cv=cv, method="predict_proba")[:, 1]
        cut = _best_threshold(y, held_out) if threshold is None else threshold
        predicted = held_out >= cut
        hits_ = int((predicted & y).sum())
        precision = hits_ / int(predicted.sum()) if predicted.any() else 0.0
        recall = hits_ / positives
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        scores.append(
            {
                "code": code,
                "positives": positives,
                "negatives": negatives,
                "folds": folds,
                "threshold": float(cut),
                "predicted": int(predicted.sum()),
                "precision": float(precision),
                "recall": float(recall),
                "f1": float(f1),
                "average_precision": float(average_precision_score(y, held_out)),
            }
        )
        if target_features is not None:
            model.fit(features, y)
            probability = model.predict_proba(target_features)[:, 1]
            hits = np.flatnonzero(probability >= cut)
            found.append(
                pd.DataFrame(
                    {"_row": hits, "code": code, "probability": probability[hits].astype(float)}
                )
            )
    suggestions = pd.DataFrame(columns=[*SUGGESTION_COLUMNS, "_row"])
    if found:
        suggestions = pd.concat(found, ignore_index=True)
        suggestions["segment"] = targets["segment"].to_numpy()[suggestions["_row"]]
        suggestions["document"] = targets["document"].to_numpy()[suggestions["_row"]]
    suggestions = suggestions.sort_values(
        ["_row", "probability", "code"], ascending=[True, False, True], kind="stable"
    )
    return CodeSuggestions(
        scores=pd.DataFrame(scores, columns=SCORE_COLUMNS),
        skipped=pd.DataFrame(skipped, columns=SKIPPED_COLUMNS),
        suggestions=suggestions[SUGGESTION_COLUMNS].reset_index(drop=True),
    )


def _best_threshold(y: np.ndarray, probability: np.ndarray) -> float:
    """The probability cut-off with the highest F1 (the highest on ties).

    The cut-off is placed halfway to the next lower score, not on the lowest score it keeps,
    so new segments scoring a little below the training positives are still suggested; the
    predictions on the training segments are the same.
    """
    from sklearn.metrics import precision_recall_curve

    precision, recall, cuts = precision_recall_curve(y, probability)
    precision, recall = precision[:-1], recall[:-1]
    with np.errstate(invalid="ignore", divide="ignore"):
        f1 = np.where(precision + recall > 0, 2 * precision * recall / (precision + recall), 0.0)
    best = len(f1) - 1 - int(np.argmax(f1[::-1]))
    return float((cuts[best] + cuts[best - 1]) / 2) if best > 0 else float(cuts[best])
