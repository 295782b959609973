"""The JSON spec of a composite index (docs/composite.md), read into engine objects.

Every problem is one :class:`CompositeInputError` whose message names the field
(``indicators[3].weight``) or, for JSON that does not parse, the line and column.
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext_lazy as _

from scoring.composite import (
    Aggregation,
    Bands,
    CompositeError,
    CompositeGroup,
    CompositeIndicator,
    CompositeSpec,
    Normalisation,
    Reporting,
)
from survey.errors import SurveyError
from survey.results.engine_messages import engine_error_message

DECIMAL_MARKS = ("auto", ".", ",")
MAX_SPEC_BYTES = 5 * 1024 * 1024
PROBLEMS = {
    "required": _("this field is required."),
    "unknown_field": _("unknown field; the fields allowed here are: %(allowed)s."),
    "not_object": _("must be an object {…}."),
    "not_list": _("must be a list […]."),
    "not_text": _("must be a text that is not empty."),
    "not_number": _("must be a number."),
    "not_whole": _("must be a whole number."),
    "not_bool": _("must be true or false."),
    "not_pair": _("must be a list of two numbers [low, high]."),
    "choice": _("must be one of: %(choices)s."),
    "not_level": _(
        "is not a level of the tree: the groups just above the indicators are "
        "level 2, and this tree has levels %(levels)s."
    ),
    "all_need": _("the method “%(method)s” needs it for every indicator."),
    "engine": _("%(message)s"),
    "same_but_case": _(
        "the code “%(name)s” differs only in case from “%(other)s” (%(where)s); "
        "the data file's headers are matched ignoring case, so codes must differ "
        "by more than case."
    ),
    "is_indicator": _(
        "“%(column)s” is the code of an indicator (%(where)s); the unit ids and "
        "the ranking groups need columns of their own."
    ),
    "not_label": _("must be a text."),
}
WHERE = _("%(file)s, %(field)s: %(problem)s")
NOT_JSON = _(
    "%(file)s is not valid JSON (line %(line)s, column %(column)s): %(error)s."
)
NOT_READABLE = _("%(file)s cannot be read: %(error)s.")
TOO_LARGE = _("%(file)s is larger than %(max)s bytes.")


class CompositeInputError(SurveyError):
    """A spec or data file the composite mode cannot use; ``message`` says where."""


@dataclass(frozen=True)
class CompositeSettings:
    """Everything a spec file declares, as engine objects."""

    spec: CompositeSpec
    normalisation: Normalisation
    aggregation: dict[int, Aggregation]
    reporting: Reporting
    unit_column: str
    group_column: str | None = None
    sheet: str | None = None
    decimal: str = "auto"
    name: str = ""
    description: str = ""


class _Fields:
    """Reads one JSON object, naming the field of every problem."""

    def __init__(self, file: str, path: str, value: Any, allowed: tuple[str, ...]):
        self.file, self.path = file, path
        self.value = _object(file, path, value)
        unknown = [key for key in self.value if key not in allowed]
        if unknown:
            raise self.error(unknown[0], "unknown_field", allowed=", ".join(allowed))

    def field(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def error(self, key: str | None, code: str, **params) -> CompositeInputError:
        field = self.path if key is None else self.field(key)
        return _error(self.file, field, code, **params)

    def has(self, key: str) -> bool:
        return self.value.get(key) is not None

    def get(self, key: str, kind: str, default=None, *, required=False, **options):
        if not self.has(key):
            if required:
                raise self.error(key, "required")
            return default
        return _typed(self.file, self.field(key), self.value[key], kind, **options)


def _error(file: str, field: str, code: str, **params) -> CompositeInputError:
    problem = str(PROBLEMS[code]) % params if params else str(PROBLEMS[code])
    message = str(WHERE) % {"file": file, "field": field or "/", "problem": problem}
    return CompositeInputError(message, code=code)


def _object(file: str, path: str, value: Any) -> dict:
    if not isinstance(value, dict):
        raise _error(file, path, "not_object")
    return value


def _number(file: str, field: str, value: Any) -> float:
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    if not ok or not math.isfinite(value):
        raise _error(file, field, "not_number")
    return float(value)


def _typed(file: str, field: str, value: Any, kind: str, **options):
    if kind == "text":
        if not isinstance(value, str) or not value.strip():
            raise _error(file, field, "not_text")
        return value.strip()
    if kind == "number":
        return _number(file, field, value)
    if kind == "whole":
        if isinstance(value, bool) or not isinstance(value, int):
            raise _error(file, field, "not_whole")
        return value
    if kind == "bool":
        if not isinstance(value, bool):
            raise _error(file, field, "not_bool")
        return value
    if kind == "pair":
        if not isinstance(value, list) or len(value) != 2:
            raise _error(file, field, "not_pair")
        return tuple(_number(file, field, v) for v in value)
    if kind == "choice":
        choices = options["choices"]
        # true and false equal 1 and 0 in Python, but are not numbers here
        wrong_kind = isinstance(value, bool) and not any(
            isinstance(c, bool) for c in choices
        )
        if wrong_kind or value not in choices:
            raise _error(file, field, "choice", choices=", ".join(map(str, choices)))
        return value
    if kind == "list":
        if not isinstance(value, list):
            raise _error(file, field, "not_list")
        return value
    raise AssertionError(kind)


def _load(path: Path) -> Any:
    try:
        content = path.read_bytes()
    except OSError as error:
        message = str(NOT_READABLE) % {"file": path.name, "error": error.strerror}
        raise CompositeInputError(message, code="not_readable") from error
    if len(content) > MAX_SPEC_BYTES:
        message = str(TOO_LARGE) % {"file": path.name, "max": MAX_SPEC_BYTES}
        raise CompositeInputError(message, code="too_large")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        params = {"file": path.name, "line": 1, "column": 1, "error": "not UTF-8"}
        raise CompositeInputError(str(NOT_JSON) % params, code="not_json") from error
    try:
        return json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        line, column, problem = error.lineno, error.colno, error.msg
    except _Constant as error:
        position = text.find(error.name)
        line = text.count("\n", 0, position) + 1
        column = position - text.rfind("\n", 0, position)
        problem = f"{error.name} is not a number JSON allows"
    params = {"file": path.name, "line": line, "column": column, "error": problem}
    raise CompositeInputError(str(NOT_JSON) % params, code="not_json")


class _Constant(ValueError):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def _no_constant(name: str):
    raise _Constant(name)


TOP = ("name", "description", "indicators", "groups")
TOP += ("normalisation", "aggregation", "reporting", "data")
INDICATOR = ("code", "parent", "weight", "direction", "goalposts", "target", "name")
GROUP = ("code", "parent", "weight", "min_count", "min_share", "name")
REPORTING = ("precision", "rank_method", "bands")
BANDS = ("thresholds", "labels", "edges")
DATA = ("unit_column", "group_column", "sheet", "decimal")
NORMALISATION = tuple(f.name for f in dataclasses.fields(Normalisation))
AGGREGATION = tuple(f.name for f in dataclasses.fields(Aggregation))


def composite_settings_read(path: Path) -> CompositeSettings:
    """Read and check the spec file at ``path``; raises `CompositeInputError`."""
    file = path.name
    top = _Fields(file, "", _load(path), TOP)
    spec = _spec(top)
    data = _Fields(file, "data", top.value.get("data", {}), DATA)
    settings = CompositeSettings(
        spec=spec,
        normalisation=_normalisation(top, spec),
        aggregation=_aggregation(top, spec),
        reporting=_reporting(top),
        unit_column=data.get("unit_column", "text", required=True),
        group_column=data.get("group_column", "text"),
        sheet=data.get("sheet", "text"),
        decimal=data.get("decimal", "choice", "auto", choices=DECIMAL_MARKS),
        name=top.get("name", "text", ""),
        description=top.get("description", "text", ""),
    )
    _check_data_columns(top, data, settings)
    return settings


def _check_data_columns(top: _Fields, data: _Fields, settings) -> None:
    """The unit and group columns must not be an indicator's column."""
    codes = {code.lower(): index for index, code in enumerate(settings.spec.codes)}
    indicators = top.value["indicators"]
    for key in ("unit_column", "group_column"):
        column = getattr(settings, key)
        if column is None or column.lower() not in codes:
            continue
        index = next(
            i
            for i, item in enumerate(indicators)
            if str(item.get("code", "")).strip().lower() == column.lower()
        )
        where = f"indicators[{index}]"
        raise data.error(key, "is_indicator", column=column, where=where)


