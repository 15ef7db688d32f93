"""Parsing built HTML with the standard library: links, elements by class, text."""

from __future__ import annotations

from html.parser import HTMLParser


class Page(HTMLParser):
    """Collects every element's tag, attributes and text, in document order."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[dict] = []
        self._open: list[dict] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = {"tag": tag, "attrs": {k: v or "" for k, v in attrs}, "text": "",
                   "id": len(self.elements), "parents": {e["id"] for e in self._open}}
        self.elements.append(element)
        if tag not in ("meta", "link", "img", "br", "hr", "input"):
            self._open.append(element)

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index]["tag"] == tag:
                del self._open[index:]
                break

    def handle_data(self, data: str) -> None:
        for element in self._open:
            element["text"] += data

    def find_all(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> list[dict]:
        found = []
        for element in self.elements:
            if tag and element["tag"] != tag:
                continue
            if cls and cls not in element["attrs"].get("class", "").split():
                continue
            if any(element["attrs"].get(k) != v for k, v in attrs.items()):
                continue
            found.append(element)
        return found

    def find(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> dict:
        found = self.find_all(tag, cls, **attrs)
        assert found, f"no <{tag} class={cls} {attrs}> in page"
        return found[0]

    def text(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> str:
        return " ".join(self.find(tag, cls, **attrs)["text"].split())

    def links(self) -> list[str]:
        return [e["attrs"][a] for e in self.elements for a in ("href", "src") if a in e["attrs"]]

    def links_in(self, tag: str, cls: str | None = None, **attrs: str) -> list[str]:
        """hrefs of the <a> elements inside the first matching container."""
        container = self.find(tag, cls, **attrs)
        return [e["attrs"].get("href", "") for e in self.elements
                if e["tag"] == "a" and container["id"] in e["parents"]]
