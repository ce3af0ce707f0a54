// Progressive enhancement for the inbox page. Without JavaScript the "mark read" buttons are
// plain forms (the server answers 303 back to the page). With it they post the same forms with
// fetch and mark the item read in place, and an EventSource on the page's stream keeps the
// unread count, the badge and the title current, and says when a new notification arrived.
// A file, not an inline script: the pages' Content-Security-Policy allows scripts from the site only.
(function () {
  "use strict";
  var root = document.getElementById("inbox");
  if (!root) { return; }
  var count = document.getElementById("unread-count"),
      totalCount = document.getElementById("total-count"),
      badge = document.getElementById("unread-badge"),
      markAll = document.getElementById("mark-all"),
      news = document.getElementById("inbox-news"),
      shownTotal = Number(root.dataset.total) || 0,
      title = document.title.replace(/^\(\d+\) /, "");

  function showCounts(unread, total) {
    count.textContent = String(unread);
    if (totalCount) { totalCount.textContent = String(total); }
    if (badge) {
      badge.textContent = String(unread);
      badge.dataset.unread = String(unread);
    }
    if (markAll) { markAll.hidden = unread === 0; }
    document.title = (unread > 0 ? "(" + unread + ") " : "") + title;
    if (news && total > shownTotal) { news.hidden = false; }
  }

  function markedRead(item) {
    item.classList.remove("unread");
    var state = item.querySelector(".badge.state"), form = item.querySelector("form[data-mark]");
    if (state) {
      var dot = state.previousSibling;  // the " · " before the badge
      if (dot && dot.nodeType === Node.TEXT_NODE) { dot.textContent = dot.textContent.replace(/ · $/, ""); }
      state.remove();
    }
    if (form) { form.remove(); }
  }

  root.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.mark) { return; }
    event.preventDefault();
    var button = form.querySelector("button");
    if (button) { button.disabled = true; }
    fetch(form.action, {
      method: "POST",
      body: new URLSearchParams(new FormData(form)),
      headers: { "Accept": "application/json" },
      credentials: "same-origin"
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    }).then(function (reply) {
      if (form.dataset.mark === "all") {
        root.querySelectorAll(".notification.unread").forEach(markedRead);
      } else {
        var item = form.closest(".notification");
        if (item) { markedRead(item); }
      }
      if (button) { button.disabled = false; }
      showCounts(reply.unread, reply.total);
    }).catch(function () {
      form.submit();  // let the server answer as it does without JavaScript (sign-in, error page)
    });
  });

  var source = null;
  function listen() {
    if (!window.EventSource || !root.dataset.stream || source) { return; }
    source = new EventSource(root.dataset.stream);
    source.addEventListener("unread", function (event) {
      var counts = JSON.parse(event.data);
      showCounts(counts.unread, counts.total);
      root.dataset.live = "on";
    });
  }
  // Closed when the page is left; opened again if the browser brings the page back from its cache.
  window.addEventListener("pagehide", function () {
    if (source) { source.close(); source = null; }
  });
  window.addEventListener("pageshow", listen);
  listen();
})();
