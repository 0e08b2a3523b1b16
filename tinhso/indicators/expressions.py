"""A tiny, safe expression language for derived indicators and validation rules.

Expressions name indicators by code in braces and use numbers, + - * / and parentheses:
`{OCOP_ECOM} / {OCOP_TOTAL} * 100`, `{HS_TT} + {HS_TRUC_TIEP}`. They are parsed with Python's `ast`
and only those node types are accepted, so a formula stored as data can never run code.
"""

from __future__ import annotations

import ast
import re
from decimal import Decimal, DivisionByZero, InvalidOperation

_CODE = re.compile(r"\{([A-Za-z0-9_.]+)\}")
_ALLOWED_BINOPS = (ast.Add, ast.Sub, ast.Mult, ast.Div)
OPERATORS = {
    "<=": lambda a, b: a <= b,
    "<": lambda a, b: a < b,
    ">=": lambda a, b: a >= b,
    ">": lambda a, b: a > b,
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
}


class ExpressionError(ValueError):
    """What is wrong with an expression, in Vietnamese (`vi`) and English (`en`)."""

    def __init__(self, vi: str, en: str):
        super().__init__(f"{vi} / {en}")
        self.vi, self.en = vi, en


def codes_in(expression: str) -> list[str]:
    """Indicator codes referenced by an expression, in order of first appearance."""
    seen: list[str] = []
    for code in _CODE.findall(expression or ""):
        if code not in seen:
            seen.append(code)
    return seen


def _to_python(expression: str) -> ast.Expression:
    text = _CODE.sub(lambda m: f"__v[{m.group(1)!r}]", expression or "")
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        # Python's own message names the rewritten text, not what the user typed: say it plainly
        raise ExpressionError("cú pháp không hợp lệ (thiếu số hạng, thừa dấu hoặc ngoặc?)",
                              "invalid syntax (a missing term, an extra operator or parenthesis?)") from exc
    for node in ast.walk(tree):
        if isinstance(node, ast.Expression | ast.Load | ast.Add | ast.Sub | ast.Mult | ast.Div | ast.USub | ast.UAdd):
            continue
        if isinstance(node, ast.BinOp) and isinstance(node.op, _ALLOWED_BINOPS):
            continue
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float) and not isinstance(node.value, bool):
            continue
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == "__v":
            continue
        if isinstance(node, ast.Name) and node.id == "__v":
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, str):  # the code inside __v['X']
            continue
        raise ExpressionError("chỉ cho phép số, mã chỉ tiêu {MA}, + - * / và ngoặc",
                              f"only numbers, {{CODE}}, + - * / and parentheses are allowed "
                              f"(found {type(node).__name__})")
    return tree


def check(expression: str) -> None:
    """Raise ExpressionError when the expression is not in the language."""
    if not (expression or "").strip():
        raise ExpressionError("biểu thức trống", "empty expression")
    _to_python(expression)


def evaluate(expression: str, values: dict[str, Decimal | None]) -> Decimal | None:
    """The value, or None when a referenced value is missing or a division by zero happens."""
    tree = _to_python(expression)

    def ev(node):
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant):
            return Decimal(str(node.value))
        if isinstance(node, ast.Subscript):
            key = node.slice.value if isinstance(node.slice, ast.Constant) else None
            value = values.get(key)
            if value is None:
                raise _Missing
            return Decimal(value)
        if isinstance(node, ast.UnaryOp):
            operand = ev(node.operand)
            return -operand if isinstance(node.op, ast.USub) else operand
        left, right = ev(node.left), ev(node.right)
        if isinstance(node.op, ast.Add):
            return left + right
        if isinstance(node.op, ast.Sub):
            return left - right
        if isinstance(node.op, ast.Mult):
            return left * right
        if right == 0:
            raise _Missing
        return left / right

    try:
        return ev(tree)
    except (_Missing, DivisionByZero, InvalidOperation):
        return None


class _Missing(Exception):
    pass
