"""CSV export of every member, UTF-8 with a BOM so Excel opens it in the right encoding."""

from __future__ import annotations

import csv
import io

from kit.jst import jst
from kit.messaging.unit_of_work import UnitOfWorkFactory
from kit.web.auth import Principal
from services.registry.membership import repository as repo
from services.registry.membership.service.audit import record_audit

EXPORT_COLUMNS = ["id", "kind", "legal_form", "name", "name_kana", "local_government_code", "corporate_number",
                  "prefecture_code", "block", "status", "contact_name", "contact_email", "website",
                  "directory_opt_in", "activity_tags", "submitted_at", "approved_at"]
FILENAME = "kakawari-members.csv"


async def export_csv(*, uow: UnitOfWorkFactory, actor: Principal) -> bytes:
    actor.require_operator()
    async with uow() as tx:
        members = await repo.all_members(tx.session)
        record_audit(tx, actor, "members.export", "member", None, rows=len(members))
        await tx.commit()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    for m in members:
        writer.writerow([m.id, m.kind, m.legal_form or "", m.name, m.name_kana or "", m.local_government_code or "",
                         m.corporate_number or "", m.prefecture_code or "", m.block or "", m.status, m.contact_name,
                         m.contact_email, m.website or "", "1" if m.directory_opt_in else "0",
                         ";".join(m.activity_tags or []), jst(m.submitted_at), jst(m.approved_at)])
    return out.getvalue().encode("utf-8-sig")
