"""The outgoing-documents register (sổ đăng ký văn bản đi) and the office's DOCX templates.

Numbers run per issuing unit and calendar year from 1; `NumberCounter` is the one row that hands them out
(locked while a number is taken), and an `IssuedDocument` keeps the issued file with its number and date.
Issued documents are never changed or deleted: a correction is a new document that names the one it
replaces."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tinhso.core.errors import DomainError, FieldError


class NumberCounter(models.Model):
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("Đơn vị ban hành"))
    year = models.PositiveSmallIntegerField(_("Năm"))
    last_number = models.PositiveIntegerField(_("Số cuối đã cấp"), default=0)

    class Meta:
        verbose_name = _("Bộ đếm số văn bản")
        verbose_name_plural = pgettext_lazy("plural", "Bộ đếm số văn bản")
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="documents_counter_unit_year")]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}: {self.last_number}"


class Immutable(DomainError):
    status = 409
    code = "immutable"

    def __init__(self) -> None:
        super().__init__(FieldError("document", "văn bản đã ban hành không được sửa hay xóa; hãy ban hành văn bản "
                                                "thay thế", "an issued document cannot be changed or deleted; issue "
                                                            "a replacing document"),
                         vi="Văn bản đã ban hành", en="Document already issued")


class IssuedDocument(models.Model):
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("Đơn vị ban hành"))
    subject = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+", null=True, blank=True,
                                verbose_name=_("Đơn vị được báo cáo"))
    year = models.PositiveSmallIntegerField(_("Năm"))
    number = models.PositiveIntegerField(_("Số"))
    symbol = models.CharField(_("Ký hiệu"), max_length=60)
    kind = models.CharField(_("Loại"), max_length=30)
    type_name = models.CharField(_("Tên loại"), max_length=60, blank=True)
    summary = models.CharField(_("Trích yếu"), max_length=500)
    date = models.DateField(_("Ngày ban hành"))
    period = models.CharField(pgettext_lazy("report period", "Kỳ báo cáo"), max_length=20, blank=True)
    signer = models.CharField(_("Người ký"), max_length=200, blank=True)
    recipients = models.TextField(_("Nơi nhận"), blank=True)
    docx = models.BinaryField("Tệp DOCX")
    pdf = models.BinaryField("Tệp PDF")
    sha256 = models.CharField("SHA-256 (DOCX)", max_length=64)
    replaces = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by",
                                 verbose_name=_("Thay thế văn bản"))
    template_version = models.PositiveIntegerField(_("Phiên bản mẫu"), null=True, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("Người vào sổ"))
    issued_at = models.DateTimeField(_("Vào sổ lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("Văn bản đi")
        verbose_name_plural = pgettext_lazy("plural", "Sổ đăng ký văn bản đi")
        ordering = ["unit", "-year", "-number"]
        constraints = [models.UniqueConstraint(fields=["unit", "year", "number"], name="documents_issued_number")]

    def __str__(self) -> str:
        return f"Số: {self.number}/{self.symbol} ngày {self.date:%d/%m/%Y}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise Immutable()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise Immutable()

    @property
    def number_symbol(self) -> str:
        return f"{self.number}/{self.symbol}"


class DocumentTemplate(models.Model):
    """A DOCX with placeholders ({{ number }}, {{ place_date }}, {{p body }}…) for one kind of document.
    Versions are kept; the newest active one is used."""

    kind = models.CharField(_("Loại văn bản"), max_length=30)
    version = models.PositiveIntegerField(_("Phiên bản"))
    name = models.CharField(_("Tên"), max_length=200)
    content = models.BinaryField("Tệp DOCX")
    sha256 = models.CharField("SHA-256", max_length=64)
    active = models.BooleanField(_("Đang dùng"), default=True)
    note = models.CharField(_("Ghi chú"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Mẫu văn bản")
        verbose_name_plural = pgettext_lazy("plural", "Mẫu văn bản")
        ordering = ["kind", "-version"]
        constraints = [models.UniqueConstraint(fields=["kind", "version"], name="documents_template_version")]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"
