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
})();
