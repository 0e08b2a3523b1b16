"""The unit registry: agencies and territorial units, with their electronic codes and history.

A unit is one legal entity over one span of time. A merge, split or rename ends units and starts
others; `Succession` rows link them, so figures reported by old units can be re-aggregated to the
units that exist today, and the tree "as of" any date can be rebuilt.
"""

import datetime as dt

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords


class UnitKind(models.TextChoices):
    PROVINCE = "province", "UBND tỉnh, thành phố / Provincial People's Committee"
    DEPARTMENT = "department", "Sở, ban, ngành / Department or agency"
    PUBLIC_SERVICE = "public_service", "Đơn vị sự nghiệp / Public service unit"
    DISTRICT = "district", "UBND huyện (trước 01/07/2025) / District People's Committee (historic)"
    COMMUNE = "commune", "UBND xã, phường, đặc khu / Commune or ward People's Committee"
    # Outside the administrative tree: not subordinate to the People's Committee, but based in the province
    # (their parent is the province they serve) and linkable as lead or coordinating units of its plans.
    CENTRAL_AGENCY = "central_agency", ("Cơ quan trung ương đóng trên địa bàn (công an, thuế, thống kê, BHXH…) / "
                                        "Central agency based in the province")
    ENTERPRISE = "enterprise", ("Doanh nghiệp nhà nước, doanh nghiệp viễn thông (VNPT, Viettel, Bưu điện…) / "
                                "State-owned or telecom enterprise")


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


class Unit(models.Model):
    code = models.CharField(
        "Mã định danh điện tử / Electronic ID code", max_length=13, null=True, blank=True, db_index=True,
        help_text="V1V2V3.Z1Z2.Y1Y2.Xnn theo QCVN 102:2016/BTTTT, ví dụ 000.00.00.H49",
    )
    name = models.CharField("Tên đầy đủ / Full name", max_length=255)
    short_name = models.CharField("Tên ngắn / Short name", max_length=120, blank=True)
    kind = models.CharField("Loại đơn vị / Kind", max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
        verbose_name="Đơn vị cấp trên / Parent",
    )
    stats_code = models.CharField(
        "Mã hành chính thống kê / Statistics code", max_length=10, blank=True, db_index=True,
        help_text="Mã đơn vị hành chính của Tổng cục Thống kê (chỉ đơn vị lãnh thổ)",
    )
    valid_from = models.DateField("Hiệu lực từ / Valid from", null=True, blank=True)
    valid_to = models.DateField("Hiệu lực đến / Valid to", null=True, blank=True)
    note = models.TextField("Ghi chú / Note", blank=True)
    aliases = models.TextField(
        "Tên gọi khác, viết tắt / Other names, abbreviations", blank=True,
        help_text="Mỗi dòng một tên như văn bản hay ghi, ví dụ 'Sở TT&TT', 'VNPT Bắc Kạn'. Các viết tắt thông dụng "
                  "(Sở TT&TT, VP UBND tỉnh, UBND huyện …) được nhận tự động.")

    # Maintained by services: materialised path of ids ("/1/7/42/") for subtree queries,
    # and a diacritic-free text for search.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    search_text = models.TextField(editable=False, default="")
    version = models.PositiveIntegerField("Phiên bản / Version", default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["path", "depth", "search_text", "updated_at"])
    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = "Đơn vị / Unit"
        verbose_name_plural = "Đơn vị / Units"
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


class EventKind(models.TextChoices):
    MERGE = "merge", "Hợp nhất, sáp nhập / Merge"
    SPLIT = "split", "Chia tách / Split"
    RENAME = "rename", "Đổi tên / Rename"
    REORGANIZE = "reorganize", "Tổ chức lại / Reorganize"
    DISSOLVE = "dissolve", "Giải thể / Dissolve"


class UnitEvent(models.Model):
    """A legal act that ended some units and started others on one day."""

    kind = models.CharField("Loại sự kiện / Kind", max_length=20, choices=EventKind.choices)
    date = models.DateField("Ngày hiệu lực / Effective date")
    legal_basis = models.CharField("Căn cứ pháp lý / Legal basis", max_length=255, blank=True)
    note = models.TextField("Ghi chú / Note", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "Sự kiện sắp xếp / Reorganisation event"
        verbose_name_plural = "Sự kiện sắp xếp / Reorganisation events"
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
        verbose_name = "Kế thừa / Succession"
        verbose_name_plural = "Kế thừa / Successions"
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
    valid_from = models.DateField("Hiệu lực từ / Valid from", null=True, blank=True)
    valid_to = models.DateField("Hiệu lực đến / Valid to", null=True, blank=True)
    geometry = models.JSONField("Hình học GeoJSON / GeoJSON geometry")
    source = models.CharField("Nguồn / Source", max_length=300, blank=True)
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "Ranh giới / Boundary"
        verbose_name_plural = "Ranh giới / Boundaries"
        ordering = ["unit", "valid_from"]

    def __str__(self) -> str:
        return f"{self.unit} {self.valid_from or '…'}–{self.valid_to or '…'}"
