// The staff check-in desk. A USB scanner types the QR's code and Enter into the focused input,
// like a keyboard; staff may also type the code by hand. Without JavaScript the form posts and
// the page comes back with the result. With it, the form is posted with fetch, the result shows
// in place (big, coloured, with a short sound), the last scans are listed, and the input is
// cleared and focused again for the next person.
// A file, not an inline script: the pages' Content-Security-Policy allows scripts from the site only.
(function () {
  "use strict";
  var root = document.getElementById("checkin");
  if (!root) { return; }
  var form = document.getElementById("checkin-form"),
      input = document.getElementById("code"),
      result = document.getElementById("result"),
      recent = document.getElementById("recent"),
      checkedIn = document.getElementById("checked-in-count"),
      confirmed = document.getElementById("confirmed-count"),
      busy = false,
      queued = false,  // Enter pressed while the previous scan was still on its way
      audio = null;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  function beep(ok) {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      var osc = audio.createOscillator(), gain = audio.createGain();
      osc.frequency.value = ok ? 880 : 220;
      gain.gain.value = 0.15;
      osc.connect(gain);
      gain.connect(audio.destination);
      osc.start();
      osc.stop(audio.currentTime + (ok ? 0.12 : 0.45));
    } catch (e) { /* no sound on this browser: the colours still say it */ }
  }

  function show(reply) {
    var box = el("div", "result" + (reply.admitted ? "" : " refused"));
    box.dataset.verdict = reply.verdict;
    box.appendChild(el("p", "verdict", (reply.admitted ? "" : "⚠ ") + reply.message));
    if (reply.name) {
      box.appendChild(el("p", "who", reply.name));
      if (reply.name_kana) { box.appendChild(el("p", "kana", reply.name_kana)); }
      if (reply.affiliation) { box.appendChild(el("p", "aff", reply.affiliation)); }
    }
    if (reply.other_event) { box.appendChild(el("p", "", "→ " + reply.other_event)); }
    if (reply.checked_in_at) { box.appendChild(el("p", "muted", reply.checked_in_at + " JST")); }
    result.replaceChildren(box);
    checkedIn.textContent = String(reply.checked_in);
    confirmed.textContent = String(reply.confirmed);
    var line = el("li", reply.admitted ? "" : "refused",
                  (reply.checked_in_at || "") + " " + (reply.name || reply.code || "") + " · " + reply.message);
    recent.insertBefore(line, recent.firstChild);
    while (recent.children.length > 10) { recent.removeChild(recent.lastChild); }
    beep(reply.admitted);
  }

  function problem(text) {
    var box = el("div", "result refused");
    box.appendChild(el("p", "verdict", "⚠ " + text));
    result.replaceChildren(box);
    beep(false);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!input.value.trim()) { return; }
    if (busy) { queued = true; return; }
    busy = true;
    var body = new URLSearchParams(new FormData(form));
    input.value = "";
    fetch(form.action, {
      method: "POST", body: body, credentials: "same-origin", headers: { "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (reply) {
        if (response.ok) { show(reply); return; }
        var field = reply.errors && reply.errors[0];
        problem(field ? field.message : reply.title);
      });
    }).catch(function () {
      problem(document.documentElement.lang === "ja" ? "通信できませんでした。もう一度読み取ってください。"
                                                     : "Could not reach the server. Scan again.");
    }).then(function () {
      busy = false;
      input.focus();
      if (queued) {
        queued = false;
        form.requestSubmit();
      }
    });
  });

  // The scanner types into whatever has focus: bring it back to the input after a click elsewhere.
  document.addEventListener("click", function (event) {
    if (!(event.target instanceof HTMLAnchorElement) && !(event.target instanceof HTMLInputElement)) {
      input.focus();
    }
  });
  input.focus();
})();
