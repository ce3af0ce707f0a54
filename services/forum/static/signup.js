// Instant feedback for the signup form on an event's page. Without JavaScript the form posts to
// the page (/forum/events/{id}/signup) and the server answers with a page. With it, the form is
// sent with fetch and the answer (confirmed, check your email, waitlisted with the position, in
// the lottery) replaces the form without a reload; field errors appear beside each field.
// The public goes through the JSON API (`data-api`); a signed-in person posts the form itself
// asking for JSON, so their session (and CSRF token) vouch for them.
// A file, not an inline script: the pages' Content-Security-Policy allows scripts from the site only.
(function () {
  "use strict";
  var form = document.getElementById("signup-form");
  var result = document.getElementById("signup-result");
  var failure = document.getElementById("signup-error");
  if (!form || !result || !window.fetch) { return; }
  var japanese = (document.documentElement.lang || "ja") !== "en";

  function clearErrors() {
    form.querySelectorAll("p.error").forEach(function (p) { p.hidden = true; p.textContent = ""; });
    if (failure) { failure.hidden = true; failure.textContent = ""; }
  }

  function showProblem(problem) {
    var shown = false;
    (problem.errors || []).forEach(function (e) {
      var slot = document.getElementById(String(e.field).split(".").pop() + "-error");
      if (!slot) { return; }
      slot.textContent = japanese ? e.ja : e.en;
      slot.hidden = false;
      shown = true;
    });
    if (failure && (!shown || !problem.errors)) {
      failure.textContent = problem.title || form.dataset.failed;
      failure.hidden = false;
    }
    var first = form.querySelector("p.error:not([hidden])");
    if (first && first.previousElementSibling) { first.previousElementSibling.focus(); }
  }

  function showOutcome(reply, created) {
    var template = document.getElementById(created ? "outcome-" + reply.status : "outcome-existing")
      || document.getElementById("outcome-confirmed");
    result.replaceChildren(template.content.cloneNode(true));
    var position = result.querySelector("[data-position]");
    if (position && reply.waitlist_position) { position.textContent = String(reply.waitlist_position); }
    var manage = result.querySelector("[data-manage]");
    if (manage && reply.manage_url) { manage.href = reply.manage_url; } else if (manage) { manage.remove(); }
    form.hidden = true;
    result.focus();
  }

  function request() {
    if (form.dataset.api) {
      var data = new FormData(form);
      var body = {
        name: data.get("name") || "", name_kana: data.get("name_kana") || "", email: data.get("email") || "",
        affiliation: data.get("affiliation") || "", prefecture_code: data.get("prefecture_code") || null,
        consent: form.elements.consent.checked, locale: data.get("locale") || "ja"
      };
      return fetch(form.dataset.api, {
        method: "POST", body: JSON.stringify(body), credentials: "same-origin",
        headers: { "Content-Type": "application/json", "Accept": "application/json" }
      });
    }
    return fetch(form.action, {
      method: "POST", body: new URLSearchParams(new FormData(form)), credentials: "same-origin",
      headers: { "Accept": "application/json" }
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearErrors();
    var button = form.querySelector("button[type=submit]");
    if (button) { button.disabled = true; }
    request().then(function (response) {
      return response.json().then(function (reply) { return { status: response.status, reply: reply }; });
    }).then(function (answer) {
      if (button) { button.disabled = false; }
      if (answer.status === 200 || answer.status === 201) {
        showOutcome(answer.reply, answer.status === 201);
      } else if (answer.status >= 500) {
        throw new Error(String(answer.status));
      } else {
        showProblem(answer.reply);
      }
    }).catch(function () {
      form.submit();  // let the server answer as it does without JavaScript
    });
  });
})();