def _check_case(declared: list[_Fields]) -> None:
    """Codes equal ignoring case would read the same column of the data."""
    seen: dict[str, tuple[str, str]] = {}
    for fields in declared:
        code = str(fields.value.get("code", "")).strip()
        first = seen.setdefault(code.lower(), (code, fields.path))
        if first[0] != code:
            raise fields.error(
                "code", "same_but_case", name=code, other=first[0], where=first[1]
            )


def _items(top: _Fields, key: str, allowed: tuple[str, ...]) -> list[_Fields]:
    items = top.get(key, "list", [], required=key == "indicators")
    return [
        _Fields(top.file, f"{key}[{index}]", item, allowed)
        for index, item in enumerate(items)
    ]


def _spec(top: _Fields) -> CompositeSpec:
    indicator_fields = _items(top, "indicators", INDICATOR)
    group_fields = _items(top, "groups", GROUP)
    indicators = [
        CompositeIndicator(
            f.get("code", "text", required=True),
            f.get("parent", "text", required=True),
            weight=f.get("weight", "number", 1.0),
            direction=f.get("direction", "choice", 1, choices=(1, -1)),
            goalposts=f.get("goalposts", "pair"),
            target=f.get("target", "number"),
        )
        for f in indicator_fields
    ]
    groups = [
        CompositeGroup(
            f.get("code", "text", required=True),
            f.get("parent", "text"),
            weight=f.get("weight", "number", 1.0),
            min_count=f.get("min_count", "whole"),
            min_share=f.get("min_share", "number"),
        )
        for f in group_fields
    ]
    try:
        spec = CompositeSpec(indicators, groups)
    except CompositeError as error:
        # name the first declaration of the node concerned, e.g. groups[2]
        node = error.group if error.indicator is None else error.indicator
        declared = [*indicator_fields, *group_fields]
        field = next((f.path for f in declared if f.value.get("code") == node), "")
        if node is None and error.code == "zero_weight_group":
            field = "groups"  # every top-level group weighs 0
        message = engine_error_message(error)
        raise _error(top.file, field, "engine", message=message) from error
    _check_case([*indicator_fields, *group_fields])
    return spec


