// The page of a large import while it runs: asks the server for the job's progress and moves
// the bar; when the job moves on (checked, imported, failed, interrupted) the page reloads and
// shows it. Without JavaScript a <noscript> meta refresh reloads the page instead.
(function () {
  "use strict";
  var box = document.getElementById("import-job");
  if (!box) { return; }
  var wait = parseInt(box.getAttribute("data-poll-ms"), 10) || 1500;
  if (!window.fetch) {
    window.setTimeout(function () { window.location.reload(); }, wait * 3);
    return;
  }
  var url = box.getAttribute("data-status-url");
  var state = box.getAttribute("data-state");
  var meter = box.querySelector(".progress");
  var bar = box.querySelector(".progress-bar");
  var text = document.getElementById("job-progress-text");
  var failures = 0;

  function show(data) {
    if (data.percent !== null && data.percent !== undefined) {
      bar.style.width = data.percent + "%";
      bar.textContent = data.percent + "%";
      meter.setAttribute("aria-valuenow", data.percent);
    }
    if (data.text) { text.textContent = data.text; }
  }

  function poll() {
    window.fetch(url, {
      credentials: "same-origin",
      cache: "no-store",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    }).then(function (data) {
      failures = 0;
      if (data.state !== state || data.interrupted) {
        window.location.reload();
        return;
      }
      show(data);
      window.setTimeout(poll, wait);
    }).catch(function () {
      // The server restarting, or the network: ask again, less and less often.
      failures += 1;
      window.setTimeout(poll, Math.min(wait * Math.pow(2, failures), 30000));
    });
  }

  // The first answer soon: a file just above the threshold is checked in a second or two.
  window.setTimeout(poll, Math.min(wait, 500));
})();
