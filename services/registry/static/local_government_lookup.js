// Progressive enhancement for the application form: suggest local governments while typing.
// Without JavaScript the server resolves the typed name or code. A file, not an inline script,
// because the pages' Content-Security-Policy allows scripts from the site only.
(function () {
  var input = document.getElementById("local_government"), list = document.getElementById("lg-options"),
      found = document.getElementById("lg-found"), timer = null;
  if (!input || !list || !found) { return; }
  input.addEventListener("input", function () {
    clearTimeout(timer);
    var q = input.value.trim();
    if (/^\d{6}\s/.test(q)) { return; }
    timer = setTimeout(function () {
      if (!q) { list.innerHTML = ""; return; }
      fetch("/registry/api/v1/local-governments?limit=10&q=" + encodeURIComponent(q))
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (items) {
          list.innerHTML = "";
          items.forEach(function (lg) {
            var o = document.createElement("option");
            o.value = lg.code + " " + (lg.kind === "prefecture" ? lg.name : lg.prefecture + lg.name);
            o.label = lg.kana;
            list.appendChild(o);
          });
          found.textContent = items.length ? "" : found.dataset.none;
        });
    }, 150);
  });
})();
