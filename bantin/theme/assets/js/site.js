// Progressive enhancement only: every link works without this script.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var copy = event.target.closest("[data-copy]");
    if (copy && navigator.clipboard) {
      navigator.clipboard.writeText(copy.getAttribute("data-copy")).then(function () {
        copy.textContent = copy.getAttribute("data-copied");
      });
      return;
    }
    // On phones the system share sheet lists Zalo when it is installed.
    var share = event.target.closest("[data-share-url]");
    if (share && navigator.share) {
      event.preventDefault();
      navigator.share({ title: share.getAttribute("data-share-title"), url: share.getAttribute("data-share-url") })
        .catch(function () {});
    }
  });

  // "Tin mới" beside an article: the first few of the list on the latest-news page (layouts/latest.html),
  // this article left out. Article pages include it rather than list it, so that a new article rewrites
  // one page, not the archive; the browser keeps it in its cache. Without script the slot is a link.
  var slot = document.querySelector("[data-latest]");
  if (slot && window.fetch && window.DOMParser) {
    fetch(slot.getAttribute("data-latest"), { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.text();
      })
      .then(function (html) {
        var list = new DOMParser().parseFromString(html, "text/html").querySelector("[data-latest-list] ul");
        if (!list) { return; }
        var current = slot.getAttribute("data-current");
        var count = parseInt(slot.getAttribute("data-latest-count"), 10) || 5;
        var shown = document.createElement("ul");
        shown.className = list.className;
        Array.prototype.filter.call(list.children, function (item) {
          var link = item.querySelector("a");
          return link && link.getAttribute("href") !== current;
        }).slice(0, count).forEach(function (item) {
          shown.appendChild(document.importNode(item, true));
        });
        slot.replaceChildren(shown);
      })
      .catch(function () {});  // the link stays
  }
})();
