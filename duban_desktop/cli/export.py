"""``export``: Word forms and bulletins (export_forms) and the Excel ledger (export_ledger)."""

from __future__ import annotations

from . import export_forms, export_ledger
from .parser import ChineseParser


def register(sub) -> None:
    parser = sub.add_parser("export", help="导出表单(Word)、督查通报或台账(Excel)")
    what = parser.add_subparsers(dest="what", metavar="内容", parser_class=ChineseParser)
    what.required = True
    export_forms.register(what)
    export_ledger.register(what)
