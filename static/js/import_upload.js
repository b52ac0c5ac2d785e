// The upload's own progress (XMLHttpRequest), then an indeterminate bar while the server checks.
(function () {
  var form = document.getElementById("import-form");
  if (!form) { return; }
  form.addEventListener("submit", function (event) {
    if (!window.FormData || !window.XMLHttpRequest) { return; }
    event.preventDefault();
    var box = document.getElementById("import-progress");
    var bar = box.querySelector(".progress-bar");
    box.classList.remove("d-none");
    document.getElementById("import-progress-text").classList.remove("d-none");
    document.getElementById("upload-button").disabled = true;
    var request = new XMLHttpRequest();
    request.open("POST", form.action || window.location.href);
    request.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    request.upload.onprogress = function (e) {
      if (e.lengthComputable) {
        var pct = Math.round(e.loaded * 100 / e.total);
        bar.style.width = pct + "%"; bar.textContent = pct + "%";
      }
    };
    request.upload.onload = function () { bar.style.width = "100%"; bar.textContent = form.getAttribute("data-checking-text"); };
    request.onload = function () {
      var type = request.getResponseHeader("Content-Type") || "";
      if (type.indexOf("application/json") === 0) {
        window.location = JSON.parse(request.responseText).next;
      } else {
        document.open(); document.write(request.responseText); document.close();
      }
    };
    request.send(new FormData(form));
  });
})();
