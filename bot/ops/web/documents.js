// The document pages' only script (their CSP allows no inline script; see documents.py).
"use strict";
(function () {
  // A letter signed inside the chat widget's window: the widget closes it and tells the chat.
  if (document.getElementById("signed") && window.parent !== window) {
    window.parent.postMessage({ type: "porting-loa-signed" }, "*");
  }
  // The upload page (opened from Slack or the shell): the file is sent as the request body.
  var form = document.getElementById("upload");
  if (!form) return;
  var result = document.getElementById("result");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var file = document.getElementById("file").files[0];
    if (!file) return;
    result.textContent = "Uploading…";
    fetch(window.location.pathname, {
      method: "POST",
      headers: { "Content-Type": file.type || "application/octet-stream" },
      body: file,
    })
      .then(function (response) {
        return response.json().catch(function () {
          return { error: "The upload failed (" + response.status + "). Please try again." };
        });
      })
      .then(function (answer) {
        result.textContent = answer.message || answer.error;
      })
      .catch(function () {
        result.textContent = "The upload failed: the connection dropped. Please try again.";
      });
  });
})();
