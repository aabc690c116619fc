"""Read a form off a rendered page the way a browser would submit it unchanged."""

from __future__ import annotations

from html.parser import HTMLParser


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._textarea: str | None = None
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []
        self._option: list | None = None

    def handle_starttag(self, tag: str, attrs) -> None:
        a = dict(attrs)
        if tag == "form":
            self._form = {"action": a.get("action", ""), "id": a.get("id", ""), "fields": [],
                          "inputs": []}
            self.forms.append(self._form)
        if self._form is None:
            return
        if tag == "input":
            self._form["inputs"].append(a)
            kind = a.get("type", "text")
            if kind in {"submit", "button", "image", "reset", "file"} or "name" not in a:
                return
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            self._form["fields"].append((a["name"], a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "textarea" and "name" in a:
            self._textarea = a["name"]
            self._form["fields"].append((a["name"], ""))
        elif tag == "select" and "name" in a:
            self._select, self._options = a["name"], []
        elif tag == "option" and self._select is not None:
            self._option = [a.get("value"), "selected" in a, ""]

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            name, value = self._form["fields"][-1]
            self._form["fields"][-1] = (name, value + data)
        if self._option is not None:
            self._option[2] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._textarea is not None:
            name, value = self._form["fields"][-1]
            # A browser drops one newline right after <textarea>.
            self._form["fields"][-1] = (name, value[1:] if value.startswith("\n") else value)
            self._textarea = None
        elif tag == "option" and self._option is not None:
            value, selected, text = self._option
            self._options.append((text.strip() if value is None else value, selected))
            self._option = None
        elif tag == "select" and self._select is not None:
            chosen = [v for v, selected in self._options if selected] or [
                v for v, _s in self._options[:1]]
            self._form["fields"].extend((self._select, v) for v in chosen)
            self._select = None
        elif tag == "form":
            self._form = None


def forms_on(html: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def form_data(html: str, action: str) -> dict[str, list[str]]:
    """The fields of the form posting to ``action``, as a browser would send them unchanged."""
    for form in forms_on(html):
        if form["action"] == action:
            data: dict[str, list[str]] = {}
            for name, value in form["fields"]:
                data.setdefault(name, []).append(value)
            return data
    raise AssertionError(f"no form posting to {action}")


def date_inputs(html: str) -> list[dict]:
    """Every <input type="date"> and <input type="datetime-local"> of the page."""
    return [i for form in forms_on(html) for i in form["inputs"]
            if i.get("type") in {"date", "datetime-local"}]