def _normalisation(top: _Fields, spec: CompositeSpec) -> Normalisation:
    if top.value.get("normalisation") is None:
        raise top.error("normalisation", "required")
    fields = _Fields(
        top.file, "normalisation", top.value["normalisation"], NORMALISATION
    )
    defaults = Normalisation()
    options = {}
    for name in NORMALISATION:
        default = getattr(defaults, name)
        kind = _kind(default)
        options[name] = fields.get(name, kind, default, required=name == "method")
    low, high = options["feature_range"]
    if not low < high:
        error = CompositeError("bad_feature_range")
        raise fields.error("feature_range", "engine", message=_said(error))
    try:
        norm = Normalisation(**options)
    except ValueError as error:
        raise _option_error(fields, error, "unknown_normalisation", options) from error
    needs = {"goalposts": "goalposts", "target": "target"}.get(norm.method)
    if needs:
        for index, ind in enumerate(spec.indicators):
            if getattr(ind, needs) is None:
                field = f"indicators[{index}].{needs}"
                raise _error(top.file, field, "all_need", method=norm.method)
    return norm


def _kind(default: Any) -> str:
    if isinstance(default, bool):
        return "bool"
    if isinstance(default, tuple):
        return "pair"
    if isinstance(default, str):
        return "text"
    if isinstance(default, int):
        return "whole"
    return "number"


