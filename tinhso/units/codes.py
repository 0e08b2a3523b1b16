"""Electronic identification codes of agencies: V1V2V3.Z1Z2.Y1Y2.Xnn (QCVN 102:2016/BTTTT,
Decision 20/2020/QĐ-TTg). Xnn is the level-1 unit (e.g. H49 for Quảng Ninh's People's Committee);
Y1Y2, Z1Z2 and V1V2V3 identify level-2, level-3 and level-4 units below it, "00"/"000" meaning none.
"""

import re
from dataclasses import dataclass

CODE_PATTERN = re.compile(r"^(\d{3})\.(\d{2})\.(\d{2})\.([A-Z]\d{2})$")


@dataclass(frozen=True)
class ElectronicCode:
    level4: str
    level3: str
    level2: str
    level1: str

    @classmethod
    def parse(cls, code: str) -> "ElectronicCode | None":
        match = CODE_PATTERN.match(code or "")
        return cls(*match.groups()) if match else None

    @property
    def level(self) -> int:
        """1 for a level-1 unit such as a province's People's Committee, up to 4."""
        if self.level4 != "000":
            return 4
        if self.level3 != "00":
            return 3
        if self.level2 != "00":
            return 2
        return 1

    def parts_down_to(self, level: int) -> tuple[str, ...]:
        """The parts that name this code's ancestors at `level` and above."""
        ordered = (self.level1, self.level2, self.level3, self.level4)
        return ordered[:level]

    def __str__(self) -> str:
        return f"{self.level4}.{self.level3}.{self.level2}.{self.level1}"


def child_agrees_with_parent(child: ElectronicCode, parent: ElectronicCode) -> bool:
    """A child sits below its parent and repeats the parent's higher-level parts."""
    return child.level > parent.level and child.parts_down_to(parent.level) == parent.parts_down_to(parent.level)
