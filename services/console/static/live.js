// Live dashboards. An EventSource on the console's stream (/console/live) hears "changed" whenever
// the read models moved (at most once a second); the page is then fetched again with the same
// address (so the same as-of day and language) and its <main> swapped in, so charts and tables
// follow the events without a reload. While a field of the page has the focus (an operator typing
// a date) the swap waits until it is left, so nothing typed is lost.
// A file, not an inline script: the pages' Content-Security-Policy allows scripts from the site only.
(function () {
  "use strict";
  var root = document.getElementById("console");
  if (!root || !root.dataset.stream || !window.EventSource || !window.fetch || !window.DOMParser) { return; }
  var stream = root.dataset.stream, source = null, fetching = false, again = false, stopped = false;

  function state(value) {
    var node = document.getElementById("live-state");
    if (node) { node.dataset.live = value; }
  }

  function busy() {
    var main = document.querySelector("main"), active = document.activeElement;
    return !!(main && active && active !== document.body && main.contains(active) && active.form);
  }

  function swap(html) {
    var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("main"),
        main = document.querySelector("main");
    if (!fresh || !main || !fresh.querySelector("#console")) { return; }
    main.replaceChildren.apply(main, Array.prototype.slice.call(fresh.childNodes));
    root = document.getElementById("console");
    state("on");
    document.documentElement.dataset.swaps = String(Number(document.documentElement.dataset.swaps || 0) + 1);
  }

  function refresh() {
    if (stopped) { return; }
    if (fetching || busy()) { again = true; return; }
    fetching = true;
    fetch(window.location.href, { headers: { "Accept": "text/html" }, credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (response.redirected || !response.ok) { throw new Error(String(response.status)); }
        return response.text();
      })
      .then(swap)
      .catch(function () {
        stop();  // signed out or the page is gone: leave the page as it is
        state("off");
      })
      .then(function () {
        fetching = false;
        if (again) { again = false; refresh(); }
      });
  }

  function listen() {
    if (source || stopped) { return; }
    source = new EventSource(stream);
    source.addEventListener("open", function () { state("on"); });
    source.addEventListener("changed", refresh);
    source.addEventListener("error", function () { state("off"); });  // the browser reconnects by itself
  }

  function stop() {
    stopped = true;
    if (source) { source.close(); source = null; }
  }

  document.addEventListener("focusout", function () {
    if (again && !fetching) { window.setTimeout(function () { if (!busy()) { again = false; refresh(); } }, 0); }
  });
  // Closed when the page is left; opened again if the browser brings the page back from its cache.
  window.addEventListener("pagehide", function () {
    if (source) { source.close(); source = null; }
  });
  window.addEventListener("pageshow", function () { stopped = false; listen(); });
  listen();
})();
