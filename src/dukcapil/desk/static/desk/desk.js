// Back-office settings for htmx. Both scripts are deferred, so this runs after htmx has loaded
// and before it initialises the page.
htmx.config.includeIndicatorStyles = false; // no inline <style>: works under a strict CSP
htmx.config.allowEval = false;
// Pages hold personal data: never keep copies of them in localStorage for the back button.
htmx.config.historyCacheSize = 0;
htmx.config.refreshOnHistoryMiss = true;
htmx.config.historyRestoreAsHxRequest = false;
// A refusal (400 invalid, 403 not allowed, 409 wrong state) carries a message, retargeted by the
// server into #errors; other errors get the generic message below.
htmx.config.responseHandling = [
  { code: "204", swap: false },
  { code: "[23]..", swap: true },
  { code: "^(400|403|409)$", swap: true },
  { code: "[45]..", swap: false, error: true },
];

function deskShowError() {
  var box = document.getElementById("errors");
  if (!box) return;
  var list = document.createElement("ul");
  var item = document.createElement("li");
  list.className = "errorlist";
  item.textContent = box.dataset.genericError;
  list.appendChild(item);
  box.replaceChildren(list);
  box.scrollIntoView({ block: "nearest" });
}
document.addEventListener("htmx:responseError", deskShowError);
document.addEventListener("htmx:sendError", deskShowError);
document.addEventListener("htmx:afterSwap", function (event) {
  if (event.detail.target && event.detail.target.id === "errors") {
    event.detail.target.scrollIntoView({ block: "nearest" });
  }
});
