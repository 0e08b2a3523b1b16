"""The unit registry: agencies and territorial units, with their electronic codes and history.

A unit is one legal entity over one span of time. A merge, split or rename ends units and starts
others; `Succession` rows link them, so figures reported by old units can be re-aggregated to the
units that exist today, and the tree "as of" any date can be rebuilt.
"""

import datetime as dt

from django.core.exceptions import EmptyResultSet
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords


class UnitKind(models.TextChoices):
    PROVINCE = "province", _("UBND tỉnh, thành phố")
    DEPARTMENT = "department", _("Sở, ban, ngành")
    PUBLIC_SERVICE = "public_service", _("Đơn vị sự nghiệp")
    DISTRICT = "district", _("UBND huyện (trước 01/07/2025)")
    COMMUNE = "commune", _("UBND xã, phường, đặc khu")
    # Outside the administrative tree: not subordinate to the People's Committee, but based in the province
    # (their parent is the province they serve) and linkable as lead or coordinating units of its plans.
    CENTRAL_AGENCY = "central_agency", _("Cơ quan trung ương đóng trên địa bàn (công an, thuế, thống kê, BHXH…)")
    ENTERPRISE = "enterprise", _("Doanh nghiệp nhà nước, doanh nghiệp viễn thông (VNPT, Viettel, Bưu điện…)")


TERRITORIAL_KINDS = {UnitKind.PROVINCE, UnitKind.DISTRICT, UnitKind.COMMUNE}
# based in a province without belonging to its administration
OUTSIDE_ADMIN_KINDS = {UnitKind.CENTRAL_AGENCY, UnitKind.ENTERPRISE}


class UnitQuerySet(models.QuerySet):
    def as_of(self, day: dt.date) -> "UnitQuerySet":
        """Units that legally existed on `day`."""
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day)
        )

    def live(self) -> "UnitQuerySet":
        return self.filter(valid_to__isnull=True)

    def below(self, unit: "Unit") -> "UnitQuerySet":
        """The unit itself and everything under it."""
        return self.filter(path__startswith=unit.path)


class UnderAny(models.Lookup):
    """`path__under_any=[roots]`: the unit lies in one of these subtrees. One condition (an OR of `LIKE 'root%'`
    inside) instead of one ORM lookup per root: every scoped page and API query filters by a reader's roots, and
    building and compiling a lookup per root was a large part of their cost."""

    lookup_name = "under_any"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        roots = list(self.rhs)
        if not roots:
            raise EmptyResultSet
        lhs, lhs_params = self.process_lhs(compiler, connection)
        lhs = connection.ops.lookup_cast("startswith", self.lhs.output_field.get_internal_type()) % lhs
        condition = f"{lhs} {connection.operators['startswith']}"
        params = []
        for root in roots:
            params += [*lhs_params, connection.ops.prep_for_like_query(root) + "%"]
        return "(" + " OR ".join([condition] * len(roots)) + ")", params


class Unit(models.Model):
    code = models.CharField(
        _("Mã định danh điện tử"), max_length=13, null=True, blank=True, db_index=True,
        help_text="V1V2V3.Z1Z2.Y1Y2.Xnn theo QCVN 102:2016/BTTTT, ví dụ 000.00.00.H49",
    )
    name = models.CharField(_("Tên đầy đủ"), max_length=255)
    short_name = models.CharField(_("Tên ngắn"), max_length=120, blank=True)
    kind = models.CharField(_("Loại đơn vị"), max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
        verbose_name=_("Đơn vị cấp trên"),
    )
    stats_code = models.CharField(
        _("Mã hành chính thống kê"), max_length=10, blank=True, db_index=True,
        help_text="Mã đơn vị hành chính của Tổng cục Thống kê (chỉ đơn vị lãnh thổ)",
    )
    valid_from = models.DateField(_("Hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("Hiệu lực đến"), null=True, blank=True)
    note = models.TextField(_("Ghi chú"), blank=True)
    aliases = models.TextField(
        _("Tên gọi khác, viết tắt"), blank=True,
        help_text="Mỗi dòng một tên như văn bản hay ghi, ví dụ 'Sở TT&TT', 'VNPT Bắc Kạn'. Các viết tắt thông dụng "
                  "(Sở TT&TT, VP UBND tỉnh, UBND huyện …) được nhận tự động.")

    # Maintained by services: materialised path of ids ("/1/7/42/") for subtree queries,
    # and a diacritic-free text for search.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    search_text = models.TextField(editable=False, default="")
    version = models.PositiveIntegerField(_("Phiên bản"), default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["path", "depth", "search_text", "updated_at"])
    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("Đơn vị")
        verbose_name_plural = pgettext_lazy("plural", "Đơn vị")
        ordering = ["path"]
        indexes = [models.Index(fields=["kind", "valid_to"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_live(self) -> bool:
        return self.valid_to is None

    def is_valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or self.valid_to >= day
        )


Unit._meta.get_field("path").register_lookup(UnderAny)


class EventKind(models.TextChoices):
    MERGE = "merge", _("Hợp nhất, sáp nhập")
    SPLIT = "split", _("Chia tách")
    RENAME = "rename", _("Đổi tên")
    REORGANIZE = "reorganize", _("Tổ chức lại")
    DISSOLVE = "dissolve", _("Giải thể")


class UnitEvent(models.Model):
    """A legal act that ended some units and started others on one day."""

    kind = models.CharField(_("Loại sự kiện"), max_length=20, choices=EventKind.choices)
    date = models.DateField(_("Ngày hiệu lực"))
    legal_basis = models.CharField(_("Căn cứ pháp lý"), max_length=255, blank=True)
    note = models.TextField(_("Ghi chú"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Sự kiện sắp xếp")
        verbose_name_plural = pgettext_lazy("plural", "Sự kiện sắp xếp")
        ordering = ["-date", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%d/%m/%Y}"


class Succession(models.Model):
    """predecessor → successor through an event. `share` is the part of the predecessor carried over
    (1.0 for a whole merge); re-aggregation of old figures uses it."""

    event = models.ForeignKey(UnitEvent, on_delete=models.CASCADE, related_name="links")
    predecessor = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="successor_links")
    successor = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="predecessor_links")
    share = models.DecimalField(max_digits=5, decimal_places=4, default=1)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Kế thừa")
        verbose_name_plural = pgettext_lazy("plural", "Kế thừa")
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="unique_succession"),
            models.CheckConstraint(condition=~Q(predecessor=models.F("successor")), name="succession_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"


class Boundary(models.Model):
    """A unit's territory (GeoJSON Polygon or MultiPolygon, WGS 84) for a span of dates, so that a figure
    of 2024 is drawn on the units of 2024 and one of 2026 on today's. Loaded with
    `tinhso units import-boundaries FILE`."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="boundaries")
    valid_from = models.DateField(_("Hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("Hiệu lực đến"), null=True, blank=True)
    geometry = models.JSONField(_("Hình học GeoJSON"))
    source = models.CharField(_("Nguồn"), max_length=300, blank=True)
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Ranh giới")
        verbose_name_plural = pgettext_lazy("plural", "Ranh giới")
        ordering = ["unit", "valid_from"]

    def __str__(self) -> str:
        return f"{self.unit} {self.valid_from or '…'}–{self.valid_to or '…'}"
