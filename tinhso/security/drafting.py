"""A level dossier's documents drafted in the state's format by the documents library (issue #12): the
submission for appraisal and approval (with the level justification) and the draft approval decision. The
content is security's (report.DOCUMENTS); tinhso.documents lays it out (Decree 30/2020) as DOCX and PDF. A
drafted file can be attached to the dossier as the component it is."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.files.base import ContentFile

from tinhso.accounts.models import User
from tinhso.core.errors import FieldError, ValidationFailed
from tinhso.security import dossiers
from tinhso.security.models import DossierDocument

# what the page and the API call a draft → (the documents kind, the dossier component it is attached as)
DRAFTS = {
    "proposal": ("security_proposal", "level_justification"),
    "decision": ("security_decision", "approval_decision"),
}
LABELS = {"proposal": "Tờ trình đề nghị thẩm định, phê duyệt (kèm thuyết minh đề xuất cấp độ)",
          "decision": "Dự thảo quyết định phê duyệt hồ sơ đề xuất cấp độ"}
MIME = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "pdf": "application/pdf"}


@dataclass
class Drafted:
    name: str
    content: bytes
    mime: str
    attached: DossierDocument | None = None


def draft(user: User, dossier_id: int, which: str, fmt: str = "docx", attach: bool = False,
          day: dt.date | None = None) -> Drafted:
    """The dossier's `which` ("proposal" or "decision") as a DOCX or PDF drafted for `user` (who must read the
    owner's data); with `attach`, also stored on the dossier as its component (the workflow's own rules on who
    may attach, and when, apply). `day` is the document's date when the author sets it (by default the
    dossier's date for the proposal, the decision's date or today for the decision)."""
    from tinhso.documents import services as documents
    from tinhso.documents.compose import Options

    if which not in DRAFTS:
        raise ValidationFailed(FieldError("document", f"chọn một trong: {', '.join(DRAFTS)}",
                                          f"one of: {', '.join(DRAFTS)}"))
    if fmt not in MIME:
        raise ValidationFailed(FieldError("format", "chọn docx hoặc pdf", "docx or pdf"))
    dossier = dossiers.get_dossier(dossier_id)
    kind, component = DRAFTS[which]
    doc, docx, pdf = documents.draft_files(user, kind, dossier.system.owner_id, str(dossier.dated.year),
                                           Options(reference=str(dossier.pk), date=day))
    content = pdf if fmt == "pdf" else docx
    drafted = Drafted(f"{doc.file_stem()}.{fmt}", content, MIME[fmt])
    if attach:
        drafted.attached = dossiers.attach_document(user, dossier.pk, component, ContentFile(content, drafted.name))
    return drafted
