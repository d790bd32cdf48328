"""One dialog shape for every step: labelled fields, a message beside the field that
is wrong, and a submit function that calls the domain and either succeeds or refuses.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ...domain.errors import DomainError, ValidationError


class FormDialog(QDialog):
    def __init__(self, parent: QWidget | None, title: str, intro: str = "", ok_text: str = "保存"):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        self.fields: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        self.aliases: dict[str, str] = {}
        self.result_value = None
        self._submit: Callable[[dict], object] | None = None

        self.banner = QLabel()
        self.banner.setObjectName("error")
        self.banner.setWordWrap(True)
        self.banner.hide()
        body = QWidget()
        self.form = QFormLayout(body)
        self.form.setLabelAlignment(Qt.AlignRight | Qt.AlignTop)
        self.form.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
        self.form.setRowWrapPolicy(QFormLayout.DontWrapRows)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.NoFrame)
        scroll.setWidget(body)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.buttons.button(QDialogButtonBox.Ok).setText(ok_text)
        self.buttons.button(QDialogButtonBox.Cancel).setText("取消")
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        if intro:
            label = QLabel(intro)
            label.setWordWrap(True)
            label.setObjectName("intro")
            layout.addWidget(label)
        layout.addWidget(self.banner)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.buttons)
        self.resize(620, 200)

    def add(self, key: str, label: str, widget: QWidget, *, required: bool = False,
            hint: str = "", aliases: tuple[str, ...] = ()) -> QWidget:
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        if widget.sizePolicy().horizontalPolicy() in (QSizePolicy.Expanding, QSizePolicy.MinimumExpanding):
            column.addWidget(widget)
        else:  # a date or a number stays compact; its hint still gets the full width
            line = QHBoxLayout()
            line.setContentsMargins(0, 0, 0, 0)
            line.addWidget(widget)
            line.addStretch(1)
            column.addLayout(line)
        if hint:
            note = QLabel(hint)
            note.setObjectName("hint")
            note.setWordWrap(True)
            column.addWidget(note)
        error = QLabel()
        error.setObjectName("error")
        error.setWordWrap(True)
        error.hide()
        column.addWidget(error)
        caption = QLabel(("* " if required else "") + label + ":")
        caption.setBuddy(widget)
        self.form.addRow(caption, holder)
        self.fields[key] = widget
        self.errors[key] = error
        for alias in aliases:
            self.aliases[alias] = key
        return widget

    def fit_to_content(self) -> None:
        """As tall as the fields need, up to what the screen allows (then it scrolls)."""
        body = self.form.parentWidget()
        width = max(self.width(), 640)
        inner = width - 60  # dialog margins and the scroll bar
        # wrapped hint labels make the form's height depend on its width
        needed = (self.form.totalHeightForWidth(inner) if self.form.hasHeightForWidth()
                  else body.sizeHint().height())
        body.setMinimumHeight(needed)  # scroll rather than squeeze rows over each other
        wanted = needed + 40
        for widget in (self.banner, self.buttons, *self.findChildren(QLabel, "intro")):
            if widget.isVisibleTo(self):
                wanted += widget.sizeHint().height() + 8
        screen = self.screen().availableGeometry() if self.screen() else None
        limit = int(screen.height() * 0.9) if screen else 760
        self.resize(width, min(wanted, limit))

    def add_note(self, text: str) -> QLabel:
        label = QLabel(text)
        label.setObjectName("hint")
        label.setWordWrap(True)
        self.form.addRow("", label)
        return label

    def on_submit(self, fn: Callable[[dict], object]) -> None:
        self._submit = fn

    def values(self) -> dict:
        return {key: widget.value() for key, widget in self.fields.items()}

    def clear_errors(self) -> None:
        self.banner.hide()
        for label in self.errors.values():
            label.hide()
            label.clear()

    def show_error(self, field: str, message: str) -> None:
        key = self.aliases.get(field, field)
        if key in self.errors:
            self.errors[key].setText(message)
            self.errors[key].show()
            widget = self.fields[key]
            focus = getattr(widget, "widget_for", lambda _f: None)(field) or widget
            focus.setFocus()
        else:
            self.banner.setText(message)
            self.banner.show()

    def submit(self) -> None:
        self.clear_errors()
        if self._submit is None:
            self.accept()
            return
        try:
            self.result_value = self._submit(self.values())
        except ValidationError as exc:
            self.show_error(exc.field, exc.message)
            return
        except DomainError as exc:
            QMessageBox.warning(self, "不能这样办理", str(exc))
            return
        self.accept()

    def run(self):
        """Show modally; the submit function's result, or None when cancelled."""
        self.fit_to_content()
        return self.result_value if self.exec() == QDialog.Accepted else None
