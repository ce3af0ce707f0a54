"""All-or-nothing CSV import of active members, with a dry run that reports every bad row."""

from __future__ import annotations

import csv
import io
from typing import Any

from pydantic import ValidationError

from kit.db.types import utcnow
from kit.errors import AppError, FieldProblem, ValidationFailed
from kit.messaging.unit_of_work import UnitOfWorkFactory
from kit.web.auth import Principal
from kit.web.problems import field_problems
from services.registry.domain.local_government import Gazetteer
from services.registry.membership.domain.workflow import MemberStatus
from services.registry.membership.schemas import ImportReport, MemberApplicationCreate
from services.registry.membership.service.applications import ensure_unique, new_member, resolve_application
from services.registry.membership.service.audit import record_audit
from services.registry.membership.service.history import record

IMPORT_COLUMNS = ["kind", "legal_form", "name", "name_kana", "local_government_code", "corporate_number",
                  "contact_name", "contact_email", "website", "directory_opt_in", "activity_tags"]
REQUIRED_COLUMNS = ("kind", "contact_name", "contact_email")
MAX_IMPORT_ROWS = 5000
MAX_IMPORT_BYTES = 5 * 1024 * 1024


def too_large() -> AppError:
    return AppError(ja="ファイルが大きすぎます。", en="The file is too large.", status=413)


def _file_problem(code: str, ja: str, en: str) -> ValidationFailed:
    return ValidationFailed([FieldProblem("file", code, ja=ja, en=en)])


def _rows(content: bytes) -> list[dict[str, str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _file_problem("encoding", "CSVはUTF-8で保存してください。", "Save the CSV as UTF-8.") from exc
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise _file_problem("columns", f"必須の列がありません：{', '.join(missing)}",
                            f"Required columns are missing: {', '.join(missing)}")
    rows = list(reader)
    if len(rows) > MAX_IMPORT_ROWS:
        raise _file_problem("rows", f"一度に取り込めるのは{MAX_IMPORT_ROWS}行までです。",
                            f"Import at most {MAX_IMPORT_ROWS} rows at once.")
    return rows


def _application(row: dict[str, str]) -> MemberApplicationCreate:
    values: dict[str, Any] = {k: (row.get(k) or "").strip() or None for k in IMPORT_COLUMNS}
    values["directory_opt_in"] = (values["directory_opt_in"] or "0").lower() in ("1", "true", "yes", "はい")
    values["activity_tags"] = [t for t in (values["activity_tags"] or "").split(";") if t.strip()]
    return MemberApplicationCreate.model_validate(values)


async def import_csv(*, uow: UnitOfWorkFactory, gazetteer: Gazetteer, actor: Principal, content: bytes,
                     dry_run: bool) -> ImportReport:
    """Validate every row; write all as active members only if none fails (and not a dry run)."""
    actor.require_operator()
    if len(content) > MAX_IMPORT_BYTES:
        raise too_large()
    rows = _rows(content)
    errors: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    async with uow() as tx:
        members = []
        for number, row in enumerate(rows, start=2):  # row 1 is the header
            problems: list[FieldProblem] = []
            try:
                data = _application(row)
                lg, corporate = resolve_application(gazetteer, data)
                for key in filter(None, (lg.code if lg else None, corporate)):
                    if key in seen:
                        problems.append(FieldProblem("row", "duplicate_in_file",
                                                     ja=f"{seen[key]}行目と重複しています。",
                                                     en=f"Duplicates row {seen[key]}."))
                    seen.setdefault(key, number)
                await ensure_unique(tx, code=lg.code if lg else None, corporate_number=corporate)
                members.append(new_member(data, lg, corporate, MemberStatus.active, utcnow()))
            except ValidationError as exc:
                problems += field_problems(exc.errors(), default_field="row")
            except AppError as exc:
                problems += exc.problems or [FieldProblem("row", "conflict" if exc.status == 409 else "invalid",
                                                          ja=exc.ja, en=exc.en)]
            errors += [{"row": number, "field": p.field, "code": p.code, "ja": p.ja, "en": p.en} for p in problems]
        report = ImportReport(dry_run=dry_run, rows=len(rows), valid=len(rows) - len({e["row"] for e in errors}),
                              imported=0, errors=errors)
        if errors and not dry_run:
            raise AppError(ja="取り込めない行があるため、何も登録していません。",
                           en="Some rows are invalid, so nothing was imported.", status=422,
                           problems=[FieldProblem(f"row {e['row']}: {e['field']}", e["code"], e["ja"], e["en"])
                                     for e in errors], extra={"report": report.model_dump()})
        if dry_run:
            return report
        for member in members:
            member.approved_at = member.submitted_at
            tx.session.add(member)
        await tx.session.flush()
        for member in members:
            record(tx, member, "import", None, actor, "CSV import", "updated")
        record_audit(tx, actor, "members.import", "member", None, rows=len(members))
        await tx.commit()
    return report.model_copy(update={"imported": len(members)})
