// Rapport's pages work without this script; it adds keyboard shortcuts, submits filter
// forms when a choice changes, asks before destructive actions, and checks a file's
// size before it is uploaded.
(function () {
  "use strict";

  function typing(e) {
    var t = e.target;
    return t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName);
  }

  function go(sel) {
    var el = document.querySelector(sel);
    if (!el) return false;
    if (el.tagName === "DETAILS") {
      el.open = true;
      var field = el.querySelector("textarea, input:not([type=hidden]), select");
      if (field) field.focus();
      el.scrollIntoView({ block: "nearest" });
    } else if (el.tagName === "A") {
      el.click();
    } else {
      el.focus();
      if (el.select) el.select();
    }
    return true;
  }

  // c logs a call: the interaction form opens set to a phone call, at its summary, so
  // that c, a line of text and Enter log one.
  function logCall() {
    var form = document.getElementById("log-interaction");
    if (!form) return false;
    form.open = true;
    var type = form.querySelector("[name=type]"), channel = form.querySelector("[name=channel]");
    if (type) type.value = "call";
    if (channel) channel.value = "phone";
    var summary = form.querySelector("[name=summary]");
    if (summary) summary.focus();
    form.scrollIntoView({ block: "nearest" });
    return true;
  }

  // f opens the quick feedback form: for the customer on a profile, and coming back
  // to this page once it is saved.
  function logFeedback() {
    var here = document.getElementById("log-feedback");
    if (here) { here.click(); return true; }
    if (location.pathname.indexOf("/feedback/new") === 0) return false;
    location.href = "/feedback/new?back=" + encodeURIComponent(location.pathname + location.search);
    return true;
  }

  // j and k move through the page's stops: the rows of its list (a table or an ordered
  // list of class "list"), or else its sections, by focusing the row's first link or
  // the section's heading.
  function stops() {
    var visible = function (el) { return el.offsetParent !== null; };
    var rows = Array.prototype.filter.call(document.querySelectorAll("main table.list tbody tr, main ol.list > li"), function (tr) {
      return visible(tr) && tr.querySelector("a[href]");
    });
    return rows.length ? rows : Array.prototype.filter.call(document.querySelectorAll("main section[aria-labelledby]"), visible);
  }
  function target(stop) {
    if (stop.tagName === "TR" || stop.tagName === "LI") return stop.querySelector("a[href]");
    var h = document.getElementById(stop.getAttribute("aria-labelledby"));
    if (h && !h.hasAttribute("tabindex")) h.setAttribute("tabindex", "-1");
    return h;
  }
  function step(by) {
    var all = stops();
    if (!all.length) return false;
    var at = all.findIndex(function (el) { return el.contains(document.activeElement); });
    var next = at < 0 ? (by > 0 ? 0 : all.length - 1) : Math.min(all.length - 1, Math.max(0, at + by));
    var el = target(all[next]);
    if (!el) return false;
    el.focus();
    all[next].scrollIntoView({ block: "nearest" });
    return true;
  }

  // press clicks the button sel names, when the page has it.
  function press(sel) {
    var b = document.querySelector(sel);
    if (!b) return false;
    b.click();
    return true;
  }

  var pending = "";
  var shortcuts = {
    "/": function () { return go("#search"); },
    "?": function () { var d = document.getElementById("shortcuts"); if (d && d.showModal) { d.showModal(); return true; } return false; },
    "n": function () { return go("#add-note"); },
    "l": function () { return go("#log-interaction"); },
    "e": function () { return go("#edit-customer"); },
    "t": function () { var t = document.getElementById("timeline"); if (t) { t.scrollIntoView(); return true; } return false; },
    "c": logCall,
    "f": logFeedback,
    "gf": function () { location.href = "/feedback"; return true; },
    "j": function () { return step(1); },
    "k": function () { return step(-1); },
    "gs": function () { location.href = "/segments"; return true; },
    "gk": function () { location.href = "/kb"; return true; },
    "gc": function () { location.href = "/customers"; return true; },
    "gn": function () { location.href = "/customers/new"; return true; },
    "ga": function () { location.href = "/account"; return true; },
    "gd": function () { location.href = "/matches"; return true; },
    "m": function () { return press("#accept"); },
    "x": function () { return press("#reject"); }
  };

  // A shortcut is claimed on keydown and run on keyup, so that the key that opens a
  // form is never typed into the field it focuses. Only signed-in staff have them: a
  // customer on a survey or help-centre page who presses f stays there.
  var action = null;
  document.addEventListener("keydown", function (e) {
    // Not behind an open dialog (the list of shortcuts): Escape closes it first.
    if (!document.body.hasAttribute("data-shortcuts") || document.querySelector("dialog[open]")) return;
    if (e.ctrlKey || e.metaKey || e.altKey || typing(e)) {
      if (e.key === "Escape" && typing(e)) e.target.blur();
      return;
    }
    var key = pending + e.key;
    pending = "";
    if (key === "g") { pending = "g"; return; }
    if (shortcuts[key]) {
      action = shortcuts[key];
      e.preventDefault();
    }
  });
  document.addEventListener("keyup", function () {
    if (action) {
      var run = action;
      action = null;
      run();
    }
  });

  document.addEventListener("change", function (e) {
    var form = e.target.form;
    if (form && form.hasAttribute("data-autosubmit") && e.target.tagName === "SELECT") form.requestSubmit();
  });

  document.addEventListener("submit", function (e) {
    var msg = (e.submitter && e.submitter.getAttribute("data-confirm")) || e.target.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) {
      e.preventDefault();
      return;
    }
    // An upload takes a while: say so, and keep it from being sent twice.
    var upload = e.target.querySelector("input[type=file]");
    var button = e.target.querySelector("button[type=submit]");
    if (upload && upload.files.length && button) {
      button.disabled = true;
      button.textContent = "Uploading…";
    }
  });

  // A file over the server's limit is refused here, before minutes of uploading.
  document.querySelectorAll("input[type=file][data-max-bytes]").forEach(function (input) {
    input.addEventListener("change", function () {
      var file = input.files[0], max = Number(input.getAttribute("data-max-bytes"));
      var msg = file && file.size > max ? "This file is over this server's limit of " + input.getAttribute("data-max-text") + ": split it, or import it with rapport import." : "";
      input.setCustomValidity(msg);
      var shown = document.getElementById(input.id + "-error");
      if (shown) {
        shown.textContent = msg;
        shown.hidden = !msg;
      }
    });
  });

  // The kind of customer decides which name fields the form shows.
  var kind = document.querySelectorAll("input[name=kind]");
  function showNames() {
    var checked = document.querySelector("input[name=kind]:checked");
    if (!checked) return;
    document.querySelectorAll("[data-kind]").forEach(function (el) {
      el.hidden = el.getAttribute("data-kind") !== checked.value;
    });
  }
  kind.forEach(function (el) { el.addEventListener("change", showNames); });
  showNames();

  // meet follows a count of the customers who meet a rule: "1 customer meets", "2
  // customers meet"; who says which customers ("you may see").
  function meet(n, who) {
    return n === 1 ? " customer" + who + " meets" : " customers" + who + " meet";
  }

  // The segment builder counts the customers who meet the rule as it is typed, and
  // adds the examples and fields it lists where the cursor is.
  document.querySelectorAll("form[data-segment-builder]").forEach(function (form) {
    var rule = form.querySelector("textarea[name=rule]");
    var out = form.querySelector(".count");
    var timer = null, asked = 0;
    function count() {
      if (!rule.value.trim()) { out.textContent = ""; return; }
      var mine = ++asked;
      var body = new URLSearchParams({ rule: rule.value });
      fetch("/segments/count", { method: "POST", body: body, credentials: "same-origin" })
        .then(function (res) { return res.json(); })
        .then(function (r) {
          if (mine !== asked) return; // a later count is on its way
          out.textContent = "";
          var el = document.createElement("span");
          if (r.error) {
            el.className = "error";
            el.textContent = r.error;
          } else {
            var n = document.createElement("strong");
            n.textContent = r.count.toLocaleString("en");
            el.appendChild(n);
            el.appendChild(document.createTextNode(meet(r.count, "") + " it now"));
          }
          out.appendChild(el);
        })
        .catch(function () { out.textContent = "Could not count just now."; });
    }
    rule.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(count, 300);
    });
    form.querySelectorAll("[data-insert]").forEach(function (b) {
      b.addEventListener("click", function () {
        var text = b.getAttribute("data-insert");
        var at = rule.selectionStart, before = rule.value.slice(0, at), after = rule.value.slice(rule.selectionEnd);
        if (before.trim() && !/\b(AND|OR|NOT|\()\s*$/i.test(before)) text = " AND " + text;
        rule.value = before + text + after;
        rule.focus();
        rule.selectionStart = rule.selectionEnd = at + text.length;
        count();
      });
    });
  });

  // Each proposed segment's rule is counted as the page opens: the customers who meet
  // it now, among those the reader may see.
  document.querySelectorAll("[data-count-rule]").forEach(function (out) {
    var body = new URLSearchParams({ rule: out.getAttribute("data-count-rule") });
    fetch("/segments/count", { method: "POST", body: body, credentials: "same-origin" })
      .then(function (res) { return res.json(); })
      .then(function (r) {
        if (r.error) { out.textContent = r.error; return; }
        var n = document.createElement("strong");
        n.textContent = r.count.toLocaleString("en");
        out.textContent = "";
        out.appendChild(n);
        out.appendChild(document.createTextNode(meet(r.count, " you may see") + " it now."));
      })
      .catch(function () { out.textContent = ""; });
  });

  // Menu (on a phone) opens and closes the main links in place, without changing the
  // address as its #main-nav link would.
  var menu = document.querySelector(".menu-toggle");
  if (menu) {
    menu.addEventListener("click", function (e) {
      e.preventDefault();
      var open = document.getElementById("main-nav").classList.toggle("open");
      menu.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }
  // A form shown again with problems: the server marks each field with one invalid
  // and described by its message; the first shown takes the focus here, as autofocus
  // gives it only to the first field that has it, and some forms have one already.
  var invalid = Array.prototype.find.call(document.querySelectorAll("[aria-invalid=true]"), function (el) { return el.getClientRects().length; });
  if (invalid) invalid.focus();
})();
