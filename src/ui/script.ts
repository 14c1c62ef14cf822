/**
 * The dashboard's only script, served at /ui/app.js (CSP: script-src 'self').
 * Three jobs, each where a reload would be worse: the editor's preview as you
 * type, the test-send button, and applying live delivery updates to a table.
 * Every page works without it, except those three.
 */
export const SCRIPT = String.raw`
(function () {
  "use strict";
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrf = csrfMeta ? csrfMeta.getAttribute("content") : "";

  function postJson(url, data) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json", "x-csrf-token": csrf },
      body: JSON.stringify(data)
    }).then(function (res) {
      return res.json().then(function (body) { return { status: res.status, body: body }; });
    });
  }

  function text(el, value) { if (el) el.textContent = value; }

  // ---- Action editor: preview as you type, test send ----
  var form = document.getElementById("action-form");
  if (form) {
    var fields = ["method", "url", "headers", "body", "attributes", "customer", "event", "response"];
    var draft = function () {
      var out = {};
      fields.forEach(function (name) { var el = form.elements.namedItem(name); out[name] = el ? el.value : ""; });
      return out;
    };
    var showError = function (error) {
      fields.forEach(function (name) {
        var input = document.getElementById(name);
        if (input) input.removeAttribute("aria-invalid");
        text(document.getElementById("err-" + name), "");
      });
      if (!error) return;
      var name = (error.field || (error.message.match(/^([a-z]+)[.:]/) || [])[1] || "").split(".")[0];
      var input = document.getElementById(name);
      if (input) input.setAttribute("aria-invalid", "true");
      var where = error.line ? "Line " + error.line + (error.column ? ", column " + error.column : "") + ": " : "";
      text(document.getElementById("err-" + name), where + error.message);
    };
    var seq = 0;
    var preview = function () {
      var mine = ++seq;
      postJson(form.getAttribute("data-preview"), draft()).then(function (answer) {
        if (mine !== seq) return; // a newer keystroke's answer wins
        var out = answer.body || {};
        var status = document.getElementById("preview-status");
        var list = document.getElementById("preview-warnings");
        list.textContent = "";
        if (out.error) {
          showError(out.error);
          text(status, "Cannot render: " + out.error.message);
          status.className = "notice error";
          return;
        }
        showError(null);
        status.className = "notice ok";
        text(status, out.warnings && out.warnings.length ? "Rendered, with warnings." : "Rendered.");
        var r = out.request;
        var lines = [r.method + " " + r.url];
        Object.keys(r.headers).forEach(function (k) { lines.push(k + ": " + r.headers[k]); });
        if (r.body !== null) lines.push("", r.body);
        if (out.attributes) lines.push("", "Attributes after a 2xx: " + JSON.stringify(out.attributes, null, 2));
        text(document.getElementById("preview-request"), lines.join("\n"));
        (out.warnings || []).forEach(function (w) { var li = document.createElement("li"); li.textContent = "Warning: " + w; list.appendChild(li); });
      }).catch(function () { text(document.getElementById("preview-status"), "Preview failed; check your connection."); });
    };
    var timer = 0;
    form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(preview, 200); });
    preview();

    var testButton = document.getElementById("test-send");
    if (testButton) testButton.addEventListener("click", function () {
      var result = document.getElementById("test-result");
      var pre = document.getElementById("test-response");
      text(result, "Sending…");
      testButton.disabled = true;
      var d = draft();
      postJson(testButton.getAttribute("data-url"), { customer: d.customer, event: d.event }).then(function (answer) {
        var out = answer.body || {};
        if (out.error && !out.request) {
          result.className = "notice error";
          text(result, "Not sent: " + out.error.message);
          pre.hidden = true;
          return;
        }
        if (!out.response) {
          result.className = "notice error";
          text(result, "No response: " + (out.error || "the request failed") + " (" + out.duration_ms + " ms)");
          pre.hidden = true;
          return;
        }
        result.className = out.response.status < 300 ? "notice ok" : "notice error";
        text(result, "Response: HTTP " + out.response.status + " in " + out.duration_ms + " ms");
        var lines = ["HTTP " + out.response.status];
        Object.keys(out.response.headers).forEach(function (k) { lines.push(k + ": " + out.response.headers[k]); });
        lines.push("", out.response.body);
        if (out.attributes && Object.keys(out.attributes).length) lines.push("", "Attributes: " + JSON.stringify(out.attributes));
        text(pre, lines.join("\n"));
        pre.hidden = false;
      }).catch(function () { text(result, "Test send failed; check your connection."); })
        .then(function () { testButton.disabled = false; });
    });
  }

  // ---- Live delivery tables ----
  var rows = document.getElementById("delivery-rows");
  var src = rows && rows.getAttribute("data-live-src");
  if (src && window.EventSource) {
    var state = document.getElementById("live-state");
    var setState = function (on, label) { if (state) { state.setAttribute("data-state", on ? "on" : "off"); state.textContent = label; } };
    var source = new EventSource(src);
    source.addEventListener("ready", function () { setState(true, "Live: updates appear as deliveries move."); });
    source.addEventListener("rows", function (event) {
      var html = JSON.parse(event.data).html;
      var template = document.createElement("template");
      template.innerHTML = "<table><tbody>" + html + "</tbody></table>";
      var fresh = Array.prototype.slice.call(template.content.querySelectorAll("tbody > tr"));
      var old = {};
      Array.prototype.forEach.call(rows.children, function (row) { old[row.id] = row; });
      var previous = null;
      fresh.forEach(function (row) {
        var existing = old[row.id];
        if (existing) {
          delete old[row.id];
          // Unchanged rows stay the same nodes, so focus on a link in them is kept.
          if (existing.outerHTML === row.outerHTML) row = existing;
          else {
            existing.replaceWith(row);
            // On a delivery's own page the timeline below is now behind: offer the fresh one.
            var stale = document.getElementById("detail-stale");
            if (stale) stale.hidden = false;
          }
        }
        var wanted = previous ? previous.nextElementSibling : rows.firstElementChild;
        if (wanted !== row) rows.insertBefore(row, wanted);
        previous = row;
      });
      Object.keys(old).forEach(function (id) { old[id].remove(); });
    });
    source.addEventListener("signed-out", function () { source.close(); setState(false, "Signed out: reload to sign in again."); });
    source.onerror = function () {
      // CLOSED: the server refused the stream (signed out, or no longer allowed); it will not come back by itself.
      setState(false, source.readyState === 2 ? "Live updates stopped: reload the page." : "Live updates reconnecting…");
    };
  }
})();
`;
