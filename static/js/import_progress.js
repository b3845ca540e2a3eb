// The page of a big import while its background job runs: reload it every few
// seconds (the interval is the section's data-poll, in ms) until the job is done.
// A file of its own: the Content-Security-Policy allows no inline script.
(function () {
  "use strict";
  var section = document.querySelector("[data-poll]");
  if (!section) {
    return;
  }
  var every = parseInt(section.getAttribute("data-poll"), 10) || 2000;
  window.setTimeout(function () {
    window.location.reload();
  }, every);
})();
