// Idle timeout: warn ~2 minutes before the server ends an unused session, offer "stay logged in" (a ping), and
// keep unsaved form input (never passwords, files or the CSRF token) in sessionStorage so it is restored after
// the SAME user logs in again on the same page. The record's hidden "version" is kept with the draft: a draft older
// than the record then meets the conflict page instead of silently overwriting. Settings come from data- attributes
// on <body> (templates/base.html); no inline script (CSP).
(function () {
  "use strict";
  var body = document.body;
  var prefix = "placement-unsaved:";
  var user = body.getAttribute("data-user") || "";
  var storeKey = prefix + user + ":" + window.location.pathname;
  var skipped = { password: 1, hidden: 1, file: 1, submit: 1, button: 1 };

  function fields() {
    return Array.prototype.filter.call(document.querySelectorAll("form[method=post] input, form[method=post] textarea, form[method=post] select"),
      function (el) {
        if (!el.name || el.name === "csrf_token" || el.type === "password" || el.type === "file") { return false; }
        if (el.type === "hidden") { return el.name === "version"; }
        return !skipped[el.type] && !/password/i.test(el.name);
      });
  }

  // Drafts of anyone but the user now logged in are dropped unread (a shared computer, another login in this tab).
  function dropOtherUsersDrafts() {
    var own = prefix + user + ":";
    for (var i = window.sessionStorage.length - 1; i >= 0; i -= 1) {
      var key = window.sessionStorage.key(i);
      if (key && key.indexOf(prefix) === 0 && key.indexOf(own) !== 0) { window.sessionStorage.removeItem(key); }
    }
  }

  function restore() {
    var saved = null;
    try { saved = JSON.parse(window.sessionStorage.getItem(storeKey) || "null"); } catch (e) { saved = null; }
    if (!saved) { return; }
    window.sessionStorage.removeItem(storeKey);
    fields().forEach(function (el) {
      if (!Object.prototype.hasOwnProperty.call(saved, el.name)) { return; }
      if (el.type === "checkbox" || el.type === "radio") { el.checked = saved[el.name].indexOf(el.value) !== -1; }
      else { el.value = saved[el.name][0]; }
    });
  }

  function save() {
    var values = {};
    fields().forEach(function (el) {
      if ((el.type === "checkbox" || el.type === "radio") && !el.checked) { return; }
      (values[el.name] = values[el.name] || []).push(el.value);
    });
    if (Object.keys(values).length) { window.sessionStorage.setItem(storeKey, JSON.stringify(values)); }
  }

  document.addEventListener("submit", function (event) {
    var action = event.target.getAttribute("action") || "";
    if (/\/logout$/.test(action)) { window.sessionStorage.clear(); }
  });

  var minutes = parseInt(body.getAttribute("data-idle-minutes") || "0", 10);
  if (!minutes || !user) { return; }
  dropOtherUsersDrafts();
  restore();
  var warnAfter = Math.max(minutes - 2, 0) * 60000;
  var endAfter = minutes * 60000;
  var banner = null, warnTimer = null, endTimer = null;

  function showBanner() {
    if (banner) { return; }
    banner = document.createElement("div");
    banner.className = "idle-banner";
    banner.setAttribute("role", "alert");
    var text = document.createElement("p");
    text.textContent = body.getAttribute("data-idle-warning");
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = body.getAttribute("data-idle-stay");
    button.addEventListener("click", function () {
      fetch(body.getAttribute("data-idle-ping"), { credentials: "same-origin", cache: "no-store" })
        .then(function (response) { if (response.ok) { start(); } else { window.location.reload(); } });
    });
    banner.appendChild(text);
    banner.appendChild(button);
    body.insertBefore(banner, body.firstChild);
    button.focus();
  }

  function start() {
    if (banner) { banner.parentNode.removeChild(banner); banner = null; }
    window.clearTimeout(warnTimer);
    window.clearTimeout(endTimer);
    warnTimer = window.setTimeout(showBanner, warnAfter);
    endTimer = window.setTimeout(function () { save(); window.location.reload(); }, endAfter + 5000);
  }

  start();
}());
