"""The Word templates of the standard forms: which file, which placeholders, checks.

The office's own templates (data folder/templates) override the shipped ones (forms/).
A template that is not a Word document, lacks a placeholder the form needs, or holds one
the program does not know gives a TemplateError naming the file and what is wrong.

A template is not trusted: every load for a fill cleans it in memory (docx_safety: no DTD,
no external relationships, attached template, macros, objects or fields but page
numbers), and ``install_template`` installs the cleaned copy of a file from elsewhere;
both say what was removed.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.opc.exceptions import PackageNotFoundError
from lxml.etree import XMLSyntaxError

from ..domain.errors import DomainError
from ..system import paths
from . import docx_safety, form_fill
from .files import atomic_write

log = logging.getLogger(__name__)

FORM_KINDS = {
    "register": "督促检查登记单",
    "notice": "催(交)办通知",
    "instruction_report": "领导同志批示件办理情况",
    "resolution_record": "协调会议纪要/协议书",
    "bulletin": "督查通报",
}

TEMPLATE_FILES = {
    "register": "督促检查登记单.docx",
    "notice": "催办通知.docx",
    "instruction_report": "领导同志批示件办理情况.docx",
    "resolution_record": "协调会议纪要或协议书.docx",
    "bulletin": "督查通报.docx",
}

GUIDE_NAME = "占位符说明.txt"  # forms/README.md, copied beside the office's templates

COMMON_FIELDS = {
    "办公室名称": "本办公室名称(设置中的“办公室名称”)",
    "联系电话": "本办公室联系电话(设置中的“联系电话”)",
    "经办人": "经办人:事项的登记人,没有时为设置中的“操作员姓名”",
    "今天": "导出当天的日期",
}

ITEM_FIELDS = {
    "编号": "催字号,如 催字〔2026〕12号",
    "登记日期": "登记(立项)日期",
    "催办项目": "事项名称",
    "项目内容": "项目内容和要求",
    "立项依据": "上级机关交办、领导批示、会议决定……",
    "依据文件": "所依据的文件或会议",
    "主办单位": "主办单位名称",
    "协办单位": "协办单位,以顿号分隔",
    "具体负责人": "具体负责人",
    "承办单位及负责人": "如 县住房和城乡建设局（蒋建华）；有协办、配合单位时每个单位一行，写明角色、负责人、完成时限和承担的任务",
    "各单位办理情况": "每个承办单位一行：单位（角色）和它报送的办理结果，尚未报送的写明",
    "发出时间": "交办通知发出的日期",
    "完成时限": "现行完成时限(含批准的延期和催办时改定的时限)",
    "原定时限": "立项时的完成时限",
    "领导批示": "领导批示的内容",
    "批示领导": "作出批示的领导",
    "批示日期": "批示日期,如 2026年6月1日",
    "批示月日": "批示日期的月日,如 6月1日",
    "批示载体": "领导在其上作出批示的文件(即“依据文件”)",
    "承办单位": "主办单位,有协办单位时加“会同”协办单位",
    "办理状态": "办理中、待审理、待反馈、已办结……",
    "办理结果": "主办单位报送的办理结果",
    "处理结果": "办理结果、审理意见和反馈情况的汇总(登记单用)",
    "办结日期": "反馈办结的日期",
    "查办结果摘要": "查办结果摘要",
    "拟办意见": "拟办意见",
    "催办次数": "已催办的次数",
    "登记人": "登记该事项的人",
    "通知类别": "“交办”(尚未催办且未逾期)或“催办”",
    "承办角色": "通知所送单位在事项中的角色:主办、协办或配合(通知用;有几个承办单位时,每个单位一份通知)",
    "反馈天数": "请在几日内反映办理情况(最近一次催办的反馈期限,或设置中的天数)",
    "反馈截止日期": "最近一次催办要求反馈的日期",
    "办理要求": "完成时限、领导批示和最近一次催办的要求(通知用)",
    "通知日期": "通知的落款日期(导出当天)",
    "报送日期": "批示件办理情况的报送日期(已反馈时为反馈日期,否则为导出当天)",
}
ITEM_LISTS = {
    "催办记录": {"序号": "1、2、3……", "日期": "催办日期", "方式": "催办方式",
                 "内容": "催办内容", "反馈期限": "要求反馈的日期", "新时限": "改定的完成时限",
                 "催办人": "催办人", "记录": "一条完整的记录(日期、方式、内容、时限);延期也记在这里"},
}

CASE_FIELDS = {
    "事项编号": "协调事项编号,如 协字〔2026〕3号",
    "协调事项": "协调事项名称",
    "事项说明": "事项的情况说明",
    "受托来源": "上级机关或领导指示、本级交办……",
    "提出方": "提出协调要求的领导或单位",
    "受托日期": "受托日期",
    "协调类型": "计划协调、业务协调……",
    "协调各方": "协调各方单位,以顿号分隔",
    "核查情况": "背景、依据、调查和主管部门意见的汇总,以及协调方案",
    "协调方案": "协调方案",
    "协调手段": "软协调或硬协调",
    "协调方式": "公文协调、会议协调……",
    "协商次数": "协商次数",
    "处理决定": "处理决定(一致意见)",
    "处理日期": "处理决定的日期",
    "记录形式": "会议纪要或协议书",
    "记录名称": "标题,如 关于县城停车场建设选址的协调会议纪要",
    "记录编号": "纪要或协议编号,没有时为协调事项编号",
    "记录用语": "“现纪要如下”或“达成协议如下”",
    "签署各方": "登记的签署各方",
    "办理状态": "待审理、核查中、协商中、已处理……",
}
CASE_LISTS = {
    "协商记录": {"序号": "(一)(二)……", "日期": "协商日期", "地点": "地点",
                 "方式": "如 集体、当面、正式、直接协商", "参加人员": "参加人员",
                 "各方意见": "各方意见", "结果": "协商结果", "记录": "一次协商的完整记录"},
    "决定事项": {"序号": "1、2、3……", "承办单位": "承办单位", "事项": "要落实的事项",
                 "完成时限": "完成时限", "负责人": "负责人", "督办编号": "已立项督办时的催字号"},
    "签署方": {"序号": "1、2、3……", "单位": "协调一方的单位", "日期": "空白日期,签署时手填"},
}

BULLETIN_FIELDS = {
    "通报日期": "通报日期(统计截止日)",
    "交办": "交办件数", "办结": "办结件数", "按期办结": "按期办结件数",
    "未办结": "未办结件数", "逾期": "逾期件数",
    "办结率": "办结率,如 85.0%", "按期办结率": "按期办结率",
    "统计口径": "各项数字的定义",
}
_UNIT_STAT = {k: k for k in ("交办", "办结", "按期办结", "未办结", "逾期", "办结率", "按期办结率")}
BULLETIN_LISTS = {
    "单位统计": {"序号": "1、2、3……", "承办单位": "承办单位", **_UNIT_STAT},
    "逾期事项": {"序号": "1、2、3……", "编号": "催字号", "催办项目": "事项名称",
                 "承办单位": "主办单位", "具体负责人": "具体负责人", "完成时限": "完成时限",
                 "逾期工作日": "已逾期的工作日数", "办理状态": "办理状态", "催办次数": "催办次数"},
}

FIELDS = {
    "register": ({**COMMON_FIELDS, **ITEM_FIELDS}, ITEM_LISTS),
    "notice": ({**COMMON_FIELDS, **ITEM_FIELDS}, ITEM_LISTS),
    "instruction_report": ({**COMMON_FIELDS, **ITEM_FIELDS}, ITEM_LISTS),
    "resolution_record": ({**COMMON_FIELDS, **CASE_FIELDS}, CASE_LISTS),
    "bulletin": ({**COMMON_FIELDS, **BULLETIN_FIELDS}, BULLETIN_LISTS),
}

# what each form cannot do without; a tuple means any one of them; a list name means
# any field of that list
REQUIRED = {
    "register": ["编号", "催办项目", ("承办单位及负责人", "主办单位", "承办单位"), "完成时限",
                 "领导批示", "催办记录", ("处理结果", "办理结果")],
    "notice": ["编号", "催办项目", ("主办单位", "承办单位", "承办单位及负责人"), "反馈天数",
               "联系电话"],
    "instruction_report": ["编号", "领导批示", "查办结果摘要", "拟办意见"],
    "resolution_record": ["协调事项", ("协调各方", "签署方"), "处理决定", "决定事项"],
    "bulletin": ["通报日期", "办结率", "按期办结率", "单位统计", "逾期事项"],
}


class TemplateError(DomainError):
    """A Word template cannot be used; the message names it and says what is wrong."""


# ------------------------------------------------------------------ where


def office_templates_dir() -> Path:
    return paths.office_templates_dir()


def shipped_path(kind: str) -> Path:
    return paths.shipped_forms_dir() / TEMPLATE_FILES[kind]


def office_path(kind: str) -> Path:
    return office_templates_dir() / TEMPLATE_FILES[kind]


def template_path(kind: str) -> Path:
    """The office's own template if it has one, else the shipped one."""
    if kind not in TEMPLATE_FILES:
        raise ValueError(kind)
    own = office_path(kind)
    return own if own.is_file() else shipped_path(kind)


