// Forms with data-confirm ask before they are sent (destructive actions).
// An external file, not inline script: the Content-Security-Policy forbids those.
document.addEventListener("submit", function (event) {
  var message = event.target.getAttribute("data-confirm");
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});