def _said(error: CompositeError) -> str:
    return engine_error_message(error)


def _aggregation(top: _Fields, spec: CompositeSpec) -> dict[int, Aggregation]:
    levels = sorted({level for level in spec.levels.values() if level > 1})
    given = top.value.get("aggregation", "arithmetic")
    if isinstance(given, str) or (isinstance(given, dict) and "method" in given):
        one = _one_aggregation(top.file, "aggregation", given)
        return {level: one for level in levels}
    given = _object(top.file, "aggregation", given)
    allowed = ", ".join(map(str, levels))
    for key in given:
        if key not in map(str, levels):
            raise _error(top.file, f"aggregation.{key}", "not_level", levels=allowed)
    fields = _Fields(top.file, "aggregation", given, tuple(map(str, levels)))
    result = {level: Aggregation() for level in levels}
    for key, value in fields.value.items():
        result[int(key)] = _one_aggregation(top.file, fields.field(key), value)
    return result


def _one_aggregation(file: str, field: str, value: Any) -> Aggregation:
    if isinstance(value, str):
        value = {"method": value}
    fields = _Fields(file, field, value, AGGREGATION)
    defaults = Aggregation()
    options = {
        name: fields.get(name, _kind(getattr(defaults, name)), getattr(defaults, name))
        for name in AGGREGATION
    }
    try:
        return Aggregation(**options)
    except ValueError as error:
        raise _option_error(fields, error, "unknown_aggregation", options) from error


# The option each of the engine's codes is about, to name it in the message.
OPTION_FIELDS = {
    "unknown_normalisation": "method",
    "unknown_aggregation": "method",
    "bad_feature_range": "feature_range",
    "bad_min_data": "min_share",
}


def _option_error(
    fields: _Fields, error: ValueError, unknown: str, options: dict
) -> CompositeInputError:
    """The engine refused an option: a CompositeError names its code; a plain
    ValueError (the engine's checks before it had codes) is an unknown method."""
    if not isinstance(error, CompositeError):
        error = CompositeError(unknown, detail={"method": options["method"]})
    field = OPTION_FIELDS.get(error.code)
    if error.code == "bad_min_data" and options["min_count"] < 0:
        field = "min_count"
    return fields.error(field, "engine", message=_said(error))


def _reporting(top: _Fields) -> Reporting:
    fields = _Fields(top.file, "reporting", top.value.get("reporting", {}), REPORTING)
    bands = None
    if fields.has("bands"):
        b = _Fields(top.file, "reporting.bands", fields.value["bands"], BANDS)
        thresholds = b.get("thresholds", "list", required=True)
        labels = b.get("labels", "list")
        for i, label in enumerate(labels or ()):
            if not isinstance(label, str):
                raise _error(top.file, b.field(f"labels[{i}]"), "not_label")
        try:
            bands = Bands(
                tuple(
                    _number(top.file, b.field(f"thresholds[{i}]"), t)
                    for i, t in enumerate(thresholds)
                ),
                None if labels is None else tuple(labels),
                b.get("edges", "text", "upper_inclusive"),
            )
        except CompositeError as error:
            raise b.error(None, "engine", message=_said(error)) from error
    precision = 2
    if "precision" in fields.value:
        precision = fields.value["precision"]
        if precision is not None:
            precision = fields.get("precision", "whole")
    try:
        return Reporting(
            precision=precision,
            rank_method=fields.get("rank_method", "text", "competition"),
            bands=bands,
        )
    except CompositeError as error:
        raise fields.error(None, "engine", message=_said(error)) from error