def is_office_template(kind: str) -> bool:
    return office_path(kind).is_file()


# ------------------------------------------------------------------ checking


def _describe(kind: str, path: Path) -> str:
    whose = "本办公室的模板" if path.parent == office_templates_dir() else "程序自带的模板"
    return f"{whose}“{path.name}”（{FORM_KINDS[kind]}，位于 {path.parent}）"


def _load(path: Path, where: str):
    """(document, cleaned): the file cleaned by docx_safety, and opened by python-docx."""
    try:
        if path.stat().st_size > docx_safety.MAX_TOTAL_BYTES:
            raise docx_safety.Refused(
                f"文件大于 {docx_safety.MAX_TOTAL_BYTES // (1024 * 1024)} MB，不像是表单模板")
        cleaned = docx_safety.clean_docx(path.read_bytes())
        document = Document(io.BytesIO(cleaned.data))
    except docx_safety.Refused as exc:
        raise TemplateError(f"{where}不能使用：{exc}。请换用本办公室自己用 Word 或 WPS 制作的模板，"
                            "或在设置中恢复默认模板。") from exc
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError, XMLSyntaxError) as exc:
        raise TemplateError(
            f"{where}不是有效的 Word 文档（.docx），无法打开（{type(exc).__name__}）。"
            "请在 Word 或 WPS 中另存为“Word 文档（*.docx）”，或在设置中恢复默认模板。") from exc
    except OSError as exc:
        raise TemplateError(f"无法读取{where}：{exc.strerror or exc}。") from exc
    return document, cleaned


