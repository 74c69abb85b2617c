"""Language handling: cached spaCy pipelines (jieba for Chinese) and language detection."""

from __future__ import annotations

from casekit.nlp.pipelines import SUPPORTED_LANGUAGES, detect_language, get_pipeline

__all__ = ["SUPPORTED_LANGUAGES", "detect_language", "get_pipeline"]
