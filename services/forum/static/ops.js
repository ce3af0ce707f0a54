// Live counts on the operators' event pages. The server renders every count; an EventSource on
// the page's stream then applies each `counts` event ({"events": [{id, status, capacity,
// confirmed, held, waitlisted, fill}]}) to the elements carrying that event's `data-id`, so the
// fill rate and the waitlist stay current while signups come in.
// A file, not an inline script: the pages' Content-Security-Policy allows scripts from the site only.
(function () {
  "use strict";
  var root = document.getElementById("ops");
  if (!root || !root.dataset.stream || !window.EventSource) { return; }
  var state = document.getElementById("live-state"), source = null;

  function set(scope, field, value) {
    var node = scope.querySelector('[data-field="' + field + '"]');
    if (node && node.textContent !== value) { node.textContent = value; }
  }

  function apply(row) {
    root.querySelectorAll('[data-id="' + row.id + '"]').forEach(function (scope) {
      set(scope, "capacity", String(row.capacity));
      set(scope, "confirmed", String(row.confirmed));
      set(scope, "held", String(row.held));
      set(scope, "waitlisted", String(row.waitlisted));
      set(scope, "status", row.status);
      set(scope, "fill", Math.round(row.fill * 100) + "%");
      var meter = scope.querySelector('[data-field="fill-meter"]');
      if (meter) { meter.value = row.fill; }
      if (scope.dataset.status) { scope.dataset.status = row.status; }
    });
  }

  function listen() {
    if (source) { return; }
    source = new EventSource(root.dataset.stream);
    source.addEventListener("counts", function (event) {
      JSON.parse(event.data).events.forEach(apply);
      if (state) { state.dataset.live = "on"; }
    });
    source.addEventListener("error", function () {
      if (state) { state.dataset.live = "off"; }  // the browser reconnects by itself
    });
  }
  // Closed when the page is left; opened again if the browser brings the page back from its cache.
  window.addEventListener("pagehide", function () {
    if (source) { source.close(); source = null; }
  });
  window.addEventListener("pageshow", listen);
  listen();
})();