def load_template(kind: str, path: Path | None = None):
    """(document, removed): the template as a python-docx Document, cleaned of what a form
    must not carry (``removed`` says what, in Chinese) and checked; TemplateError if
    unusable. The file itself is not changed: it is cleaned again on every fill, since the
    office may edit it in Word at any time."""
    path = Path(path) if path is not None else template_path(kind)
    where = _describe(kind, path)
    if not path.is_file():
        raise TemplateError(f"找不到{where}。请在设置中恢复默认模板。")
    document, cleaned = _load(path, where)
    problems = placeholder_problems(kind, document)
    if problems:
        raise TemplateError(f"{where}有问题：" + "；".join(problems) + "。请修改模板，或在设置中恢复默认模板。")
    return document, cleaned.removed


def open_template(kind: str, path: Path | None = None, removed: list[str] | None = None):
    """The template as a python-docx Document, cleaned and checked (see load_template);
    what was removed is logged and added to ``removed``."""
    document, found = load_template(kind, path)
    if found:
        log.warning("template %s cleaned before filling: %s",
                    path or template_path(kind), "; ".join(found))
        if removed is not None:
            removed.extend(found)
    return document


def placeholder_problems(kind: str, document) -> list[str]:
    fields, lists = FIELDS[kind]
    names = form_fill.placeholders(document)
    present = set(names)
    present_lists = {form_fill.list_of(n) for n in names} - {None}
    problems = []
    unknown = []
    for name in names:
        list_name = form_fill.list_of(name)
        if list_name is None:
            ok = name in fields
        else:
            ok = list_name in lists and name.split(".", 1)[1] in lists[list_name]
        if not ok and name not in unknown:
            unknown.append(name)
    if unknown:
        problems.append("无法识别的占位符 " + "、".join(f"{{{{{n}}}}}" for n in unknown[:8]))
    for need in REQUIRED[kind]:
        options = need if isinstance(need, tuple) else (need,)
        if any(o in present or o in present_lists for o in options):
            continue
        shown = "或".join(f"{{{{{o}.…}}}}" if o in lists else f"{{{{{o}}}}}" for o in options)
        problems.append(f"缺少占位符 {shown}")
    for root in form_fill.containers(document):
        for p in form_fill.paragraphs(root):
            used = {form_fill.list_of(n) for n in form_fill.names_in(form_fill.paragraph_text(p))}
            used.discard(None)
            if len(used) > 1:
                problems.append("同一段落中不能使用两个列表（" + "、".join(sorted(used)) + "）")
                break
    return problems


