// Injected by `survey serve` into the pages it serves (never into built files): reload after a
// successful rebuild, show the errors of a failed one over the last good page.
(function () {
  var box = null;
  var source = new EventSource("/__survey__/events");
  source.addEventListener("built", function () { location.reload(); });
  source.addEventListener("failed", function (event) {
    if (!box) {
      box = document.createElement("pre");
      box.id = "survey-build-errors";
      box.style.cssText = "position:fixed;left:0;right:0;bottom:0;max-height:45vh;overflow:auto;margin:0;" +
        "padding:1rem;background:#3b0d0d;color:#ffdede;font:13px/1.4 monospace;z-index:99999;white-space:pre-wrap";
      document.body.appendChild(box);
    }
    box.textContent = "survey build failed; this page is the last good build.\n\n" +
      JSON.parse(event.data).join("\n");
  });
})();
