/* The search index is fetched when the visitor opens search, not with every page: at ward scale it is larger
   than the rest of a page. The theme asks for it with an XMLHttpRequest as the page loads; this holds that one
   request back until the search box is focused or search is opened (its toggle, or the "s", "f" and "/" keys,
   which focus the box). Without script there is no search, so nothing is lost. */
(function () {
  "use strict";
  var send = XMLHttpRequest.prototype.send;
  var open = XMLHttpRequest.prototype.open;
  var held = [];
  var wanted = false;
  function release() {
    if (wanted) return;
    wanted = true;
    held.splice(0).forEach(function (h) { send.apply(h.xhr, h.args); });
  }
  XMLHttpRequest.prototype.open = function (method, url) {
    this.__searchIndex = /\/search\/search_index\.json$/.test(String(url).split("?")[0]);
    return open.apply(this, arguments);
  };
  XMLHttpRequest.prototype.send = function () {
    if (this.__searchIndex && !wanted) {
      held.push({ xhr: this, args: arguments });
      return undefined;
    }
    return send.apply(this, arguments);
  };
  document.addEventListener("focusin", function (e) {
    if (e.target && e.target.matches && e.target.matches("input.md-search__input")) release();
  });
  document.addEventListener("change", function (e) {
    if (e.target && e.target.id === "__search" && e.target.checked) release();
  });
  if (/[?&]q=/.test(location.search)) release();
})();
