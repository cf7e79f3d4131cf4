"""Downloads: the filtered dataset in any export format, and corrections as training data or dictionary lines."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import PlainTextResponse

from eventcoder.export import stream_export
from eventcoder.registry import EXPORT_SUFFIXES, ExportFormat
from eventcoder.server.download import Download, DownloadResponse
from eventcoder.server.params import Dataset, dataset_params
from eventcoder.server.rows import correction_full
from eventcoder.server.state import state_of
from eventcoder.server.training import dictionary_lines, spacy_lemmatizer, training_lines
from eventcoder.store.corrections import ACTIONS, list_corrections

router = APIRouter(tags=["export"])


_MEDIA = {".tsv": "text/tab-separated-values", ".tab": "text/tab-separated-values", ".json": "application/json",
          ".csv": "text/csv", ".jsonl": "application/x-ndjson", ".parquet": "application/vnd.apache.parquet"}


class CorrectionAction(str, Enum):
    wrong = "wrong"
    change = "change"
    confirm = "confirm"
    retract = "retract"


class CorrectionsKind(str, Enum):
    training = "training"
    dictionary = "dictionary"


@router.get("/export", summary="Download the filtered events in an export format")
def export(
    request: Request,
    ds: Annotated[Dataset, Depends(dataset_params)],
    format: Annotated[ExportFormat, Query(description="file format (see docs/datasets.md)")] = ExportFormat.CSV,
    header: Annotated[bool | None, Query(description="override the format's header convention")] = None,
    plover_lines: Annotated[bool, Query(description="plover: one JSON record per line")] = False,
) -> DownloadResponse:
    """Streamed as it is read (chunked), in bounded memory; ``X-Eventcoder-Rows`` gives the rows."""
    suffix = ".jsonl" if format is ExportFormat.PLOVER and plover_lines else EXPORT_SUFFIXES[format]
    download = Download(state_of(request), lambda store: stream_export(
        store, format=format.value, level=ds.level, method=ds.method, filters=ds.filters, header=header,
        lines=suffix == ".jsonl" and format is ExportFormat.PLOVER))
    name = f"eventcoder-{format.value}-{ds.level}{'-corrected' if ds.filters.corrections else ''}{suffix}"
    return DownloadResponse(download, media_type=_MEDIA[suffix], headers={
        "X-Eventcoder-Rows": str(download.stream.rows), "Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/corrections", summary="Corrections (in force, or the whole log), newest first", tags=["corrections"])
def corrections(
    request: Request,
    history: Annotated[bool, Query(description="the whole log, not only the corrections in force")] = False,
    action: Annotated[list[CorrectionAction] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> dict[str, Any]:
    with state_of(request).reading() as store:
        rows = list_corrections(store, current_only=not history, actions=[a.value for a in action or []],
                                limit=limit, offset=offset)
    return {"items": [correction_full(r) for r in rows], "limit": limit, "offset": offset,
            "actions": list(ACTIONS)}


@router.get("/corrections/export", summary="Corrections as training data (JSONL) or verb-dictionary additions",
            tags=["corrections"], response_class=PlainTextResponse)
def corrections_export(
    request: Request,
    kind: Annotated[CorrectionsKind, Query(description="training (JSON lines) or dictionary (PETRARCH verb lines)")]
    = CorrectionsKind.training,
) -> PlainTextResponse:
    state = state_of(request)
    with state.reading() as store:
        rows = list_corrections(store, current_only=True, limit=1_000_000)
    rows.reverse()  # oldest first
    if kind is CorrectionsKind.training:
        body = "".join(training_lines(rows))
        name, media = "eventcoder-corrections-training.jsonl", "application/x-ndjson"
    else:
        lemmatize = spacy_lemmatizer(state.nlp()) if rows else None
        body = "".join(dictionary_lines(rows, lemmatize=lemmatize))
        name, media = "eventcoder-corrections.verbs.txt", "text/plain; charset=utf-8"
    return PlainTextResponse(body, media_type=media,
                             headers={"Content-Disposition": f'attachment; filename="{name}"'})
