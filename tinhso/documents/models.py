"""The outgoing-documents register (sổ đăng ký văn bản đi) and the office's DOCX templates.

Numbers run per issuing unit and calendar year from 1; `NumberCounter` is the one row that hands them out
(locked while a number is taken), and an `IssuedDocument` keeps the issued file with its number and date.
Issued documents are never changed or deleted: a correction is a new document that names the one it
replaces."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from tinhso.core.errors import DomainError, FieldError


class NumberCounter(models.Model):
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+",
                             verbose_name="Đơn vị ban hành / Issuing unit")
    year = models.PositiveSmallIntegerField("Năm / Year")
    last_number = models.PositiveIntegerField("Số cuối đã cấp / Last number issued", default=0)

    class Meta:
        verbose_name = "Bộ đếm số văn bản / Number counter"
        verbose_name_plural = "Bộ đếm số văn bản / Number counters"
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
                             verbose_name="Đơn vị ban hành / Issuing unit")
    subject = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+", null=True, blank=True,
                                verbose_name="Đơn vị được báo cáo / Unit reported on")
    year = models.PositiveSmallIntegerField("Năm / Year")
    number = models.PositiveIntegerField("Số / Number")
    symbol = models.CharField("Ký hiệu / Symbol", max_length=60)
    kind = models.CharField("Loại / Kind", max_length=30)
    type_name = models.CharField("Tên loại / Type", max_length=60, blank=True)
    summary = models.CharField("Trích yếu / Summary", max_length=500)
    date = models.DateField("Ngày ban hành / Date")
    period = models.CharField("Kỳ báo cáo / Period", max_length=20, blank=True)
    signer = models.CharField("Người ký / Signer", max_length=200, blank=True)
    recipients = models.TextField("Nơi nhận / Recipients", blank=True)
    docx = models.BinaryField("Tệp DOCX")
    pdf = models.BinaryField("Tệp PDF")
    sha256 = models.CharField("SHA-256 (DOCX)", max_length=64)
    replaces = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by",
                                 verbose_name="Thay thế văn bản / Replaces")
    template_version = models.PositiveIntegerField("Phiên bản mẫu / Template version", null=True, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name="Người vào sổ / Registered by")
    issued_at = models.DateTimeField("Vào sổ lúc / Registered at", auto_now_add=True)

    class Meta:
        verbose_name = "Văn bản đi / Outgoing document"
        verbose_name_plural = "Sổ đăng ký văn bản đi / Outgoing register"
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

    kind = models.CharField("Loại văn bản / Kind", max_length=30)
    version = models.PositiveIntegerField("Phiên bản / Version")
    name = models.CharField("Tên / Name", max_length=200)
    content = models.BinaryField("Tệp DOCX")
    sha256 = models.CharField("SHA-256", max_length=64)
    active = models.BooleanField("Đang dùng / Active", default=True)
    note = models.CharField("Ghi chú / Note", max_length=300, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "Mẫu văn bản / Document template"
        verbose_name_plural = "Mẫu văn bản / Document templates"
        ordering = ["kind", "-version"]
        constraints = [models.UniqueConstraint(fields=["kind", "version"], name="documents_template_version")]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"