@dataclass(frozen=True)
class TemplateCheck:
    """The template in use for a form: whether it can be used, what a fill removes."""

    kind: str
    path: Path
    problem: str | None
    removed: tuple[str, ...]


def check_template(kind: str) -> TemplateCheck:
    path = template_path(kind)
    try:
        _document, removed = load_template(kind, path)
    except TemplateError as exc:
        return TemplateCheck(kind, path, str(exc), ())
    return TemplateCheck(kind, path, None, tuple(removed))


def template_problems() -> list[str]:
    """One message for each template in use (the office's own first) that cannot be used."""
    return [check.problem for kind in TEMPLATE_FILES if (check := check_template(kind)).problem]


# ------------------------------------------------------------------ the office's copies


def copy_shipped_templates(overwrite: bool = False) -> list[Path]:
    """Copy the shipped templates into the office's folder to edit there.

    Templates the office already has are kept unless ``overwrite``. Returns the files
    written (the placeholder guide included).
    """
    folder = office_templates_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for kind in TEMPLATE_FILES:
            dest = office_path(kind)
            if dest.exists() and not overwrite:
                continue
            shutil.copyfile(shipped_path(kind), dest)
            written.append(dest)
        guide = paths.shipped_forms_dir() / "README.md"
        if guide.is_file():
            shutil.copyfile(guide, folder / GUIDE_NAME)
            written.append(folder / GUIDE_NAME)
    except OSError as exc:
        from ..system.oserrors import describe

        raise TemplateError(describe(exc, folder)) from exc
    return written


@dataclass(frozen=True)
class Installed:
    path: Path  # the office's template now in use
    removed: tuple[str, ...]  # what was taken out of the file before it was installed
    previous: Path | None  # where the office's earlier template was kept, if it had one


def install_template(kind: str, source: Path | str) -> Installed:
    """Make the Word file ``source`` the office's template for ``kind``.

    What a form must not carry is removed first (docx_safety): the installed copy is the
    cleaned one and ``removed`` says what went. A file that cannot be made safe (a DTD or
    entities) or lacks what the form needs is refused with TemplateError naming it, and
    nothing is changed. An earlier template of the office is copied aside, not lost."""
    if kind not in TEMPLATE_FILES:
        raise ValueError(kind)
    source = Path(source)
    where = f"所选文件“{source.name}”（位于 {source.parent}）"
    if not source.is_file():
        raise TemplateError(f"找不到{where}。")
    document, cleaned = _load(source, where)  # the same refusals as a fill
    problems = placeholder_problems(kind, document)
    if problems:
        raise TemplateError(f"{where}不能作为“{FORM_KINDS[kind]}”的模板：" + "；".join(problems)
                            + "。请对照模板文件夹中的占位符说明修改后再安装。")
    dest = office_path(kind)
    previous = None
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        if dest.is_file():
            previous = dest.parent / f"旧模板-{dt.datetime.now():%Y%m%d-%H%M%S}"
            previous.mkdir(parents=True, exist_ok=True)
            shutil.copy2(dest, previous / dest.name)
    except OSError as exc:
        from ..system.oserrors import describe

        raise TemplateError(describe(exc, previous or dest.parent)) from exc
    atomic_write(dest, lambda tmp: tmp.write_bytes(cleaned.data))
    if cleaned.removed:
        log.warning("template %s installed from %s cleaned: %s", dest, source,
                    "; ".join(cleaned.removed))
    return Installed(dest, tuple(cleaned.removed), previous)


def restore_default_templates() -> Path | None:
    """Use the shipped templates again. The office's own are moved, not deleted, into a
    dated folder beside them; returns that folder (None when there was nothing to move)."""
    folder = office_templates_dir()
    own = [office_path(kind) for kind in TEMPLATE_FILES if office_path(kind).is_file()]
    if not own:
        return None
    aside = folder / f"旧模板-{dt.datetime.now():%Y%m%d-%H%M%S}"
    try:
        aside.mkdir(parents=True, exist_ok=False)
        for path in own:
            shutil.move(str(path), aside / path.name)
    except OSError as exc:
        from ..system.oserrors import describe

        raise TemplateError(describe(exc, aside)) from exc
    return aside
